import Foundation
import Testing
@testable import TouchtimeCore

@Suite struct ProtocolLoaderTests {
    @Test func bundledProtocolsLoadAndMatchTheirFiles() throws {
        #expect(BundledProtocols.files.map(\.id).sorted() == Fixtures.bundledFiles.map { $0.deletingPathExtension().lastPathComponent })
        for file in Fixtures.bundledFiles {
            let id = file.deletingPathExtension().lastPathComponent
            let onDisk = try ProtocolLoader.load(contentsOf: file.path)
            #expect(onDisk.id == id, "the file name is the id")
            #expect(try Array(Data(contentsOf: file)) == BundledProtocols.bytes(for: id), "the binary embeds \(id) as it is on disk")
        }
    }

    @Test func defaultProtocolIsTheFivePhaseRitual() throws {
        let ritual = try #require(try BundledProtocols.load(BundledProtocols.defaultID))
        #expect(ritual.phases.map(\.id) == ["warm", "jawline", "lift", "pause", "centering"])
        #expect((6 * 60...10 * 60).contains(Int(ritual.totalDuration.seconds)))
        guard case .steps(let jawline) = ritual.phases[1].body, case .steps(let lift) = ritual.phases[2].body else {
            Issue.record("jawline and lift are made of steps")
            return
        }
        #expect(jawline.compactMap(\.title) == ["Left side", "Right side"])
        #expect(lift.compactMap(\.title) == ["Cheeks", "Temples", "Forehead"])
        #expect(ritual.phases[2].stillnessBetweenSteps != nil)
        #expect(ritual.phases[3].kind == .stillness)
    }

    @Test func expressAndDrillHaveTheirLengths() throws {
        let express = try #require(try BundledProtocols.load("neurotouch-express"))
        #expect((150...210).contains(Int(express.totalDuration.seconds)))
        let drill = try #require(try BundledProtocols.load("trainee-drill"))
        #expect(drill.totalDuration < .seconds(120))
    }

    @Test func readsEveryDurationForm() throws {
        let treatment = try Fixtures.load(Fixtures.document(phases: """
            [{"id": "a", "title": "A", "cue": "c", "duration": 1.25},
             {"id": "b", "title": "B", "cue": "c", "duration": "1m30s", "stillnessAfter": "0:10"},
             {"id": "c", "title": "C", "cue": "c", "kind": "stillness", "duration": "45s"},
             {"id": "d", "title": "D", "cue": "c", "steps": [{"cue": "x", "duration": "1:00"}, {"title": "Y", "cue": "y", "duration": 2}],
              "stillnessBetweenSteps": 3}]
            """))
        #expect(treatment.phases.map(\.totalDuration) == [.milliseconds(1250), .seconds(100), .seconds(45), .seconds(65)])
        #expect(treatment.phases[2].kind == .stillness)
    }

