import Foundation
import Testing

/// `new`, `edit`, the name/id warning and shell completion, through the built binary. Each test
/// has a private XDG_CONFIG_HOME, so the user's protocols folder is the test's own.
@Suite struct AuthoringEndToEndTests {
    /// A scratch folder holding `config/` (XDG_CONFIG_HOME), removed by the caller.
    struct Place {
        let folder: URL
        var config: String { folder.appendingPathComponent("config").path }
        var protocols: String { config + "/touchtime/protocols" }
        var environment: [String: String] { ["XDG_CONFIG_HOME": config] }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

        /// A shell script as the editor, made executable; `$1` is the file to edit.
        func editor(_ name: String, _ body: String) throws -> String {
            let script = path(name)
            try ("#!/bin/sh\n" + body + "\n").write(toFile: script, atomically: true, encoding: .utf8)
            chmod(script, 0o755)
            return script
        }

        /// The editor's copies are made in `tmp/` here, so a test can see that none is left.
        var scratch: String { path("tmp") }

        func run(_ arguments: [String], editor: String? = nil) throws -> BinaryRunner.Result {
            var environment = self.environment
            environment["VISUAL"] = ""
            environment["EDITOR"] = editor ?? "false"
            environment["TMPDIR"] = scratch
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            return try BinaryRunner.run(arguments, in: folder, environment: environment)
        }
    }

    private func place() throws -> Place { Place(folder: try BinaryRunner.temporaryFolder()) }

    static let bundledText = (try? String(contentsOf: BinaryRunner.packageRoot.appendingPathComponent("Protocols/neurotouch-symmetry.json"),
                                           encoding: .utf8)) ?? ""
    static let schemaText = (try? String(contentsOf: BinaryRunner.packageRoot.appendingPathComponent("Protocols/touchtime.schema.json"),
                                          encoding: .utf8)) ?? ""
    static let oneLine = #"{"format":"touchtime/1","id":"x","title":"T","phases":[{"id":"a","title":"A","cue":"c","duration":5}]}"#

    // MARK: new

