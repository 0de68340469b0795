#if canImport(Glibc)
import Glibc
import TouchtimeSystem
#endif

/// What `stats` and `report` take from a history, in one pass: the practice statistics of every
/// protocol, the progress report of every protocol, and the lines that could not be read.
///
/// A long history's summary is kept between runs (`HistoryFile.summarize`): it is saved with
/// where in the file it ends, and the next run reads only the lines written since. The saved
/// summary is a cache: it is used only while the history is the same file and still holds, byte
/// for byte at its ends, what it was read from; anything else (a history rewritten, truncated,
/// replaced, a summary torn or from another version) and the history is read whole again.
public struct HistorySummary: Sendable, Equatable {
    public var stats = PracticeStats.Accumulator()
    /// Every protocol's report, by id.
    public var reports: [String: ProgressReport] = [:]
    /// Lines that could not be read, in file order (`history.jsonl:LINE: skipped: REASON`).
    public var skipped: [String] = []
    /// Where in the file this reading began: past the end of a kept summary, or 0.
    public internal(set) var readFrom = 0

    public init() {}

    /// The same summary, however it was read.
    public static func == (lhs: HistorySummary, rhs: HistorySummary) -> Bool {
        lhs.stats == rhs.stats && lhs.reports == rhs.reports && lhs.skipped == rhs.skipped
    }

    public mutating func add(_ entry: HistoryEntry) {
        stats.add(entry)
        guard entry.mode == .practice || entry.mode == .strokes else { return }
        reports[entry.protocolID, default: ProgressReport(protocolID: entry.protocolID)].add(entry)
    }

    // MARK: Saved

    /// The saved form's first bytes: its format and the rules it was made under (how many
    /// practices are kept, how lines are read), so a summary made otherwise is never read.
    static let magic = Array(("touchtime-summary-2 window=\(PracticeStats.window) trend=\(PracticeStats.trendLength) "
                              + "kept=\(ProgressReport.kept) longest=\(HistoryEntry.longestDuration.seconds)\n").utf8)

    func write(to writer: inout SummaryWriter) {
        stats.write(to: &writer)
        writer.int(reports.count)
        for id in reports.keys.sorted() {
            writer.string(id)
            reports[id]?.write(to: &writer)
        }
        writer.int(skipped.count)
        for line in skipped { writer.string(line) }
    }

    init(reading reader: inout SummaryReader) throws(SummaryReader.Invalid) {
        stats = try PracticeStats.Accumulator(reading: &reader)
        for _ in 0..<(try reader.count(upTo: 1_000_000)) {
            let id = try reader.string()
            reports[id] = try ProgressReport(reading: &reader, protocolID: id)
        }
        for _ in 0..<(try reader.count(upTo: HistorySummary.keptSkipped)) { skipped.append(try reader.string()) }
    }

    /// A history with more unreadable lines than this is not summarised for later (each run reads it whole).
    static let keptSkipped = 10_000
}

/// The saved summary's bytes, written as plain little-endian values and strings with their length.
struct SummaryWriter {
    var bytes: [UInt8] = HistorySummary.magic

    mutating func int(_ value: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { bytes += $0 }
    }

    mutating func double(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
    }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func string(_ value: String) {
        int(value.utf8.count)
        bytes += value.utf8
    }

    mutating func duration(_ value: Duration) { int(Int(value.milliseconds)) }
}

