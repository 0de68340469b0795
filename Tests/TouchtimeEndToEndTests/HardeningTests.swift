import Foundation
import Testing

/// What a hand edit, a full disk or a hostile file does to the commands: never a trap, never a
/// lost line, never a byte that steers the terminal.
@Suite(.serialized) struct HardeningTests {
    private let run = #"{"protocol":"trainee-drill","hash":"h","mode":"run","start":"2026-11-21T09:00:00.000Z","end":"2026-11-21T09:01:00.000Z","planned":63.000,"actual":63.000,"outcome":"completed","pauses":0,"skips":0,"extensions":0}"#
    private let practice = #"{"protocol":"trainee-drill","hash":"h","mode":"practice","start":"2026-11-22T09:00:00.000Z","end":"2026-11-22T09:01:00.000Z","planned":63,"actual":60,"outcome":"completed","pauses":0,"skips":0,"extensions":0,"mape":10,"rating":80,"segments":[{"planned":10,"actual":11,"missed":false}]}"#

    private func write(_ lines: [String], in folder: URL, ending: String = "\n") throws -> String {
        let path = folder.appendingPathComponent("history.jsonl").path
        try (lines.joined(separator: "\n") + ending).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func numbersOutOfRangeAreSkippedLinesNeverATrap() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try write([
            run.replacingOccurrences(of: #""planned":63.000"#, with: #""planned":1e300"#),
            practice.replacingOccurrences(of: #""mape":10"#, with: #""mape":1e300"#),
            practice.replacingOccurrences(of: #"{"planned":10,"#, with: #"{"planned":1e-300,"#),
            practice,
        ], in: folder)
        let expected = ["history.jsonl:1: skipped: bad \"planned\"", "history.jsonl:2: skipped: bad \"mape\"",
                        "history.jsonl:3: skipped: bad \"segments\""]
        for arguments in [["history"], ["history", "--json"], ["stats"], ["stats", "--csv"]] {
            let result = try BinaryRunner.run(arguments + ["--history", path])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").map { String($0.dropFirst("touchtime: ".count)) }.sorted() == expected.sorted(),
                    "\(arguments)")
        }
        // A practice reads the history only after its own line is written: such a line never costs it its record.
        let pressed = try BinaryRunner.runPressing(["practice", "trainee-drill", "--plain", "--lead-in", "0", "--speed", "50", "--history", path],
                                                   at: [0.2], then: "qy")
        #expect(pressed.status == 0)
        #expect(pressed.stdout.contains("since your last practice: 10.0 %"), "the last readable practice is the previous one")
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 5)
    }

    @Test func aWriteCutShortIsCutBackAndTheNextLineStandsAlone() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try write([run, run, run, run], in: folder)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(before.count > 800 && before.count < 1024)
        // A file-size limit of one 1 KiB block (bash's unit): the next line can only be written in part.
        let limited = try BinaryRunner.shell("""
            ulimit -f 1
            "$TOUCHTIME" run trainee-drill --plain --speed 1000 --lead-in 0 --no-sound --history '\(path)' > /dev/null
            """)
        #expect(limited.status == 74)
        #expect(limited.stderr.hasPrefix("touchtime: \(path): cannot write the history: "), "\(limited.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "the fragment was cut back off")
        #expect(try BinaryRunner.run(["run", "trainee-drill", "--plain", "--speed", "1000", "--lead-in", "0", "--no-sound",
                                      "--history", path]).status == 0)
        let listing = try BinaryRunner.run(["history", "--json", "--history", path])
        #expect(listing.stderr.isEmpty && listing.lines.count == 5)
    }

    @Test func aTornLastLineNeverTakesTheNextOneWithIt() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A crash mid-write left half a line and no newline.
        let path = try write([run, String(run.prefix(60))], in: folder, ending: "")
        #expect(try BinaryRunner.run(["run", "trainee-drill", "--plain", "--speed", "1000", "--lead-in", "0", "--no-sound",
                                      "--history", path]).status == 0)
        let listing = try BinaryRunner.run(["history", "--json", "--history", path])
        #expect(listing.lines.count == 2, "the new line is whole: \(listing.stdout)")
        #expect(listing.stderr == "touchtime: history.jsonl:2: skipped: not JSON: unexpected end of file: expected a value\n")
    }

    @Test func aHistoryThatCannotBeReadIsSaidWithItsReason() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for arguments in [["history"], ["stats"]] {
            let result = try BinaryRunner.run(arguments + ["--history", path])
            #expect(result.status == 66)
            #expect(result.stderr == "touchtime: \(path): cannot read the history: not a regular file (a directory)\n")
        }
        let missing = try BinaryRunner.run(["history", "--history", folder.appendingPathComponent("none.jsonl").path])
        #expect(missing.status == 0 && missing.stdout.hasPrefix("No sessions yet"))
    }

    @Test func recordsArePrivateToTheirOwner() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let history = folder.appendingPathComponent("new/folder/history.jsonl").path
        let events = folder.appendingPathComponent("events.jsonl").path
        let result = try BinaryRunner.shell("""
            umask 022
            "$TOUCHTIME" run trainee-drill --plain --speed 1000 --lead-in 0 --no-sound --history '\(history)' --events '\(events)' > /dev/null
            """)
        #expect(result.status == 0)
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode(history) == 0o600)
        #expect(try mode(folder.appendingPathComponent("new/folder").path) == 0o700)
        #expect(try mode(folder.appendingPathComponent("new").path) == 0o700)
        #expect(try mode(events) == 0o600)
    }

    @Test func theValidatorCannotBeTurnedAgainstTheTerminal() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Key names that move the cursor up, erase the line and print a forged verdict; one that sets the
        // window title and clears the screen; a bad escape holding an ESC byte.
        let forged = #"{"format": "touchtime/1", "id": "x", "title": "X", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 1, "k\n\u001b[1A\u001b[2Kforged.json: ok (5 phases, 7:15)": 1}]}"#
        let title = "{\"format\": \"touchtime/1\", \"x\u{1B}]0;owned\u{07}\u{1B}[2J\": 1}"
        let escape = "{\"format\": \"touch\\\u{1B}time/1\"}"
        let duplicate = #"{"format": "touchtime/1", "a\u009b31m": 1, "a\u009b31m": 2}"#
        var files: [String] = []
        for (name, text) in [("forged", forged), ("title", title), ("escape", escape), ("duplicate", duplicate)] {
            let path = folder.appendingPathComponent("\(name).json").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
        }
        let result = try BinaryRunner.run(["validate"] + files)
        #expect(result.status == 65)
        for output in [result.stdout, result.stderr] {
            #expect(!output.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) },
                    "no control reaches the terminal: \(output.debugDescription)")
        }
        #expect(!result.lines.contains { $0.hasPrefix("forged.json: ok") })
        #expect(result.stdout.contains(#"\u{1B}[1A\u{1B}[2Kforged.json"#), "the hidden characters are shown, not lost")
        #expect(result.lines.allSatisfy { $0.hasPrefix(folder.path) }, "every line names its file")
    }

    @Test func jsonAndCSVOutputEscapeWhatCouldSteerATerminal() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bidi.json").path
        try #"{"format": "touchtime/1", "id": "bidi", "title": "T\u009b31m\u202ereversed", "phases": [{"id": "a", "title": "A", "cue": "c\u0007", "duration": 1}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let show = try BinaryRunner.run(["show", path, "--json"])
        #expect(show.status == 0)
        #expect(show.stdout.contains(#"T\u009b31m\u202ereversed"#) && show.stdout.contains(#"c\u0007"#))
        #expect(!show.stdout.unicodeScalars.contains { $0.value == 0x9B || $0.value == 0x202E || $0.value == 0x07 })
        let history = try write([practice.replacingOccurrences(of: #""protocol":"trainee-drill""#, with: #""protocol":"x\u001b[2J\u202e""#)], in: folder)
        let csv = try BinaryRunner.run(["stats", "--csv", "--history", history])
        #expect(csv.status == 0)
        #expect(!csv.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
        #expect(csv.stdout.contains("x[2J,1,"))
    }

    @Test(arguments: [
        (["run", "--speed", "-1"], "Error: --speed must be between 0.1 and 1000, got -1.0"),
        (["run", "--lead-in", "-1"], "Error: --lead-in must be between 0 and 600 seconds, got -1.0"),
        (["history", "--last", "-1"], "Error: --last must be at least 1, got -1"),
        (["run", "--speed", "0x10"], "Error: The value '0x10' is invalid for '--speed <speed>'"),
        (["run", "--speed", "nan"], "Error: The value 'nan' is invalid for '--speed <speed>'"),
        (["chime", "--device", ""], "Error: --device needs an ALSA device name, such as default"),
    ])
    func numbersAndNamesOnTheCommandLineSayWhatIsWrong(arguments: [String], message: String) throws {
        let result = try BinaryRunner.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
    }

    @Test func oneIsNotPlural() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("one.json").path
        try #"{"format": "touchtime/1", "id": "one", "title": "One", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 60}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try BinaryRunner.run(["validate", path]).stdout == "\(path): ok (1 phase, 1:00)\n")
        #expect(try BinaryRunner.run(["show", path]).stdout.contains("1 phase, 1 segment"))
    }
}