    /// Each bad file with the exact lines it must produce (file:line:column: path: message).
    @Test(arguments: [
        (#"{"format": "touchtime/2", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
         #"t.json:1:12: format: this file is "touchtime/2", a newer format: it needs a newer touchtime (this one reads touchtime/1 and touchtime/1.1)"#),
        (#"{"id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
         #"t.json:1:1: missing key "format": expected "format": "touchtime/1" or "touchtime/1.1""#),
        (#"{"format": "touchtime/1", "id": "X y", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
         #"t.json:1:33: id: expected an id of lowercase letters, digits and dashes (such as "jawline-left", at most 64 characters), found "X y""#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": []}"#,
         "t.json:1:62: phases: expected at least one phase, found an empty array"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": {}}"#,
         "t.json:1:62: phases: expected a non-empty array of phases, found an object"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": -1}]}"#,
         "t.json:1:113: phases[0] (a).duration: expected a duration of at least 0.1 s, found -1"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 0.05}]}"#,
         "t.json:1:113: phases[0] (a).duration: expected a duration of at least 0.1 s, found 0.05"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 1e308}]}"#,
         "t.json:1:113: phases[0] (a).duration: expected a duration of at most 4 hours, found 1e308"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 1e999}]}"#,
         "t.json:1:113: phases[0] (a).duration: expected a duration of at most 4 hours, found 1e999"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 123456789012345678901234567890}]}"#,
         "t.json:1:113: phases[0] (a).duration: expected a duration of at most 4 hours, found 123456789012345678901234567890"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": "NaN"}]}"#,
         #"t.json:1:113: phases[0] (a).duration: expected a duration: seconds as a number, or a string such as "45s", "1m30s" or "1:30", found "NaN""#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": true}]}"#,
         #"t.json:1:113: phases[0] (a).duration: expected a duration: seconds as a number, or a string such as "45s", "1m30s" or "1:30", found a boolean"#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "durration": 5}]}"#,
         #"t.json:1:63: phases[0] (a): missing key "duration", "steps" or "until": expected how long the phase lasts"#
            + "\n" + #"t.json:1:101: phases[0] (a).durration: unknown key "durration": did you mean "duration"?"#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5, "colour": 1}]}"#,
         #"t.json:1:116: phases[0] (a).colour: unknown key "colour": expected one of id, title, cue, kind, duration, until, steps, stillnessAfter, stillnessBetweenSteps, strokeSeconds, chimes, say, repeat, stillnessBetweenRepeats, marks, sounds"#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5, "stillness_after": 5}]}"#,
         #"t.json:1:116: phases[0] (a).stillness_after: unknown key "stillness_after": did you mean "stillnessAfter"?"#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5, "steps": [{"cue": "c", "duration": 1}]}]}"#,
         #"t.json:1:101: phases[0] (a): a phase takes either "duration" or "steps", not both"#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c"}]}"#,
         #"t.json:1:63: phases[0] (a): missing key "duration", "steps" or "until": expected how long the phase lasts"#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "kind": "calm", "duration": 5}]}"#,
         #"t.json:1:109: phases[0] (a).kind: expected "massage" or "stillness", found "calm""#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "kind": "stillness", "steps": [{"cue": "c", "duration": 1}]}]}"#,
         #"t.json:1:122: phases[0] (a).steps: a stillness phase takes a "duration", not "steps""#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5, "stillnessBetweenSteps": 2}]}"#,
         #"t.json:1:116: phases[0] (a).stillnessBetweenSteps: only a phase with "steps" can have stillness between its steps"#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "steps": [{"cue": "c"}]}]}"#,
         #"t.json:1:111: phases[0] (a).steps[0]: missing key "duration" or "until": expected how long the step lasts"#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "   ", "duration": 5}]}"#,
         "t.json:1:96: phases[0] (a).cue: expected some text, found only blanks"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "duration": 5}]}"#,
         #"t.json:1:63: phases[0] (a): missing key "cue": expected a string"#),
        (#"{"format": "touchtime/1", "id": "x", "title": 7, "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
         "t.json:1:47: title: expected a string, found a number"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}, {"id": "a", "title": "B", "cue": "c", "duration": 5}]}"#,
         #"t.json:1:124: phases[1] (a).id: duplicate phase id "a": phases[0] has it already"#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": "3h"}, {"id": "b", "title": "B", "cue": "c", "duration": "1h30m"}]}"#,
         "t.json:1:62: phases: the session lasts 4:30:00, longer than the 4:00:00 allowed"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": ["warm"]}"#,
         #"t.json:1:63: phases[0]: expected a phase as an object, found a string"#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "chimes": {"paceVolume": 150}, "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
         "t.json:1:77: chimes.paceVolume: expected the stroke tick's volume, a whole number from 0 to 100 (the default is 40), found 150"),
        // Voice: every key, and what each expects.
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "voice": {"say": "shout"}, "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
         #"t.json:1:69: voice.say: expected one of "title", "cue", "both", "none", found "shout""#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "voice": {"rate": 3}, "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
         "t.json:1:70: voice.rate: expected a speaking rate from 0.5 to 2 (1 is the voice's own), found 3"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "voice": {"volume": 101}, "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
         "t.json:1:72: voice.volume: expected a whole number from 0 to 100, found 101"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "voice": {"language": "English"}, "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
         #"t.json:1:74: voice.language: expected a language code such as "en", "de" or "pt-br", found "English""#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "voice": {"warnings": "yes"}, "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
         #"t.json:1:74: voice.warnings: expected true or false, found "yes""#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "voice": {"speed": 1}, "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
         #"t.json:1:62: voice.speed: unknown key "speed": expected one of say, rate, volume, language, warnings"#),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "voice": "loud", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
         "t.json:1:61: voice: expected voice options as an object, found a string"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5, "say": " "}]}"#,
         "t.json:1:123: phases[0] (a).say: expected some text, found only blanks"),
        (#"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "steps": [{"cue": "c", "duration": 5, "say": 5}]}]}"#,
         "t.json:1:146: phases[0] (a).steps[0].say: expected a string, found a number"),
        ("[]", "t.json:1:1: expected the protocol as an object, found an array"),
        ("{\"format\": \"touchtime/1\",\n  \"id\": \"x\"\n  \"title\": \"T\"}", #"t.json:3:3: unexpected '"': expected ',' or '}' after an object member"#),
    ])
    func badFileGivesItsMessage(text: String, expected: String) {
        #expect(Fixtures.problems(text) == expected.components(separatedBy: "\n"))
    }

    @Test func reportsEveryProblemInFileOrder() {
        let lines = Fixtures.problems("""
            {"format": "touchtime/1", "id": "x", "title": "T", "phases": [
              {"id": "a", "title": "A", "cue": "c", "duration": "NaN"},
              {"id": "a", "title": "", "cue": "c", "duraton": 5},
              {"id": "Bad", "title": "C", "cue": "c", "duration": -1}
            ]}
            """)
        #expect(lines == [
            #"t.json:2:53: phases[0] (a).duration: expected a duration: seconds as a number, or a string such as "45s", "1m30s" or "1:30", found "NaN""#,
            #"t.json:3:3: phases[1] (a): missing key "duration", "steps" or "until": expected how long the phase lasts"#,
            #"t.json:3:10: phases[1] (a).id: duplicate phase id "a": phases[0] has it already"#,
            "t.json:3:24: phases[1] (a).title: expected some text, found an empty string",
            #"t.json:3:40: phases[1] (a).duraton: unknown key "duraton": did you mean "duration"?"#,
            #"t.json:4:10: phases[2].id: expected an id of lowercase letters, digits and dashes (such as "jawline-left", at most 64 characters), found "Bad""#,
            "t.json:4:55: phases[2].duration: expected a duration of at least 0.1 s, found -1",
        ])
    }

    @Test func limitsCountsAndSizes() {
        let phase = #"{"id": "p%d", "title": "P", "cue": "c", "duration": 1}"#
        let many = (0...200).map { phase.replacingOccurrences(of: "%d", with: "\($0)") }.joined(separator: ",")
        #expect(Fixtures.problems(Fixtures.document(phases: "[\(many)]")).first?.hasSuffix("phases: expected at most 200 phases, found 201") == true)

        let steps = Array(repeating: #"{"cue": "c", "duration": 1}"#, count: 201).joined(separator: ",")
        let stepsDocument = Fixtures.document(phases: #"[{"id": "a", "title": "A", "cue": "c", "steps": [\#(steps)]}]"#)
        #expect(Fixtures.problems(stepsDocument).first?.hasSuffix("phases[0] (a).steps: expected at most 200 steps, found 201") == true)

        let longCue = String(repeating: "é", count: 2001)
        let cueDocument = Fixtures.document(phases: #"[{"id": "a", "title": "A", "cue": "\#(longCue)", "duration": 1}]"#)
        #expect(Fixtures.problems(cueDocument).first?.hasSuffix("phases[0] (a).cue: expected at most 2000 characters, found 2001") == true)

        let huge = [UInt8](repeating: 0x20, count: ProtocolLoader.maximumFileSize + 1)
        #expect(throws: ProtocolLoadError.invalid(file: "big.json", problems: [Problem(
            path: "", position: nil,
            message: "the file is larger than the 1 MiB a protocol may be")])) {
            try ProtocolLoader.decode(huge, file: "big.json")
        }
    }

    @Test func aHugeFileIsReadOnlyUpToTheLimit() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-huge-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try String(repeating: " ", count: 3 << 20).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ProtocolLoadError.invalid(file: path, problems: [Problem(
            path: "", position: nil,
            message: "the file is larger than the 1 MiB a protocol may be")])) {
            try ProtocolLoader.load(contentsOf: path)
        }
    }

    @Test func hostileValuesNeverTrap() {
        // Every one of these must come back as problems, never a crash.
        let values = ["1e308", "-1e308", "1e-400", "123456789012345678901234567890123456789", "-0", "0",
                      #""99999999999999999999h""#, #""1:99999999:00""#, #""\u0000""#, "null", "[]", "{}"]
        for value in values {
            let text = Fixtures.document(phases: #"[{"id": "a", "title": "A", "cue": "c", "duration": \#(value)}]"#)
            #expect(!Fixtures.problems(text).isEmpty, "duration \(value) is refused")
        }
    }

    @Test func missingFileAndFolderAreUnreadable() {
        #expect(throws: ProtocolLoadError.unreadable(file: "/nonexistent/p.json", reason: "no such file")) {
            try ProtocolLoader.load(contentsOf: "/nonexistent/p.json")
        }
        #expect(throws: ProtocolLoadError.unreadable(file: "/tmp", reason: "is a directory, expected a protocol file")) {
            try ProtocolLoader.load(contentsOf: "/tmp")
        }
    }

    @Test func catalogResolvesIdsLocalFirstThenBundled() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let local = Fixtures.document(phases: #"[{"id": "a", "title": "A", "cue": "c", "duration": 5}]"#)
            .replacingOccurrences(of: "\"test\"", with: "\"trainee-drill\"")
        try local.write(to: folder.appendingPathComponent("trainee-drill.json"), atomically: true, encoding: .utf8)
        try "{".write(to: folder.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)

        let catalog = ProtocolCatalog(localDirectory: folder.path, userDirectory: nil)
        let (drill, origin) = try catalog.resolve("trainee-drill")
        #expect(drill.totalDuration == .seconds(5))
        #expect(origin == .local(path: folder.path + "/trainee-drill.json"))
        #expect(try catalog.resolve("neurotouch-express").1 == .bundled)
        #expect(throws: ProtocolLoadError.self) { try catalog.resolve("broken") }
        #expect(throws: ProtocolLoadError.notFound(name: "nope", searched: [folder.path, "the bundled protocols"])) {
            try catalog.resolve("nope")
        }
        let entries = catalog.entries()
        #expect(entries.map(\.id) == ["broken", "trainee-drill", "neurotouch-symmetry", "neurotouch-express", "trainee-drill"])
        #expect((try? entries[0].result.get()) == nil)
    }

    @Test func userFolderFollowsXDG() {
        #expect(ProtocolCatalog.userDirectory(environment: ["XDG_CONFIG_HOME": "/c", "HOME": "/h"]) == "/c/touchtime/protocols")
        #expect(ProtocolCatalog.userDirectory(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"]) == "/h/.config/touchtime/protocols")
        #expect(ProtocolCatalog.userDirectory(environment: [:]) == nil)
    }

    @Test func suggestsCloseKeysOnly() {
        let keys = ProtocolDecoder.phaseKeys
        #expect(Suggestion.closest(to: "Duration", in: keys) == "duration")
        #expect(Suggestion.closest(to: "stillnessBetween", in: keys) == "stillnessBetweenSteps")
        #expect(Suggestion.closest(to: "tittle", in: keys) == "title")
        #expect(Suggestion.closest(to: "colour", in: keys) == nil)
    }

    @Test func tensOfThousandsOfProblemsOnOneLineArePlacedOnlyWhereShown() {
        // One line, 20,000 unknown keys (a hostile file): the first 100 in file order are printed,
        // each with its column and its suggestion; the rest are counted.
        let keys = (0..<20_000).map { #", "durationn\#($0)": 0"# }.joined()
        let text = #"{"format": "touchtime/1", "id": "x", "title": "X", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 1}]"# + keys + "}"
        let lines = Fixtures.problems(text)
        #expect(lines.count == 101)
        #expect(lines.last == "t.json: ... and 19900 more problems")
        let prefix = #"{"format": "touchtime/1", "id": "x", "title": "X", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 1}], "#
        #expect(lines[0] == "t.json:1:\(prefix.count + 1): durationn0: unknown key \"durationn0\": expected one of format, id, title, description, chimes, voice, sounds, phases")
        let columns = lines.dropLast().compactMap { Int($0.split(separator: ":")[2]) }
        #expect(columns.count == 100 && columns == columns.sorted() && Set(columns).count == 100)
        // A near miss printed among them still gets its suggestion.
        let near = #"{"format": "touchtime/1", "id": "x", "title": "X", "phasse": []}"#
        #expect(Fixtures.problems(near).contains { $0.hasSuffix(#"phasse: unknown key "phasse": did you mean "phases"?"#) })
    }
}

