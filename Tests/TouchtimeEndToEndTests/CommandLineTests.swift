import Foundation
import Testing

/// Example tests: the built binary, run as a user would, with its output compared.
@Suite(.serialized) struct CommandLineTests {
    private let protocols = BinaryRunner.packageRoot.appendingPathComponent("Protocols")

    /// A typo of a command, a protocol id, a phase or a chime kind gets what it likely meant (issue 23).
    @Test func typosGetWhatTheyLikelyMeant() throws {
        let command = try BinaryRunner.run(["rnu"])
        #expect(command.status == 64)
        #expect(command.stderr == "touchtime: unknown command 'rnu': did you mean 'run'? (see 'touchtime --help')\n", "\(command.stderr)")
        let id = try BinaryRunner.run(["run", "neurotouch-symetry", "--no-history"])
        #expect(id.status == 66)
        #expect(id.stderr.hasPrefix("touchtime: neurotouch-symetry: no such protocol file or id; did you mean 'neurotouch-symmetry'?"), "\(id.stderr)")
        let from = try BinaryRunner.run(["run", "--from", "lfit", "--no-history"])
        #expect(from.status == 64)
        #expect(from.stderr.contains("no phase 'lfit' (did you mean 'lift'?); the phases are warm, jawline, lift, pause, centering"), "\(from.stderr)")
        let chime = try BinaryRunner.run(["chime", "bel"])
        #expect(chime.status == 64)
        #expect(chime.stderr.contains("unknown chime 'bel': did you mean 'transition' (the bell)?"), "\(chime.stderr)")
        let stillnes = try BinaryRunner.run(["chime", "stilness"])
        #expect(stillnes.stderr.contains("did you mean 'stillness'?"))
    }

    @Test func validateAcceptsEveryBundledProtocol() throws {
        let files = ["neurotouch-symmetry", "neurotouch-express", "trainee-drill"].map { protocols.appendingPathComponent("\($0).json").path }
        let result = try BinaryRunner.run(["validate"] + files)
        #expect(result.status == 0)
        #expect(result.lines.count == 3)
        #expect(result.lines.allSatisfy { $0.contains(": ok (5 phases, ") })
    }

    @Test func validateReportsEveryProblemWithPlaceAndExits65() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
            {"format": "touchtime/1", "id": "bad", "title": "Bad",
             "phases": [{"id": "warm", "title": "Warm", "cue": "c", "duration": "1e308"},
                        {"id": "warm", "title": "Warm", "cue": "c", "durration": 5}]}
            """.write(to: folder.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["validate", "bad.json"], in: folder)
        #expect(result.status == 65)
        #expect(result.lines == [
            #"bad.json:2:69: phases[0] (warm).duration: expected a duration: seconds as a number, or a string such as "45s", "1m30s" or "1:30", found "1e308""#,
            #"bad.json:3:13: phases[1] (warm): missing key "duration", "steps" or "until": expected how long the phase lasts"#,
            #"bad.json:3:20: phases[1] (warm).id: duplicate phase id "warm": phases[0] has it already"#,
            #"bad.json:3:57: phases[1] (warm).durration: unknown key "durration": did you mean "duration"?"#,
        ])
        #expect(!result.stderr.contains("Fatal") && !result.stderr.contains("Stack"))
    }

    @Test func validateMissingFileExits66() throws {
        let result = try BinaryRunner.run(["validate", "/nonexistent/protocol.json"])
        #expect(result.status == 66)
        #expect(result.lines == ["/nonexistent/protocol.json: no such file"])
    }

    @Test func validateWithNoFileIsAUsageError() throws {
        let result = try BinaryRunner.run(["validate"])
        #expect(result.status == 64)
    }

    @Test func showPrintsPhasesTotalAndBar() throws {
        let result = try BinaryRunner.run(["show"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("NeuroTouch Symmetry Serum ritual"))
        #expect(result.stdout.contains("total 7:15"))
        #expect(result.lines.contains { $0.hasPrefix("timeline |1") && $0.hasSuffix("5|") })
        for phase in ["1 warm", "2 jawline", "3 lift", "4 pause", "5 centering"] {
            #expect(result.stdout.contains(phase))
        }
    }

    @Test func showJSONIsMachineReadable() throws {
        let result = try BinaryRunner.run(["show", "neurotouch-express", "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["id"] as? String == "neurotouch-express")
        #expect(object["total"] as? Double == 180)
        let phases = try #require(object["phases"] as? [[String: Any]])
        #expect(phases.compactMap { $0["id"] as? String } == ["warm", "jawline", "lift", "pause", "centering"])
    }

    @Test func listShowsBundledLocalAndUserProtocols() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("config/touchtime/protocols")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("Protocols"), withIntermediateDirectories: true)
        try #"{"format": "touchtime/1", "id": "mine", "title": "My ritual", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 90}]}"#
            .write(to: config.appendingPathComponent("mine.json"), atomically: true, encoding: .utf8)
        try "{ nope".write(to: folder.appendingPathComponent("Protocols/broken.json"), atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["list"], in: folder, environment: ["XDG_CONFIG_HOME": folder.appendingPathComponent("config").path])
        #expect(result.status == 0)
        #expect(result.lines.first?.hasPrefix("ID") == true)
        #expect(result.lines.contains { $0.hasPrefix("mine ") && $0.contains("My ritual") && $0.contains("1:30") && $0.contains(config.path) })
        #expect(result.lines.contains { $0.hasPrefix("broken ") && $0.contains("invalid: 1 problem") })
        #expect(result.lines.contains { $0.hasPrefix("neurotouch-symmetry ") && $0.contains("7:15") && $0.hasSuffix("bundled") })
        // And a user protocol runs by id.
        let run = try BinaryRunner.run(["run", "mine", "--plain", "--speed", "1000", "--lead-in", "0"], in: folder,
                                       environment: ["XDG_CONFIG_HOME": folder.appendingPathComponent("config").path])
        #expect(run.status == 0)
        #expect(run.lines.last?.contains("session-end") == true)
    }
}
