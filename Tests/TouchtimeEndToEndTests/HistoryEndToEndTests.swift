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
