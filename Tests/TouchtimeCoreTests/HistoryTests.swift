import Foundation
import Testing
@testable import TouchtimeCore

@Suite struct HistoryTests {
    static let entry = HistoryEntry(protocolID: "trainee-drill", protocolHash: "0123456789abcdef", mode: "run",
                                    start: "2026-11-25T01:00:00.000Z", end: "2026-11-25T01:01:03.000Z", planned: 63,
                                    actual: 64.5, outcome: .completed, pauses: 1, skips: 0, extensions: 2)

    @Test func aLineRoundTrips() throws {
        #expect(try HistoryEntry.parse(Self.entry.jsonLine) == Self.entry)
        #expect(Self.entry.jsonLine.hasPrefix(#"{"protocol":"trainee-drill","hash":"0123456789abcdef","mode":"run""#))
    }

    @Test(arguments: [
        (#"{"protocol":"x""#, "not JSON: unexpected end of file: expected ',' or '}' after an object member"),
        ("[1]", "not a JSON object"),
        (#"{"protocol":"x"}"#, #"missing "outcome""#),
        (String(Self.entry.jsonLine.replacingOccurrences(of: "completed", with: "vanished")), #"unknown "outcome""#),
        (String(Self.entry.jsonLine.replacingOccurrences(of: #""pauses":1"#, with: #""pauses":-3"#)), #"bad "pauses""#),
    ])
    func unreadableLinesSayWhy(line: String, reason: String) {
        #expect(throws: HistoryLineError(reason: reason)) { try HistoryEntry.parse(line) }
    }

    @Test func appendCreatesFoldersAndReadSkipsBadLinesByNumber() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-history-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("deep/er/history.jsonl").path
        try HistoryFile.append(Self.entry, to: path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"torn\": \n\n".utf8))
        try handle.close()
        var second = Self.entry
        second.outcome = .aborted
        try HistoryFile.append(second, to: path)
        let reading = HistoryFile.read(path)
        #expect(reading.entries.map(\.line) == [1, 4])
        #expect(reading.entries.map(\.entry.outcome) == [.completed, .aborted])
        #expect(reading.skipped == ["history.jsonl:2: skipped: not JSON: unexpected end of file: expected a value"])
        #expect(HistoryFile.read(folder.appendingPathComponent("none.jsonl").path).entries.isEmpty)
    }

    @Test func defaultPathFollowsXDG() {
        #expect(HistoryFile.defaultPath(environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]) == "/d/touchtime/history.jsonl")
        #expect(HistoryFile.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/share/touchtime/history.jsonl")
    }

    @Test func theHashFollowsTheContent() throws {
        let drill = Timeline(try #require(try BundledProtocols.load("trainee-drill")))
        let express = Timeline(try #require(try BundledProtocols.load("neurotouch-express")))
        #expect(HistoryEntry.hash(of: drill) == HistoryEntry.hash(of: drill))
        #expect(HistoryEntry.hash(of: drill) != HistoryEntry.hash(of: express))
        #expect(HistoryEntry.hash(of: drill).count == 16)
    }
}
