import Foundation
import Testing

/// The history through the binary: every way a session ends leaves its line, and nothing
/// (a kill -9, two sessions ending at once, a torn line) loses the others.
@Suite(.serialized) struct HistoryEndToEndTests {
    private func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func eachSessionAppendsALineAndHistoryListsThemNewestFirst() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("h/history.jsonl").path
        for name in ["trainee-drill", "neurotouch-express"] {
            #expect(try BinaryRunner.run(["run", name, "--speed", "1000", "--lead-in", "0", "--no-sound", "--history", path]).status == 0)
        }
        #expect(lines(path).count == 2)
        #expect(lines(path).allSatisfy { $0.contains(#""speed":1000"#) }, "a rehearsal is recorded as one")
        let listing = try BinaryRunner.run(["history", "--history", path])
        #expect(listing.status == 0)
        #expect(listing.lines.count == 3)
        #expect(listing.lines[1].contains("neurotouch-express") && listing.lines[1].contains("completed"))
        #expect(listing.lines[1].contains("run x1000"))
        #expect(listing.lines[2].contains("trainee-drill"))
        let json = try BinaryRunner.run(["history", "--history", path, "--json", "--last", "1"])
        #expect(json.lines.count == 1 && json.lines[0].contains(#""protocol":"neurotouch-express""#))
        #expect(try BinaryRunner.run(["run", "trainee-drill", "--speed", "1000", "--lead-in", "0", "--no-sound", "--history", path, "--no-history"]).status == 0)
        #expect(lines(path).count == 2, "--no-history writes nothing")
    }

    /// After an accidental quit (issue 23): the summary line and the history say where it stopped,
    /// `run --resume` starts there, and `--from` and `--resume` are recorded as partial starts.
    @Test func aSessionQuitByMistakeIsGoneOnFromWhereItStopped() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        let base = ["run", "--plain", "--lead-in", "0", "--no-sound", "--history", path]
        let nothing = try BinaryRunner.run(base + ["--resume"])
        #expect(nothing.status == 66)
        #expect(nothing.stderr.hasPrefix("touchtime: nothing to resume: no session of 'neurotouch-symmetry' in "), "\(nothing.stderr)")
        // Quit 2 s into Lift (at 10x: 20 s of it).
        let quit = try BinaryRunner.runPressing(base + ["--from", "lift", "--speed", "10"], at: [2], key: "q", then: "q")
        #expect(quit.status == 0)
        #expect(quit.lines.last?.contains("session-end     ended early at Lift, sculpt and smooth: Cheeks, 0:2") == true, "\(quit.lines.last ?? "")")
        let stopped = try #require(lines(path).last)
        #expect(stopped.contains(#""from":{"segment":4,"phase":"lift","role":"step","step":0,"title":"Lift, sculpt and smooth: Cheeks","offset":0.000}"#),
                "\(stopped)")
        #expect(stopped.contains(#""stopped":{"segment":4,"phase":"lift","role":"step","step":0,"title":"Lift, sculpt and smooth: Cheeks","offset":2"#))
        let listing = try BinaryRunner.run(["history", "--history", path])
        #expect(listing.lines[1].contains("quit at Lift, sculpt and smooth: Cheeks, 0:2"), "\(listing.lines[1])")
        #expect(listing.lines[1].contains("from Lift, sculpt and smooth: Cheeks"))

        // Resumed: where it stopped, the offset kept (about 38 s of the minute left), recorded as a partial start.
        let resumed = try BinaryRunner.run(base + ["--resume", "--speed", "100", "--events", "-"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.hasPrefix("touchtime: resuming neurotouch-symmetry at Lift, sculpt and smooth: Cheeks, 0:2"), "\(resumed.stderr)")
        let first = try #require(resumed.lines.first { $0.contains(#""event":"step-start""#) })
        #expect(first.contains(#""phase":"lift","step":0"#), "\(first)")
        let start = try #require(resumed.lines.first)
        let planned = try #require((try JSONSerialization.jsonObject(with: Data(start.utf8)) as? [String: Any])?["planned"] as? Double)
        let cheeks = try #require((try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])?["planned"] as? Double)
        #expect(planned - cheeks > 19 && planned - cheeks < 30, "the session starts 20-odd seconds into Cheeks: \(planned) (\(cheeks))")
        let ticks = resumed.lines.filter { $0.contains(#""event":"stroke""#) }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["planned"] as? Double
        }
        #expect(ticks.first.map { $0 > planned } ?? true, "no stroke before where it resumed is given again")
        let done = try #require(lines(path).last)
        #expect(done.contains(#""outcome":"completed""#) && done.contains(#""from":{"segment":4"#) && !done.contains(#""stopped""#))
        // Completed: nothing left to resume.
        let again = try BinaryRunner.run(base + ["--resume"])
        #expect(again.status == 66 && again.stderr.contains("completed"), "\(again.stderr)")
    }

    @Test func aCorruptLineIsSkippedWithItsNumber() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        #expect(try BinaryRunner.run(["run", "trainee-drill", "--speed", "1000", "--lead-in", "0", "--no-sound", "--history", path]).status == 0)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("hand edit, not JSON\n".utf8))
        try handle.close()
        #expect(try BinaryRunner.run(["run", "trainee-drill", "--speed", "1000", "--lead-in", "0", "--no-sound", "--history", path]).status == 0)
        let listing = try BinaryRunner.run(["history", "--history", path])
        #expect(listing.status == 0)
        #expect(listing.stderr == "touchtime: history.jsonl:2: skipped: not JSON: unexpected 'h': expected a value (object, array, string, number, true, false or null)\n")
        #expect(listing.lines.count == 3)
    }

    @Test func sigtermAppendsAnAbortedLineAndKill9LosesNothingEarlier() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        let term = try BinaryRunner.run(["run", "--lead-in", "0", "--no-sound", "--history", path], whileRunning: { process in
            usleep(500_000)
            kill(process.processIdentifier, SIGTERM)
        })
        #expect(term.status == 143)
        #expect(lines(path).count == 1 && lines(path)[0].contains(#""outcome":"aborted""#))
        let killed = try BinaryRunner.run(["run", "--lead-in", "0", "--no-sound", "--history", path], whileRunning: { process in
            usleep(500_000)
            kill(process.processIdentifier, SIGKILL)
        })
        #expect(killed.status == 9 || killed.status == 137)
        let reading = try BinaryRunner.run(["history", "--history", path, "--json"])
        #expect(reading.stderr.isEmpty, "every line left parses")
        #expect(reading.lines.count == 1)
    }

    @Test func sessionsEndingAtOnceNeverInterleave() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        let group = DispatchGroup()
        let failures = ManagedCounter()
        for _ in 0..<8 {
            group.enter()
            DispatchQueue.global().async {
                let result = try? BinaryRunner.run(["run", "trainee-drill", "--speed", "1000", "--lead-in", "0", "--no-sound", "--history", path])
                if result?.status != 0 { failures.increment() }
                group.leave()
            }
        }
        group.wait()
        #expect(failures.value == 0)
        let reading = try BinaryRunner.run(["history", "--history", path, "--json"])
        #expect(reading.stderr.isEmpty)
        #expect(reading.lines.count == 8)
    }
}

final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