/// Reads what `SummaryWriter` wrote, every value checked: a count, a number or a string out of its
/// range, or bytes missing, and the whole summary is refused (the history is read instead).
struct SummaryReader {
    struct Invalid: Error {}

    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) throws(Invalid) {
        guard bytes.starts(with: HistorySummary.magic) else { throw Invalid() }
        self.bytes = bytes
        index = HistorySummary.magic.count
    }

    var atEnd: Bool { index == bytes.count }

    private mutating func word() throws(Invalid) -> UInt64 {
        guard index + 8 <= bytes.count else { throw Invalid() }
        var value: UInt64 = 0
        for offset in 0..<8 { value |= UInt64(bytes[index + offset]) << (8 * UInt64(offset)) }
        index += 8
        return value
    }

    mutating func int(in range: ClosedRange<Int>) throws(Invalid) -> Int {
        let value = Int(Int64(bitPattern: try word()))
        guard range.contains(value) else { throw Invalid() }
        return value
    }

    mutating func count(upTo limit: Int) throws(Invalid) -> Int { try int(in: 0...limit) }

    mutating func double(in range: ClosedRange<Double>) throws(Invalid) -> Double {
        let value = Double(bitPattern: try word())
        guard value.isFinite, range.contains(value) else { throw Invalid() }
        return value
    }

    mutating func bool() throws(Invalid) -> Bool {
        guard index < bytes.count, bytes[index] <= 1 else { throw Invalid() }
        index += 1
        return bytes[index - 1] == 1
    }

    mutating func string() throws(Invalid) -> String {
        let count = try count(upTo: HistoryLines.longest)
        guard index + count <= bytes.count else { throw Invalid() }
        defer { index += count }
        return String(decoding: bytes[index..<(index + count)], as: UTF8.self)
    }

    mutating func duration() throws(Invalid) -> Duration {
        .milliseconds(try int(in: 0...Int(HistoryEntry.longestDuration.milliseconds)))
    }

    /// A practice's score and segments, as the history line held them.
    mutating func practice() throws(Invalid) -> HistoryEntry.PracticeSummary {
        let mape = try double(in: 0...1_000_000)
        let rating = try int(in: 0...100)
        var segments: [HistoryEntry.PracticeSegment] = []
        for position in 0..<(try count(upTo: 100_000)) {
            let identity = try bool() ? try self.identity() : nil
            segments.append(HistoryEntry.PracticeSegment(identity: identity, position: position, planned: try duration(),
                                                         actual: try duration(), missed: try bool()))
        }
        return HistoryEntry.PracticeSummary(mape: mape, rating: rating, segments: segments)
    }

    mutating func identity() throws(Invalid) -> HistoryEntry.SegmentIdentity {
        let index = try int(in: 0...100_000)
        let step = try bool() ? try int(in: 0...100_000) : nil
        return HistoryEntry.SegmentIdentity(index: index, phaseID: try string(), role: try string(), step: step, title: try string())
    }
}

extension SummaryWriter {
    mutating func practice(_ practice: HistoryEntry.PracticeSummary) {
        double(practice.mape)
        int(practice.rating)
        int(practice.segments.count)
        for segment in practice.segments {
            bool(segment.identity != nil)
            if let identity = segment.identity { self.identity(identity) }
            duration(segment.planned)
            duration(segment.actual)
            bool(segment.missed)
        }
    }

    mutating func identity(_ identity: HistoryEntry.SegmentIdentity) {
        int(identity.index)
        bool(identity.step != nil)
        if let step = identity.step { int(step) }
        string(identity.phaseID)
        string(identity.role)
        string(identity.title)
    }
}

extension HistoryFile {
    /// The summary of the history at `path`, read once through. With `cache` (a folder, such as
    /// `~/.cache/touchtime`), the summary of a long history is saved there with where it ends, and
    /// the next call reads only what was written since; the cache is never trusted beyond what
    /// it can check (the same file, still as long, the same bytes at its start and where the
    /// summary ends) and never needed: any problem with it and the history is read whole.
    /// `cacheRoot`, when given, is the folder the cache's path was made from (HOME): folders are
    /// made below it only.
    public static func summarize(_ path: String, name: String = "history.jsonl", cache: String?,
                                 cacheRoot: String? = nil) throws(ReadError) -> HistorySummary {
        var summary = HistorySummary()
        try withLines(path) { (lines: HistoryLines) throws(HistoryFile.ReadError.Reason) in
            let place = cache.flatMap { SavedSummary.place(of: path, name: name, in: $0) }
            var offset = 0
            var number = 1
            if let place, let saved = SavedSummary.load(place, lines: lines) {
                summary = saved.summary
                (offset, number) = (saved.end, saved.number)
            }
            summary.readFrom = offset
            var end = offset
            var next = number
            // A last line still being written is read, but not saved: once finished it is read again.
            var finished: HistorySummary?
            try scan(lines, from: offset, number: number, name: name) { line, result in
                if line.unterminated {
                    finished = summary
                } else {
                    (end, next) = (line.end, line.number + 1)
                }
                switch result {
                case .success(let entry): summary.add(entry)
                case .failure(let skipped): summary.skipped.append(skipped.description)
                }
                return true
            }
            let saved = finished ?? summary
            // Only a long history is worth a summary kept for later; a short one costs less to read.
            if let place, end > offset, end >= SavedSummary.worthKeeping, saved.skipped.count <= HistorySummary.keptSkipped {
                SavedSummary.save(saved, end: end, number: next, lines: lines, to: place, below: cacheRoot)
            }
        }
        return summary
    }
}

