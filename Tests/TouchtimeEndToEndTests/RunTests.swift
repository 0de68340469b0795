import Foundation
import Testing

@Suite(.serialized) struct RunTests {
    @Test func plainRunWalksTheFivePhasesInOrder() throws {
        let result = try BinaryRunner.run(["run", "--plain", "--speed", "1000", "--lead-in", "0", "--no-sound"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let phases = result.lines.filter { $0.contains(" phase-start ") }.map { $0.split(separator: " ", omittingEmptySubsequences: true)[2] }
        #expect(phases == ["warm", "jawline", "lift", "pause", "centering"])
        #expect(result.lines.first?.hasPrefix("00:00.") == true)
        #expect(result.lines.first?.contains("session-start") == true)
        #expect(result.lines.last?.contains("session-end") == true)
        #expect(result.lines.last?.hasSuffix("complete") == true)
        // Every line starts with the session time, and times never go backwards.
        let times = result.lines.map { String($0.prefix(9)) }
        #expect(times.allSatisfy { $0.range(of: #"^\d\d:\d\d\.\d\d\d$"#, options: .regularExpression) != nil })
        #expect(times == times.sorted())
    }

    @Test func eventsToStandardOutputAreJSONLinesOnly() throws {
        let result = try BinaryRunner.run(["run", "trainee-drill", "--events", "-", "--speed", "1000", "--lead-in", "0"])
        #expect(result.status == 0)
        let objects = try result.lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let events = objects.compactMap { $0["event"] as? String }
        #expect(events.first == "session-start")
        #expect(events.last == "session-end")
        #expect(events.filter { $0 == "phase-start" }.count == 5)
        #expect(events.filter { $0 == "stillness-start" }.count == 2, "one between the jawline steps, and the pause phase")
        #expect(events.filter { $0 == "step-start" }.count == 5)
        let elapsed = objects.compactMap { $0["elapsed"] as? Double }
        #expect(elapsed.count == objects.count && elapsed == elapsed.sorted())
        let planned = objects.compactMap { $0["planned"] as? Double }
        #expect(planned.last == 63)
        // At 1000x, each event is seen within a few ms of its planned time / 1000.
        for (p, e) in zip(planned, elapsed) { #expect(abs(e - p / 1000) < 0.05) }
        #expect(objects.allSatisfy { ($0["wall"] as? String)?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil })
        #expect(objects.first?["protocol"] as? String == "trainee-drill")
        #expect(objects.last?["completed"] as? Bool == true)
    }

    @Test func eventsFileIsAppendedNotOverwritten() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("events.jsonl").path
        for _ in 0..<2 {
            let result = try BinaryRunner.run(["run", "trainee-drill", "--plain", "--events", log, "--speed", "1000", "--lead-in", "0"])
            #expect(result.status == 0)
            #expect(result.lines.last?.contains("session-end") == true, "plain lines still go to standard output")
        }
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { $0.contains(#""event":"session-start""#) }.count == 2)
    }

    @Test func unwritableEventsFileExits73() throws {
        let result = try BinaryRunner.run(["run", "--events", "/nonexistent/dir/events.jsonl", "--lead-in", "0"])
        #expect(result.status == 73)
        #expect(result.stderr == "touchtime: /nonexistent/dir/events.jsonl: cannot write events: no such file\n")
    }

    @Test(arguments: [["--speed", "0"], ["--speed", "5000"], ["--speed", "nan"], ["--lead-in", "-1"], ["--bogus"]])
    func badOptionsExit64(options: [String]) throws {
        let result = try BinaryRunner.run(["run"] + options)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
    }

    @Test func unknownProtocolExits66AndInvalidExits65() throws {
        let missing = try BinaryRunner.run(["run", "no-such-protocol", "--lead-in", "0"])
        #expect(missing.status == 66)
        #expect(missing.stderr.hasPrefix("touchtime: no-such-protocol: no such protocol file, and no protocol with that id in ./Protocols"))
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{\"format\": \"touchtime/1\"}".write(to: folder.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
        let invalid = try BinaryRunner.run(["run", "p.json", "--lead-in", "0"], in: folder)
        #expect(invalid.status == 65)
        #expect(invalid.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("touchtime: p.json:1:1: missing key") })
        #expect(invalid.stdout.isEmpty)
    }

    @Test func hostileCuesReachTheOutputAsHarmlessText() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"{"format": "touchtime/1", "id": "evil", "title": "Evil\u001b]0;owned\u0007", "phases": [{"id": "a", "title": "A\u001b[2J", "cue": "Clear\u001b[2J\u009b31m", "duration": 1}]}"#
            .write(to: folder.appendingPathComponent("evil.json"), atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["run", "evil.json", "--plain", "--speed", "100", "--lead-in", "0"], in: folder)
        #expect(result.status == 0)
        #expect(!result.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })
        #expect(result.stdout.contains("Clear[2J31m"))
    }

    @Test(arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130)), (SIGHUP, Int32(129))])
    func aSignalEndsTheSessionInOrder(signal: Int32, status: Int32) throws {
        let result = try BinaryRunner.run(["run", "--events", "-", "--lead-in", "0"], whileRunning: { process in
            usleep(600_000)
            kill(process.processIdentifier, signal)
        })
        #expect(result.status == status)
        let last = try #require(result.lines.last)
        #expect(last.contains(#""event":"session-end""#) && last.contains(#""completed":false"#))
    }
}
