# touchtime: build, install and package, the way Linux packagers expect.
#
#   make                    the release binary (.build/release/touchtime)
#   make run                build, then run the default ritual
#   make install            binary, man pages, completions, protocols and schemas under
#                           $(DESTDIR)$(PREFIX) (PREFIX defaults to /usr/local)
#   make uninstall          removes exactly what install put there
#   make deb                a Debian package, build/touchtime_VERSION_ARCH.deb
#
# The Swift runtime is linked into the binary (--static-swift-stdlib; lld, since GNU gold prints
# glibc's link-time mktemp notice from the static Foundation as a warning), so the package needs
# no Swift; the C libraries stay shared (see LICENSE).

PREFIX  ?= /usr/local
DESTDIR ?=
SWIFT   ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
VERSION := $(shell sed -n 's/.*version: "\([^"]*\)".*/\1/p' Sources/touchtime/Touchtime.swift)
ARCH    := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)

# Its own build folder: SwiftPM does not relink when only --static-swift-stdlib changes.
BIN      = .build-static/release/touchtime
STAGE    = build/stage
MAN      = build/man
COMPLETE = build/completions

BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man/man1
DATADIR  = $(PREFIX)/share/touchtime
BASHDIR  = $(PREFIX)/share/bash-completion/completions
ZSHDIR   = $(PREFIX)/share/zsh/site-functions
FISHDIR  = $(PREFIX)/share/fish/vendor_completions.d

PROTOCOLS = $(wildcard Protocols/*.json)

.PHONY: all build run man completions install uninstall deb clean

all: build

RELEASE = $(SWIFT) build -c release --product touchtime --scratch-path .build-static --static-swift-stdlib -Xswiftc -use-ld=lld

build:
	$(RELEASE)

run: build
	$(BIN) run

# One page per command (swift-argument-parser's generate-manual plugin, which builds the tool itself),
# named touchtime-run.1 and so on (into .build, not the released binary's folder); the hidden
# helper command gets none.
man:
	$(SWIFT) package plugin generate-manual --multi-page --date $$(date -u +%Y-%m-%d) >/dev/null
	rm -rf $(MAN) && mkdir -p $(MAN)
	for page in .build/plugins/GenerateManual/outputs/touchtime/*.1; do \
	  name=$$(basename "$$page" | sed 's/\./-/; s/-1$$/.1/'); \
	  case "$$name" in touchtime-_*|touchtime-help.1) continue;; esac; \
	  cp "$$page" "$(MAN)/$$name"; \
	done

completions: build
	rm -rf $(COMPLETE) && mkdir -p $(COMPLETE)
	$(BIN) --generate-completion-script bash > $(COMPLETE)/touchtime
	$(BIN) --generate-completion-script zsh > $(COMPLETE)/_touchtime
	$(BIN) --generate-completion-script fish > $(COMPLETE)/touchtime.fish

install: build man completions
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)/protocols \
	  $(DESTDIR)$(BASHDIR) $(DESTDIR)$(ZSHDIR) $(DESTDIR)$(FISHDIR)
	install -m 755 -s $(BIN) $(DESTDIR)$(BINDIR)/touchtime
	install -m 644 $(MAN)/*.1 $(DESTDIR)$(MANDIR)/
	install -m 644 $(COMPLETE)/touchtime $(DESTDIR)$(BASHDIR)/touchtime
	install -m 644 $(COMPLETE)/_touchtime $(DESTDIR)$(ZSHDIR)/_touchtime
	install -m 644 $(COMPLETE)/touchtime.fish $(DESTDIR)$(FISHDIR)/touchtime.fish
	for file in $(PROTOCOLS); do \
	  case "$$file" in *.schema.json) install -m 644 "$$file" $(DESTDIR)$(DATADIR)/;; \
	  *) install -m 644 "$$file" $(DESTDIR)$(DATADIR)/protocols/;; esac; \
	done

# Exactly what install put there: the man pages by the names this build makes, the protocols
# and schemas by the names in Protocols/, and the folders only if that leaves them empty.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/touchtime
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/,$(notdir $(wildcard $(MAN)/*.1)))
	rm -f $(DESTDIR)$(BASHDIR)/touchtime $(DESTDIR)$(ZSHDIR)/_touchtime $(DESTDIR)$(FISHDIR)/touchtime.fish
	for file in $(notdir $(PROTOCOLS)); do \
	  case "$$file" in *.schema.json) rm -f $(DESTDIR)$(DATADIR)/$$file;; \
	  *) rm -f $(DESTDIR)$(DATADIR)/protocols/$$file;; esac; \
	done
	-rmdir $(DESTDIR)$(DATADIR)/protocols $(DESTDIR)$(DATADIR) 2>/dev/null

deb: install-stage
	mkdir -p $(STAGE)/DEBIAN
	sed -e 's/@VERSION@/$(VERSION)/' -e 's/@ARCH@/$(ARCH)/' \
	  -e "s/@SIZE@/$$(du -sk --exclude=DEBIAN $(STAGE) | cut -f1)/" packaging/control > $(STAGE)/DEBIAN/control
	dpkg-deb --root-owner-group --build $(STAGE) build/touchtime_$(VERSION)_$(ARCH).deb

.PHONY: install-stage
install-stage:
	rm -rf $(STAGE)
	$(MAKE) install DESTDIR=$(CURDIR)/$(STAGE) PREFIX=/usr

clean:
	rm -rf build