/// A summary saved between runs: the history it was read from (device, inode, where it ends, a
/// hash of 4 KiB at 17 places up to there), and the summary.
enum SavedSummary {
    /// Histories shorter than this are read whole each time (a quarter of a megabyte: 4 ms).
    static let worthKeeping = 1 << 18
    static let sample = 4096

    /// `FOLDER/history-HASH.summary`, the hash of the history's real path and of the name its
    /// skipped lines are reported under (a summary keeps them as reported).
    static func place(of path: String, name: String, in folder: String) -> String? {
        guard !folder.isEmpty, let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        let hash = FNV1a.hash((String(cString: real) + "\u{0}" + name).utf8)
        return "\(folder)/history-\(String(hash, radix: 16)).summary"
    }

    static func load(_ place: String, lines: HistoryLines) -> (summary: HistorySummary, end: Int, number: Int)? {
        let descriptor = open(place, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size < 1 << 28 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard got == bytes.count else { return nil }
        do throws(SummaryReader.Invalid) {
            var reader = try SummaryReader(bytes)
            let identity = try self.identity(of: lines)
            guard try reader.int(in: Int.min...Int.max) == identity.device, try reader.int(in: Int.min...Int.max) == identity.inode
            else { return nil }
            let end = try reader.int(in: 0...lines.size)
            let number = try reader.int(in: 1...Int.max)
            guard try reader.int(in: Int.min...Int.max) == fingerprint(lines, end: end) else { return nil }
            let summary = try HistorySummary(reading: &reader)
            guard reader.atEnd else { return nil }
            return (summary, end, number)
        } catch {
            return nil
        }
    }

    /// Written beside and renamed into place: a reader finds the old summary or the new, never half.
    static func save(_ summary: HistorySummary, end: Int, number: Int, lines: HistoryLines, to place: String, below root: String?) {
        guard let identity = try? identity(of: lines), let print = try? fingerprint(lines, end: end) else { return }
        var writer = SummaryWriter()
        writer.int(identity.device)
        writer.int(identity.inode)
        writer.int(end)
        writer.int(number)
        writer.int(print)
        summary.write(to: &writer)
        guard (try? HistoryFile.makeFolders(for: place, below: root)) != nil else { return }
        let temporary = "\(place).\(getpid()).new"
        // A file of that name left by a crash is removed; one made meanwhile by anyone else is never written into.
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { return }
        var written = 0
        writer.bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let count = write(descriptor, raw.baseAddress.map { $0 + written }, raw.count - written)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return }
                written += count
            }
        }
        let closed = close(descriptor) == 0
        if written != writer.bytes.count || !closed || rename(temporary, place) != 0 { unlink(temporary) }
    }

    private static func identity(of lines: HistoryLines) throws(SummaryReader.Invalid) -> (device: Int, inode: Int) {
        var status = stat()
        guard fstat(lines.descriptor, &status) == 0 else { throw SummaryReader.Invalid() }
        return (Int(truncatingIfNeeded: status.st_dev), Int(truncatingIfNeeded: status.st_ino))
    }

    /// FNV-1a of `sample` bytes at 17 places from the history's start to `end` (its last bytes
    /// among them): 68 KiB read, so a history edited by hand is noticed unless the edit misses
    /// every one of them and keeps its length (then the file's next change of length or ends is).
    private static func fingerprint(_ lines: HistoryLines, end: Int) throws(SummaryReader.Invalid) -> Int {
        var hash = FNV1a()
        for place in 0...16 {
            let start = max(0, min(end / 16 * place, end - sample))
            let count = min(sample, end - start)
            var bytes = [UInt8](repeating: 0, count: count)
            let got = bytes.withUnsafeMutableBytes { pread(lines.descriptor, $0.baseAddress, count, off_t(start)) }
            guard got == count else { throw SummaryReader.Invalid() }
            hash.add(bytes)
        }
        return Int(Int64(bitPattern: hash.value ^ UInt64(end)))
    }
}