@Suite struct ChimeOptionLoadingTests {
    @Test func readsChimeOptionsAndStrokes() throws {
        let treatment = try Fixtures.load(Fixtures.document(phases: """
            [{"id": "a", "title": "A", "cue": "c", "duration": 60, "strokeSeconds": 4,
              "chimes": {"start": "stillness", "warningBefore": "5s", "volume": 70, "pitch": 440}},
             {"id": "b", "title": "B", "cue": "c", "duration": 60, "chimes": {"start": "none", "warningBefore": 0}}]
            """, extra: #", "chimes": {"warningBefore": 10, "volume": 90}"#))
        #expect(treatment.chimes == ChimeOptions(warningBefore: .seconds(10), volume: 90))
        #expect(treatment.phases[0].chimes == ChimeOptions(start: .some(.stillness), warningBefore: .seconds(5), volume: 70, pitch: 440))
        #expect(treatment.phases[0].strokeSeconds == .seconds(4))
        #expect(treatment.phases[1].chimes.start == .some(nil))
        let timeline = Timeline(treatment)
        #expect(timeline.segments.map(\.warningBefore) == [.seconds(5), nil], "0 turns the protocol's warning off")
    }

    @Test(arguments: [
        (#""chimes": {"start": "gong"}"#, #"phases[0] (a).chimes.start: expected one of "transition", "stillness", "warning", "finish", "pace", "none", found "gong""#),
        (#""chimes": {"volume": 101}"#, "phases[0] (a).chimes.volume: expected a whole number from 0 to 100, found 101"),
        (#""chimes": {"volume": 50.5}"#, "phases[0] (a).chimes.volume: expected a whole number from 0 to 100, found 50.5"),
        (#""chimes": {"pitch": 20}"#, "phases[0] (a).chimes.pitch: expected the bell's pitch in Hz, from 110 to 3520 (the default is 880), found 20"),
        (#""chimes": {"warningBefore": -2}"#, "phases[0] (a).chimes.warningBefore: expected a duration of at least 0.1 s, found -2"),
        (#""chimes": {"volum": 50}"#, #"phases[0] (a).chimes.volum: unknown key "volum": did you mean "volume"?"#),
        (#""chimes": 5"#, "phases[0] (a).chimes: expected chime options as an object, found a number"),
        (#""strokeSeconds": 0.2"#, "phases[0] (a).strokeSeconds: expected a stroke of 0.5 to 60 seconds, found 0.2"),
        (#""strokeSeconds": "2m""#, #"phases[0] (a).strokeSeconds: expected a stroke of 0.5 to 60 seconds, found "2m""#),
    ])
    func badChimeOptionsAreReportedPrecisely(fragment: String, expected: String) {
        let text = Fixtures.document(phases: #"[{"id": "a", "title": "A", "cue": "c", "duration": 10, \#(fragment)}]"#)
        let lines = Fixtures.problems(text)
        #expect(lines.count == 1)
        #expect(lines.first.map { $0.hasSuffix(expected) && $0.hasPrefix("t.json:1:") } == true, "\(lines)")
    }

    @Test func strokesNeedMassage() {
        let text = Fixtures.document(phases: #"[{"id": "a", "title": "A", "cue": "c", "kind": "stillness", "duration": 10, "strokeSeconds": 4}]"#)
        #expect(Fixtures.problems(text).first?.hasSuffix("phases[0] (a).strokeSeconds: a stillness phase has no strokes to pace") == true)
    }
}