    @Test func newCopiesTheDefaultWithItsIdAndPrintsThePath() throws {
        let place = try place()
        defer { try? FileManager.default.removeItem(at: place.folder) }
        let result = try place.run(["new", "my-ritual"])
        let path = place.protocols + "/my-ritual.json"
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == path + "\n")
        #expect(result.stderr.isEmpty)
        // Only the id changed: the bundled file already names ./touchtime.schema.json, now written beside it.
        #expect(place.read(path) == Self.bundledText.replacingOccurrences(of: #""id": "neurotouch-symmetry""#, with: #""id": "my-ritual""#))
        #expect(place.read(place.protocols + "/touchtime.schema.json") == Self.schemaText)
        let list = try place.run(["list"])
        #expect(list.lines.contains { $0.hasPrefix("my-ritual ") && $0.contains("7:15") && $0.contains(path) }, "\(list.stdout)")
        #expect(list.stderr.isEmpty, "the schema beside it is not a protocol: \(list.stderr)")
        #expect(try place.run(["validate", "my-ritual"]).status == 0)
    }

    @Test func newNeverOverwritesAndABadIdIsAUsageError() throws {
        let place = try place()
        defer { try? FileManager.default.removeItem(at: place.folder) }
        let path = place.protocols + "/mine.json"
        #expect(try place.run(["new", "mine", "--from", "trainee-drill"]).status == 0)
        try "{ my own }".write(toFile: path, atomically: true, encoding: .utf8)
        let again = try place.run(["new", "mine"])
        #expect(again.status == 73)
        #expect(again.stderr == "touchtime: \(path) already exists: change it with 'touchtime edit mine', or choose another id\n")
        #expect(place.read(path) == "{ my own }")
        for bad in ["My_Ritual", "my--ritual", String(repeating: "a", count: 65), "ritual-"] {
            let result = try place.run(["new", bad])
            #expect(result.status == 64, "\(bad)")
            #expect(result.stderr.contains("is not an id: use lowercase letters, digits and single dashes, at most 64"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: place.protocols + "/My_Ritual.json"))
    }

    @Test func newFromAFileOrAnIdCopiesItsOwnText() throws {
        let place = try place()
        defer { try? FileManager.default.removeItem(at: place.folder) }
        try Self.oneLine.write(toFile: place.path("one.json"), atomically: true, encoding: .utf8)
        let fromFile = try place.run(["new", "from-file", "--from", "one.json"])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect(place.read(place.protocols + "/from-file.json")
                == #"{"$schema": "./touchtime.schema.json", "format":"touchtime/1","id":"from-file","title":"T","phases":[{"id":"a","title":"A","cue":"c","duration":5}]}"#)
        // A copy of a copy, by the id it now has.
        #expect(try place.run(["new", "second", "--from", "from-file"]).status == 0)
        #expect(place.read(place.protocols + "/second.json").contains(#""id":"second""#))
        let missing = try place.run(["new", "third", "--from", "nosuch"])
        #expect(missing.status == 66)
        #expect(missing.stderr.hasPrefix("touchtime: nosuch: no such protocol file"))
        try #"{"format":"touchtime/1","id":"x","title":"T","phases":[],}"#.write(toFile: place.path("bad.json"), atomically: true, encoding: .utf8)
        let invalid = try place.run(["new", "third", "--from", "bad.json"])
        #expect(invalid.status == 65)
        #expect(invalid.stderr == "touchtime: bad.json:1:57: remove the comma before }\n")
        #expect(!FileManager.default.fileExists(atPath: place.protocols + "/third.json"))
        // A file of the same id in ./Protocols is found first: said, and the new one's path given.
        try FileManager.default.createDirectory(atPath: place.path("Protocols"), withIntermediateDirectories: true)
        try Self.oneLine.write(toFile: place.path("Protocols/shadowed.json"), atomically: true, encoding: .utf8)
        let shadowed = try place.run(["new", "shadowed"])
        #expect(shadowed.status == 0)
        #expect(shadowed.stderr == "touchtime: warning: ./Protocols/shadowed.json is found first for 'shadowed' from this folder: "
                + "run yours as \(place.protocols)/shadowed.json\n")
    }

    /// Installed, the binary finds share/touchtime beside its bin folder and names the schema there.
    /// A protocol's own bell is named relative to its file: the copy names it in full, so it
    /// rings from the user's folder too; an edit is checked against the real file's folder.
    @Test func ownSoundsFollowNewAndEdit() throws {
        let place = try place()
        defer { try? FileManager.default.removeItem(at: place.folder) }
        let clinic = place.path("clinic")
        try FileManager.default.createDirectory(atPath: clinic, withIntermediateDirectories: true)
        try Data(WAVBytes.tone).write(to: URL(fileURLWithPath: clinic + "/bell.wav"))
        let text = #"{"format":"touchtime/1.1","id":"clinic","title":"C","sounds":{"transition":"bell.wav"},"phases":[{"id":"a","title":"A","cue":"c","duration":5}]}"#
        try text.write(toFile: clinic + "/clinic.json", atomically: true, encoding: .utf8)
        let made = try place.run(["new", "mine", "--from", "clinic/clinic.json"])
        #expect(made.status == 0, "\(made.stderr)")
        let copy = place.read(place.protocols + "/mine.json")
        #expect(copy.contains(#""transition":"\#(clinic)/bell.wav""#), "\(copy)")
        #expect(try place.run(["validate", place.protocols + "/mine.json"]).status == 0)

        // Editing the clinic's own file (in its folder, its bell beside it) from elsewhere: the
        // edit is valid because the bell is looked for beside the file, not beside the copy.
        let editor = try place.editor("retitle", #"sed -i 's/"title":"C"/"title":"Clinic"/' "$1""#)
        let edited = try place.run(["edit", clinic + "/clinic.json"], editor: editor)
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(place.read(clinic + "/clinic.json").contains(#""title":"Clinic""#))
    }

    @Test func newNamesTheInstalledSchema() throws {
        let place = try place()
        defer { try? FileManager.default.removeItem(at: place.folder) }
        let prefix = place.folder.appendingPathComponent("prefix")
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("share/touchtime"), withIntermediateDirectories: true)
        let binary = prefix.appendingPathComponent("bin/touchtime")
        try FileManager.default.copyItem(at: BinaryRunner.executable, to: binary)
        let schema = prefix.appendingPathComponent("share/touchtime/touchtime.schema.json").path
        try Self.schemaText.write(toFile: schema, atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["new", "mine"], in: place.folder, environment: place.environment, program: binary)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(place.read(place.protocols + "/mine.json").contains("\"$schema\": \"\(schema)\""))
        #expect(!FileManager.default.fileExists(atPath: place.protocols + "/touchtime.schema.json"))
    }

    // MARK: edit, without a terminal

    @Test func aValidEditReplacesTheFileKeepingItsPermissions() throws {
        let place = try place()
        defer { try? FileManager.default.removeItem(at: place.folder) }
        #expect(try place.run(["new", "mine"]).status == 0)
        let path = place.protocols + "/mine.json"
        chmod(path, 0o640)
        let editor = try place.editor("retitle", #"sed -i 's/"title": "NeuroTouch Symmetry Serum ritual"/"title": "My ritual"/' "$1""#)
        let result = try place.run(["edit", "mine"], editor: editor)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "\(path): saved (5 phases, 7:15)\n")
        #expect(place.read(path).contains(#""title": "My ritual""#))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: place.protocols).sorted() == ["mine.json", "touchtime.schema.json"],
                "no temporary file is left beside it")
        // An editor given with arguments, as `code --wait` is; a path instead of an id.
        let withArguments = try place.run(["edit", path], editor: "sed -i s/My\\ ritual/Ours/")
        #expect(withArguments.status == 0, "\(withArguments.stderr)")
        #expect(place.read(path).contains(#""title": "Ours""#))
    }

    @Test func anInvalidEditWithoutATerminalExits65AndLeavesTheFile() throws {
        let place = try place()
        defer { try? FileManager.default.removeItem(at: place.folder) }
        #expect(try place.run(["new", "mine"]).status == 0)
        let path = place.protocols + "/mine.json"
        let before = place.read(path)
        let editor = try place.editor("comma", #"sed -i 's/"format": "touchtime\/1",/"format": "touchtime\/1",,/' "$1""#)
        let result = try place.run(["edit", "mine"], editor: editor)
        #expect(result.status == 65)
        #expect(result.stderr == """
            touchtime: \(path):3:27: unexpected ',': expected a string key in double quotes
            touchtime: \(path) is unchanged (no terminal to ask whether to edit again)

            """, "the real file is named, not the copy the editor had")
        #expect(place.read(path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: place.scratch).isEmpty, "the copy is removed")
    }

    @Test func unchangedFailedAndMissingEditorsLeaveTheFile() throws {
        let place = try place()
        defer { try? FileManager.default.removeItem(at: place.folder) }
        #expect(try place.run(["new", "mine"]).status == 0)
        let path = place.protocols + "/mine.json"
        let before = place.read(path)
        let unchanged = try place.run(["edit", "mine"], editor: "true")
        #expect(unchanged.status == 0)
        #expect(unchanged.stdout == "\(path): no changes\n")
        let failing = try place.run(["edit", "mine"], editor: try place.editor("fail", "echo x >> \"$1\"; exit 3"))
        #expect(failing.status == 69)
        #expect(failing.stderr.hasSuffix("the editor '\(place.path("fail"))' exited with status 3; \(path) is unchanged\n"), "\(failing.stderr)")
        let missing = try place.run(["edit", "mine"], editor: "no-such-editor-anywhere")
        #expect(missing.status == 69)
        #expect(missing.stderr.contains("touchtime: the editor 'no-such-editor-anywhere' was not found (set VISUAL or EDITOR); \(path) is unchanged"))
        #expect(place.read(path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: place.scratch).isEmpty, "every copy is removed")
    }

    @Test func aBundledOrUnknownIdCannotBeEdited() throws {
        let place = try place()
        defer { try? FileManager.default.removeItem(at: place.folder) }
        let bundled = try place.run(["edit", "trainee-drill"], editor: "true")
        #expect(bundled.status == 66)
        #expect(bundled.stderr == "touchtime: trainee-drill is bundled with touchtime and cannot be changed in place: make your own copy "
                + "with 'touchtime new trainee-drill --from trainee-drill' (it then takes its place), and edit that\n")
        let unknown = try place.run(["edit", "nosuch"], editor: "true")
        #expect(unknown.status == 66)
        #expect(unknown.stderr.hasPrefix("touchtime: nosuch: no such protocol file, and no protocol with that id in ./Protocols, \(place.protocols)"))
    }

    // MARK: a file's name and its id

    @Test func listValidateAndRunByIdWarnWhenANameAndItsIdDiffer() throws {
        let place = try place()
        defer { try? FileManager.default.removeItem(at: place.folder) }
        try FileManager.default.createDirectory(atPath: place.path("Protocols"), withIntermediateDirectories: true)
        try Self.oneLine.replacingOccurrences(of: #""id":"x""#, with: #""id":"my-ritual""#)
            .write(toFile: place.path("Protocols/Ritual2.json"), atomically: true, encoding: .utf8)
        let warning = #"touchtime: warning: Protocols/Ritual2.json holds the id "my-ritual", not "Ritual2": by id it is run as Ritual2 "#
            + "but recorded as my-ritual; rename the file to my-ritual.json\n"
        let list = try place.run(["list"])
        #expect(list.status == 0)
        #expect(list.lines.contains { $0.hasPrefix("Ritual2 ") && $0.hasSuffix("Protocols/Ritual2.json (holds id my-ritual)") }, "\(list.stdout)")
        #expect(list.stderr == warning)
        let validate = try place.run(["validate", "Protocols/Ritual2.json"])
        #expect(validate.status == 0)
        #expect(validate.stdout == "Protocols/Ritual2.json: ok (1 phase, 0:05)\n")
        #expect(validate.stderr == warning)
        let show = try place.run(["show", "Ritual2"])
        #expect(show.status == 0)
        #expect(show.stderr == warning)
        let run = try place.run(["run", "Ritual2", "--plain", "--no-sound", "--lead-in", "0", "--speed", "100", "--no-history"])
        #expect(run.status == 0)
        #expect(run.stderr == warning)
        // Agreeing, nothing is said.
        try FileManager.default.moveItem(atPath: place.path("Protocols/Ritual2.json"), toPath: place.path("Protocols/my-ritual.json"))
        #expect(try place.run(["list"]).stderr.isEmpty)
    }

    // MARK: completion

    @Test func protocolArgumentsCompleteWithTheIdsOfEveryPlaceListLooks() throws {
        let place = try place()
        defer { try? FileManager.default.removeItem(at: place.folder) }
        #expect(try place.run(["new", "mine"]).status == 0)
        try FileManager.default.createDirectory(atPath: place.path("Protocols"), withIntermediateDirectories: true)
        try Self.oneLine.write(toFile: place.path("Protocols/local-one.json"), atomically: true, encoding: .utf8)
        let all = try place.run(["---completion", "run", "--", "positional@0", "2", "0", "touchtime", "run", ""])
        #expect(all.status == 0)
        #expect(all.stderr.isEmpty)
        #expect(all.lines == ["local-one", "mine", "neurotouch-express", "neurotouch-symmetry", "trainee-drill"])
        let prefixed = try place.run(["---completion", "show", "--", "positional@0", "2", "2", "touchtime", "show", "mi"])
        #expect(prefixed.lines == ["mine"])
        let from = try place.run(["---completion", "new", "--", "--from", "3", "0", "touchtime", "new", "x", "--from", ""])
        #expect(from.lines.contains("mine") && from.lines.contains("neurotouch-symmetry"))
        let editable = try place.run(["---completion", "edit", "--", "positional@0", "2", "0", "touchtime", "edit", ""])
        #expect(editable.lines == ["local-one", "mine"], "only what edit can change")
        let path = try place.run(["---completion", "validate", "--", "positional@0", "2", "5", "touchtime", "validate", "Proto"])
        #expect(path.lines == ["Protocols/"])
        let inFolder = try place.run(["---completion", "validate", "--", "positional@0", "2", "10", "touchtime", "validate", "Protocols/"])
        #expect(inFolder.lines == ["Protocols/local-one.json"])
    }

    /// The script bash is given calls back into the binary, and a TAB through it offers the ids.
    @Test func theBashScriptCallsBackAndCompletesIds() throws {
        let place = try place()
        defer { try? FileManager.default.removeItem(at: place.folder) }
        #expect(try place.run(["new", "mine"]).status == 0)
        let script = try place.run(["--generate-completion-script", "bash"])
        #expect(script.stdout.contains("---completion run -- positional@0"))
        #expect(script.stdout.contains("---completion edit -- positional@0"))
        #expect(script.stdout.contains("'transition'$'\\n''stillness'"), "chime offers its kinds")
        try script.stdout.write(toFile: place.path("completion.bash"), atomically: true, encoding: .utf8)
        let tab = try BinaryRunner.shell("""
            cd \(place.folder.path) && PATH="$(dirname "$TOUCHTIME"):$PATH" && source completion.bash
            COMP_WORDS=(touchtime run m); COMP_CWORD=2; COMP_LINE='touchtime run m'; COMP_POINT=${#COMP_LINE}
            _touchtime touchtime m run; printf '%s\\n' "${COMPREPLY[@]}"
            COMPREPLY=(); COMP_WORDS=(touchtime chime st); COMP_LINE='touchtime chime st'; COMP_POINT=${#COMP_LINE}
            _touchtime touchtime st chime; printf '%s\\n' "${COMPREPLY[@]}"
            """, environment: place.environment)
        #expect(tab.status == 0, "\(tab.stderr)")
        #expect(tab.lines == ["mine", "stillness"], "\(tab.stdout)")
    }
}

/// `touchtime edit` in a real terminal: an invalid edit asks "Edit again? [Y/n]" on the terminal,
/// and the answer decides. The editor is a script that breaks the file the first time (a stray
/// comma) and fixes it the second, counting its runs in a file.
@Suite(.serialized, .enabled(if: Tmux.available, "needs tmux (.ci/setup installs it)"))
struct EditTerminalTests {
    private let binary = BinaryRunner.executable.path

    /// A user protocol `mine` in the terminal's folder, and the editor script; returns the file's path.
    private func prepare(_ tmux: Tmux) throws -> String {
        let made = try BinaryRunner.run(["new", "mine"], environment: ["XDG_CONFIG_HOME": tmux.file("config")])
        #expect(made.status == 0, "\(made.stderr)")
        let script = """
            #!/bin/sh
            n=$(cat \(tmux.file("count")) 2>/dev/null || echo 0); n=$((n+1)); echo $n > \(tmux.file("count"))
            if [ $n -eq 1 ]; then
              sed -i 's/"format": "touchtime\\/1",/"format": "touchtime\\/1",,/' "$1"
            else
              sed -i 's/"format": "touchtime\\/1",,/"format": "touchtime\\/1",/; s/NeuroTouch Symmetry Serum ritual/Fixed/' "$1"
            fi

            """
        try script.write(toFile: tmux.file("editor"), atomically: true, encoding: .utf8)
        chmod(tmux.file("editor"), 0o755)
        return tmux.file("config") + "/touchtime/protocols/mine.json"
    }

    private func edit(_ tmux: Tmux) {
        tmux.type("stty -g > \(tmux.file("before")); XDG_CONFIG_HOME=\(tmux.file("config")) VISUAL= EDITOR=\(tmux.file("editor")) "
                  + "\(binary) edit mine; echo EXIT=$?; stty -g > \(tmux.file("after"))")
    }

    @Test func anInvalidEditIsOfferedAgainAndTheFixReplacesTheFile() throws {
        let tmux = try Tmux(width: 160, height: 24)
        defer { tmux.close() }
        let path = try prepare(tmux)
        edit(tmux)
        #expect(tmux.waitFor { $0.contains { $0.contains("Edit again? [Y/n]") } }, "\(tmux.screen)")
        #expect(tmux.screen.contains { $0.contains("touchtime: \(path):3:27: unexpected ','") }, "\(tmux.screen)")
        tmux.press("y", "Enter")
        #expect(tmux.waitFor { $0.contains { $0.hasPrefix("EXIT=") } }, "\(tmux.screen)")
        #expect(tmux.screen.contains("EXIT=0"), "\(tmux.screen)")
        #expect(tmux.screen.contains { $0 == "\(path): saved (5 phases, 7:15)" }, "\(tmux.screen)")
        #expect(tmux.read("count") == "2\n", "the editor ran again, on the text it had left")
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        #expect(text.contains(#""title": "Fixed""#) && !text.contains(",,"))
        #expect(tmux.read("before") == tmux.read("after"), "the terminal is as it was")
    }

    @Test func answeringNoLeavesTheFileAsItWas() throws {
        let tmux = try Tmux(width: 160, height: 24)
        defer { tmux.close() }
        let path = try prepare(tmux)
        let before = try String(contentsOfFile: path, encoding: .utf8)
        edit(tmux)
        #expect(tmux.waitFor { $0.contains { $0.contains("Edit again? [Y/n]") } }, "\(tmux.screen)")
        tmux.press("n", "Enter")
        #expect(tmux.waitFor { $0.contains { $0.hasPrefix("EXIT=") } }, "\(tmux.screen)")
        #expect(tmux.screen.contains("EXIT=65"), "\(tmux.screen)")
        #expect(tmux.screen.contains { $0 == "touchtime: \(path) is unchanged" }, "\(tmux.screen)")
        #expect(tmux.read("count") == "1\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
        #expect(tmux.read("before") == tmux.read("after"), "the terminal is as it was")
    }
}

/// A short valid PCM WAV file: 0.1 s of 1 kHz at 8 kHz, 16-bit mono.
enum WAVBytes {
    static var tone: [UInt8] {
        let samples = (0..<800).map { Int16((8000 * sin(2 * Double.pi * 1000 * Double($0) / 8000)).rounded()) }
        var bytes: [UInt8] = []
        func u32(_ value: Int) { for index in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) } }
        func u16(_ value: Int) { for index in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) } }
        bytes += Array("RIFF".utf8); u32(36 + samples.count * 2); bytes += Array("WAVE".utf8)
        bytes += Array("fmt ".utf8); u32(16); u16(1); u16(1); u32(8000); u32(16000); u16(2); u16(16)
        bytes += Array("data".utf8); u32(samples.count * 2)
        for sample in samples { u16(Int(UInt16(bitPattern: sample))) }
        return bytes
    }
}
