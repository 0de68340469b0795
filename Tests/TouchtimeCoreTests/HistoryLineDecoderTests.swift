import Foundation
import Testing
@testable import TouchtimeCore

/// The fast reader of history lines reads what the JSON parser reads, the same way, and declines
/// the rest (which the parser then reads or explains).
@Suite struct HistoryLineDecoderTests {
    /// Lines of every kind the history holds, as written.
    static func lines() throws -> [String] {
        let drill = Timeline(try #require(try BundledProtocols.load("trainee-drill")))
        let run = HistoryTests.entry
        var practice = run
        practice.mode = .practice
        var segments: [HistoryEntry.PracticeSegment] = []
        for index in drill.segments.indices {
            let actual = Duration.milliseconds(Int64(3_000 + index * 1_237))
            let identity = HistoryEntry.SegmentIdentity(drill, index: index)
            segments.append(.init(identity: identity, position: index, planned: drill.segments[index].plannedDuration,
                                  actual: actual, missed: index == 3))
        }
        practice.practice = .init(mape: 12.345, rating: 75, segments: segments)
        var blind = practice
        blind.support = .blind
        var focus = practice
        focus.focus = .init(drill, index: 2)
        focus.support = .chimes
        var strokes = run
        strokes.mode = .strokes
        strokes.strokes = [.init(identity: .init(drill, index: 1), target: .seconds(4), taps: 8, meanPeriod: .milliseconds(4_100),
                                 spread: .milliseconds(250)),
                           .init(identity: .init(drill, index: 3), target: .seconds(4), taps: 1, meanPeriod: nil, spread: nil)]
        var partial = run
        partial.outcome = .quit
        partial.startedAt = .init(identity: .init(drill, index: 2), offset: .milliseconds(1_500))
        partial.stoppedAt = .init(identity: .init(drill, index: 5), offset: .seconds(2))
        partial.speed = 10
        let old = #"{"protocol":"trainee-drill","hash":"h","mode":"practice","start":"2026-11-20T09:00:00.000Z","end":"2026-11-20T09:01:00.000Z","planned":63.000,"actual":60.000,"outcome":"completed","pauses":0,"skips":0,"extensions":0,"mape":20.000,"rating":60,"segments":[{"planned":10,"actual":12.000,"missed":false}]}"#
        let spaced = #" { "protocol" : "é-ritual" , "hash":"h", "mode":"run","start":"s","end":"e","planned":0,"actual":0.5,"outcome":"aborted","pauses":0,"skips":0,"extensions":0 } "#
        return [run, practice, blind, focus, strokes, partial].map(\.jsonLine) + [old, spaced]
    }

    @Test func theLinesTouchtimeWritesAreReadFastAndAlike() throws {
        let decoder = HistoryLineDecoder()
        for line in try Self.lines() {
            var bytes = line
            let fast = bytes.withUTF8 { decoder.decode($0) }
            #expect(fast != nil, "declined: \(line)")
            #expect(fast == (try HistoryEntry.parseTree(line)))
        }
    }

    /// Each line edited a byte at a time (every 7th byte, replaced by a byte that matters to JSON,
    /// removed, or doubled; the fuzzer edits every byte): what the decoder reads, the parser reads
    /// the same; what it declines is left to it.
    @Test func editedLinesAreReadAlikeOrLeftToTheParser() throws {
        let replacements: [UInt8] = Array(#"{}:,"\0.e5 "#.utf8) + [0x1F, 0xC3]
        let decoder = HistoryLineDecoder()
        var read = 0
        var declined = 0
        var disagreements: [String] = []
        for line in try Self.lines() {
            let original = Array(line.utf8)
            var edits: [[UInt8]] = []
            for position in stride(from: 0, to: original.count, by: 7) {
                for byte in replacements where byte != original[position] {
                    var edited = original
                    edited[position] = byte
                    edits.append(edited)
                }
                var removed = original
                removed.remove(at: position)
                edits.append(removed)
                var doubled = original
                doubled.insert(original[position], at: position)
                edits.append(doubled)
            }
            for edit in edits {
                let fast = edit.withUnsafeBufferPointer { decoder.decode($0) }
                let tree = try? HistoryEntry.parseTree(String(decoding: edit, as: UTF8.self))
                guard let fast else {
                    declined += 1
                    continue
                }
                read += 1
                if fast != tree { disagreements.append(String(decoding: edit, as: UTF8.self)) }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) lines read otherwise, the first: \(disagreements.first ?? "")")
        #expect(read > 300 && declined > 300, "both paths are exercised: \(read) read, \(declined) declined")
    }

    @Test func whatItDeclinesThePublicParseStillReadsOrExplains() throws {
        // An escape, an exponent and an unknown member are declined by the decoder, read by the parser.
        let line = HistoryTests.entry.jsonLine
        let odd = line.replacingOccurrences(of: #""protocol":"trainee-drill""#, with: #""protocol":"trainee\u002ddrill""#)
            .replacingOccurrences(of: #""pauses":1"#, with: #""pauses":1e0,"note":[1,{"a":null}]"#)
        let decoder = HistoryLineDecoder()
        var bytes = odd
        #expect(bytes.withUTF8 { decoder.decode($0) } == nil)
        #expect(try HistoryEntry.parse(odd) == HistoryTests.entry)
        #expect(throws: HistoryLineError(reason: #"not JSON: duplicate key "mode""#)) {
            try HistoryEntry.parse(line.replacingOccurrences(of: #""hash""#, with: #""mode""#))
        }
    }
}

/// A long history is decoded in batches, two threads at once: what `scan` hands on is what a
/// reading line by line gives, in order, with the file's own line numbers.
@Suite struct HistoryScanTests {
    @Test func aLongHistoryReadsAsLineByLine() throws {
        let lines = try HistoryLineDecoderTests.lines()
        var text = ""
        var expected: [(Int, String)] = []  // line number, the entry's line or the reason it is skipped
        var number = 0
        for index in 0..<6_000 {
            number += 1
            let line: String
            switch index % 997 {
            case 13: line = #"{"protocol":"torn"#  // not JSON
            case 500: line = ""  // an empty line counts, is not handed on
            case 700: line = lines[index % lines.count].replacingOccurrences(of: #""mode":"#, with: #""mood":"#)
            default: line = lines[index % lines.count]
            }
            text += line + "\n"
            guard !line.isEmpty else { continue }
            do {
                expected.append((number, try HistoryEntry.parseTree(line).jsonLine))
            } catch {
                expected.append((number, "skipped: \(error.reason)"))
            }
        }
        text += String(lines[1].prefix(200))  // a last line still being written: not read
        #expect(text.utf8.count > 4 * HistoryFile.batchBytes, "several batches")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-scan-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        var got: [(Int, String)] = []
        try HistoryFile.scan(path) { line, result in
            switch result {
            case .success(let entry): got.append((line, entry.jsonLine))
            case .failure(let skipped): got.append((line, "skipped: \(skipped.reason)"))
            }
            return true
        }
        #expect(got.count == expected.count)
        let first = zip(got, expected).first { $0.0 != $1.0 || $0.1 != $1.1 }
        #expect(first == nil, "the first difference: \(String(describing: first))")
        #expect(expected.contains { $0.1.hasPrefix("skipped: not JSON") } && expected.contains { $0.1 == #"skipped: missing "mode""# })
        // Stopping early stops: no entry is handed on after `body` says no.
        var handed = 0
        try HistoryFile.scan(path) { _, _ in
            handed += 1
            return handed < 10
        }
        #expect(handed == 10)
    }
}

/// A long history's summary is kept between readings and brought up to date from where it ends;
/// whatever happens to the history or to the kept summary, a reading gives what a whole reading gives.
@Suite struct HistorySummaryTests {
    static func history(_ count: Int, from first: Int = 0) throws -> String {
        let lines = try HistoryLineDecoderTests.lines()
        var text = ""
        for index in first..<(first + count) {
            text += (index % 499 == 7 ? #"{"torn"# : lines[index % lines.count]) + "\n"
        }
        return text
    }

    @Test func aKeptSummaryReadsAsTheWholeHistoryWhateverHappens() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-summary-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("history.jsonl").path
        let cache = folder.appendingPathComponent("cache/touchtime").path
        func whole() throws -> HistorySummary { try HistoryFile.summarize(path, cache: nil) }
        func kept() throws -> HistorySummary { try HistoryFile.summarize(path, cache: cache) }
        func saved() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? [] }

        try Self.history(50).write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try kept() == whole())
        #expect(saved().isEmpty, "a short history is read whole each time: nothing kept")

        try Self.history(1_000).write(toFile: path, atomically: false, encoding: .utf8)
        let first = try kept()
        #expect(first == (try whole()) && !first.skipped.isEmpty && first.stats.stats(today: "").count > 0)
        #expect(saved().count == 1 && saved()[0].hasSuffix(".summary"), "\(saved())")
        let again = try kept()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(again == first && again.readFrom == size, "read from the kept summary, nothing of the history")

        // Lines appended, a torn one among them, and one still being written.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((try Self.history(300, from: 1_000) + #"{"protocol":"trainee-dr"#).utf8))
        try handle.close()
        let appended = try kept()
        #expect(appended == (try whole()) && appended != first)
        #expect(appended.readFrom == size, "only what was written since")
        // The line finished: read once, not twice.
        let rest = try HistoryLineDecoderTests.lines()[0]
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = String(text.dropLast(#"{"protocol":"trainee-dr"#.count)) + rest + "\n"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let finished = try kept()
        #expect(finished == (try whole()) && finished.readFrom > size)

        // Rewritten: the same length, other bytes before where the summary ends.
        text = text.replacingOccurrences(of: #""rating":75"#, with: #""rating":74"#)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let rewritten = try kept()
        #expect(rewritten == (try whole()) && rewritten.readFrom == 0, "read whole again")
        // Cut short, then replaced by another file.
        try Self.history(600).write(toFile: path, atomically: false, encoding: .utf8)
        #expect(try kept() == whole())
        try Self.history(700, from: 3).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try kept() == whole())

        // The kept summary damaged: torn, bytes changed, another format.
        let place = cache + "/" + (saved().first ?? "")
        let good = try Data(contentsOf: URL(fileURLWithPath: place))
        for damaged in [good.prefix(good.count / 2), Data(good.map { $0 ^ 0x5A }), Data("touchtime-summary-0\n".utf8) + good.dropFirst(20),
                        good + Data([1])] {
            try damaged.write(to: URL(fileURLWithPath: place))
            #expect(try kept() == whole())
        }
        // A drill far off its cadence (a cadence error of 10^8 %, as a line may hold) is kept as well.
        var far = HistoryTests.entry
        far.mode = .strokes
        let drill = Timeline(try #require(try BundledProtocols.load("trainee-drill")))
        far.strokes = [.init(identity: .init(drill, index: 1), target: .milliseconds(1), taps: 2, meanPeriod: .seconds(1_000), spread: .zero)]
        let farHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try farHandle.seekToEnd()
        try farHandle.write(contentsOf: Data((far.jsonLine + "\n").utf8))
        try farHandle.close()
        _ = try kept()
        let farSize = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(try kept().readFrom == farSize, "kept, and read back")
        // Read under another name (a link to it), it is summarised apart: its skipped lines say that name.
        let link = folder.appendingPathComponent("linked.jsonl").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        let linked = try HistoryFile.summarize(link, name: "linked.jsonl", cache: cache)
        #expect(linked.readFrom == 0 && linked.skipped.allSatisfy { $0.hasPrefix("linked.jsonl:") } && !linked.skipped.isEmpty)

        // A history that cannot be kept beside (the cache folder a file): read whole, no error.
        try FileManager.default.removeItem(atPath: cache)
        try Data().write(to: URL(fileURLWithPath: cache))
        #expect(try kept() == whole())
    }
}
