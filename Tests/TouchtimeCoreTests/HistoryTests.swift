import Foundation
import Testing
@testable import TouchtimeCore

@Suite struct HistoryTests {
    static let entry = HistoryEntry(protocolID: "trainee-drill", protocolHash: "0123456789abcdef", mode: .run,
                                    start: "2026-11-25T01:00:00.000Z", end: "2026-11-25T01:01:03.000Z", planned: .seconds(63),
                                    actual: .milliseconds(64_500), outcome: .completed, pauses: 1, skips: 0, extensions: 2)

    @Test func aLineRoundTrips() throws {
        #expect(try HistoryEntry.parse(Self.entry.jsonLine) == Self.entry)
        #expect(Self.entry.jsonLine.hasPrefix(#"{"protocol":"trainee-drill","hash":"0123456789abcdef","mode":"run""#))
        var rehearsal = Self.entry
        rehearsal.speed = 10
        #expect(try HistoryEntry.parse(rehearsal.jsonLine).speed == 10, "a rehearsal is recorded as one")
    }

    @Test func aPracticeLineKeepsEverySegmentWithItsIdentity() throws {
        let drill = Timeline(try #require(try BundledProtocols.load("trainee-drill")))
        var entry = Self.entry
        entry.mode = .practice
        entry.practice = .init(mape: 12.5, rating: 75, segments: [
            .init(identity: .init(drill, index: 1), position: 0, planned: .seconds(8), actual: .milliseconds(7_700), missed: false),
            .init(identity: .init(drill, index: 2), position: 1, planned: .seconds(4), actual: .seconds(12), missed: true),
        ])
        let parsed = try HistoryEntry.parse(entry.jsonLine)
        #expect(parsed == entry, "segments are compared too")
        let identities = parsed.practice?.segments.compactMap(\.identity)
        #expect(identities?.map(\.key) == ["jawline/step/0", "jawline/stillness-between-steps/0"])
        #expect(identities?.map(\.title) == ["Jawline: Left", "Jawline: stillness"])
        var other = entry
        other.practice?.segments[1].actual = .seconds(5)
        #expect(other != entry, "a different segment makes a different entry")
    }

    @Test func aDrillLineKeepsItsCadences() throws {
        let ritual = Timeline(try #require(try BundledProtocols.load(BundledProtocols.defaultID)))
        var entry = Self.entry
        entry.mode = .strokes
        entry.strokes = [.init(identity: .init(ritual, index: 1), target: .seconds(4), taps: 8, meanPeriod: .milliseconds(4_100),
                               spread: .milliseconds(200)),
                         .init(identity: .init(ritual, index: 2), target: .seconds(4), taps: 1, meanPeriod: nil, spread: nil)]
        #expect(try HistoryEntry.parse(entry.jsonLine) == entry)
    }

    @Test func linesFromBeforeIdentitiesAndSpeedStillRead() throws {
        let old = #"{"protocol":"trainee-drill","hash":"h","mode":"practice","start":"2026-11-20T09:00:00.000Z","end":"2026-11-20T09:01:00.000Z","planned":63.000,"actual":60.000,"outcome":"completed","pauses":0,"skips":0,"extensions":0,"mape":20.000,"rating":60,"segments":[{"planned":10,"actual":12.000,"missed":false}]}"#
        let entry = try HistoryEntry.parse(old)
        #expect(entry.speed == 1)
        #expect(entry.practice?.segments.first?.identity == nil)
        #expect(entry.practice?.segments.first?.key == "#0")
    }

    /// A line, and why it cannot be read.
    static let unreadable: [(line: String, reason: String)] = {
        let line = entry.jsonLine
        func edited(_ from: String, _ to: String) -> String { line.replacingOccurrences(of: from, with: to) }
        return [
            (#"{"protocol":"x""#, "not JSON: unexpected end of file: expected ',' or '}' after an object member"),
            ("[1]", "not a JSON object"),
            (#"{"protocol":"x"}"#, #"missing "mode""#),
            (edited("completed", "vanished"), #"unknown "outcome""#),
            (edited(#""mode":"run""#, #""mode":"dance""#), #"unknown "mode""#),
            (edited(#""pauses":1"#, #""pauses":-3"#), #"bad "pauses""#),
            // Numbers out of range are refused, never trusted (1e300 s cannot be a duration).
            (edited(#""planned":63.000"#, #""planned":1e300"#), #"bad "planned""#),
            (edited(#""actual":64.500"#, #""actual":-1"#), #"bad "actual""#),
            (edited(#""speed":1"#, #""speed":0"#), #"bad "speed""#),
        ]
    }()

    @Test(arguments: unreadable)
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
        let reading = try HistoryFile.read(path)
        #expect(reading.entries.map(\.line) == [1, 4])
        #expect(reading.entries.map(\.entry.outcome) == [.completed, .aborted])
        #expect(reading.skipped == ["history.jsonl:2: skipped: not JSON: unexpected end of file: expected a value"])
        #expect(try HistoryFile.read(folder.appendingPathComponent("none.jsonl").path).entries.isEmpty)
    }

    @Test func aPlaceThatIsNotARegularFileIsRefusedNeverWaitedOn() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: HistoryFile.WriteError.self) { try HistoryFile.checkDestination(fifo) }
        #expect(throws: HistoryFile.WriteError.self) { try HistoryFile.append(Self.entry, to: fifo) }
        #expect(throws: HistoryFile.WriteError.self) { try HistoryFile.checkDestination(folder.path) }
        try HistoryFile.checkDestination(folder.appendingPathComponent("new.jsonl").path)
    }

    /// A reader saw another session's half-written line ("skipped: not JSON") while it was being
    /// appended. A last line without its newline is not yet a line: it is not read, forward or
    /// backward; a whole one without a newline (a hand edit) still is.
    @Test func aLastLineStillBeingWrittenIsNotRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-history-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        try HistoryFile.append(Self.entry, to: path)
        let whole = try String(contentsOfFile: path, encoding: .utf8)
        try (whole + String(whole.prefix(40))).write(toFile: path, atomically: true, encoding: .utf8)
        let reading = try HistoryFile.read(path)
        #expect(reading.entries.count == 1)
        #expect(reading.skipped.isEmpty)
        var backward = 0
        var skipped = 0
        try HistoryFile.scanBackward(path) { result in
            if case .success = result { backward += 1 } else { skipped += 1 }
            return true
        }
        #expect(backward == 1 && skipped == 0)
        // Whole but without its newline: read.
        try (whole + whole.dropLast()).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try HistoryFile.read(path).entries.count == 2)
    }

    /// HOME (or XDG_DATA_HOME) must be there: only what is below it is made.
    @Test func theFolderAHistoryIsMadeFromMustBeThere() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-history-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = folder.appendingPathComponent("home").path
        let path = home + "/.local/share/touchtime/history.jsonl"
        #expect(throws: HistoryFile.WriteError.self) { try HistoryFile.checkDestination(path, root: home) }
        #expect(throws: HistoryFile.WriteError.self) { try HistoryFile.append(Self.entry, to: path, root: home) }
        #expect(!FileManager.default.fileExists(atPath: home))
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try HistoryFile.checkDestination(path, root: home)
        try HistoryFile.append(Self.entry, to: path, root: home)
        #expect(try HistoryFile.read(path).entries.count == 1)
    }

    @Test func defaultPathFollowsXDG() {
        #expect(HistoryFile.defaultPath(environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]) == "/d/touchtime/history.jsonl")
        #expect(HistoryFile.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/share/touchtime/history.jsonl")
    }

    @Test func theHashFollowsTheContent() throws {
        let drill = try #require(try BundledProtocols.load("trainee-drill"))
        var edited = drill
        edited.phases[0].cue += " Slowly."
        let hash = HistoryEntry.hash(of: Timeline(drill))
        #expect(hash.count == 16 && hash.allSatisfy(\.isHexDigit))
        #expect(hash == HistoryEntry.hash(of: Timeline(try #require(try BundledProtocols.load("trainee-drill")))), "a fresh load hashes the same")
        #expect(hash != HistoryEntry.hash(of: Timeline(edited)), "one cue edited changes it")
    }
}
