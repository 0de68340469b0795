#!/usr/bin/env bash
# Installs the .deb into a clean Debian 12 made with debootstrap (no Swift, nothing of the build
# machine) and runs touchtime there in a chroot: --version, validate, show, render, a session
# without sound. Needs root and the network (Debian's mirror). Usage:
#   bash packaging/test-in-chroot.sh build/touchtime_VERSION_ARCH.deb [CHROOT]
set -euo pipefail
deb=$(realpath "$1")
root=${2:-/tmp/touchtime-chroot}
if [ ! -x "$root/usr/bin/apt-get" ]; then
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
trap 'umount "$root/proc"' EXIT
cp "$deb" "$root/tmp/touchtime.deb"
chroot "$root" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /tmp/touchtime.deb >/dev/null'
run() { echo "\$ $*"; chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/bin:/bin "$@"; }
run touchtime --version
run touchtime validate /usr/share/touchtime/protocols/neurotouch-symmetry.json
run touchtime show | tail -4
run touchtime render --out /tmp/ritual.wav
run ls -l /tmp/ritual.wav
run touchtime run --speed 200 --lead-in 0 --plain --no-history | tail -2
run touchtime say "ready" --out /tmp/ready.wav
run man -w touchtime-run 2>/dev/null || true
echo "installed size: $(chroot "$root" dpkg-query -W -f='${Installed-Size} KiB' touchtime); package: $(du -k "$deb" | cut -f1) KiB"
