import Foundation
import Testing

/// A practice driven by presses sent at chosen moments through standard input, at 10x.
@Suite(.serialized) struct PracticeEndToEndTests {
    @Test func pressesAtChosenMomentsGiveTheirErrorsAndAHistoryLine() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let history = folder.appendingPathComponent("history.jsonl").path
        let events = folder.appendingPathComponent("events.jsonl").path
        let process = Process()
        process.executableURL = BinaryRunner.executable
        process.arguments = ["practice", "trainee-drill", "--plain", "--lead-in", "0", "--speed", "10",
                             "--history", history, "--events", events]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // At 10x: warm (10 s) pressed at 1.0 s = on time; jawline left (8 s) 0.6 s later = 2 s early;
        // the stillness (4 s) 0.5 s later = 1 s late; then no more presses: the rest run out.
        let start = Date()
        for at in [1.0, 1.6, 2.1] {
            Thread.sleep(until: start.addingTimeInterval(at))
            input.fileHandleForWriting.write(Data("\n".utf8))
        }
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let presses = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["event"] as? String == "press" }
        let errors = presses.compactMap { $0["error"] as? Double }
        #expect(errors.count == 3)
        for (error, expected) in zip(errors, [0.0, -2.0, 1.0]) {
            #expect(abs(error - expected) < 0.5, "error \(error) s, expected about \(expected) s")
        }
        #expect(report.contains("SEGMENT"))
        #expect(report.contains("Jawline: Right      8s       missed"))
        #expect(report.contains("mean absolute error, rating"))
        let line = try #require(try String(contentsOfFile: history, encoding: .utf8).split(separator: "\n").last)
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(entry["mode"] as? String == "practice")
        #expect(entry["outcome"] as? String == "completed")
        #expect((entry["segments"] as? [Any])?.count == 9)
        #expect(entry["rating"] as? Int == 0, "six missed segments")
    }
}
