import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
import SystemPackage
import TouchtimeSystem
#endif

/// The session history: `$XDG_DATA_HOME/touchtime/history.jsonl` (default
/// `~/.local/share/touchtime/history.jsonl`), one JSON line a session.
///
/// Nothing is lost. Each line is written with one `write` to a file opened with `O_APPEND`,
/// under an exclusive lock (two sessions ending at once never interleave), then `fsync`ed.
/// A write cut short (a full disk) is cut back off, so the next line is never glued to a
/// fragment; a file that does not end with a newline (torn by a crash) gets one before the next
/// line. The folder is created if missing, private to its owner (0700), the file 0600: they hold
/// a clinic's records. A line that cannot be read (a torn write, a hand edit, a number out of
/// range) is skipped with its number and never stops the reading of the rest.
///
/// Reading is streamed: from the start a chunk at a time, or from the end for the newest lines.
public enum HistoryFile {
    public struct Reading: Sendable {
        /// Entries with their line numbers, in file order.
        public var entries: [(line: Int, entry: HistoryEntry)]
        /// `history.jsonl:LINE: skipped: REASON`, one per unreadable line.
        public var skipped: [String]
    }

    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): cannot write the history: \(reason)" }
    }

    /// A history that exists but cannot be read (permissions, a directory in its place).
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public struct Reason: Error, Sendable {
            var text: String
        }

        public var path: String
        public var reason: String
        public var description: String { "\(path): cannot read the history: \(reason)" }
    }

    public static func defaultPath(environment: [String: String]) -> String? {
        BaseDirectory.data.path("touchtime/history.jsonl", environment: environment)
    }

    /// The default history and the folder that must be there for it (HOME, when it is made from HOME).
    public static func defaultPlace(environment: [String: String]) -> (path: String, root: String?)? {
        BaseDirectory.data.place("touchtime/history.jsonl", environment: environment)
    }

    // MARK: Writing

    /// Refuses, before a session, a place where its record could not be written safely: anything
    /// but a regular file (a FIFO would block the end of the session forever, a directory or a
    /// device would lose the line). A file that does not exist yet is fine: it is created.
    ///
    /// `root`, when given, is the folder the path was made from (HOME): it must be there, a
    /// folder; only what is below it is ever created. And whatever stands in the way of the
    /// folders still to make (a file where one must be) is refused now, not after the session.
    public static func checkDestination(_ path: String, root: String? = nil) throws(WriteError) {
        var status = stat()
        if let root {
            guard stat(root, &status) == 0 else {
                throw WriteError(path: path, reason: "\(root) does not exist (HOME names no folder)")
            }
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw WriteError(path: path, reason: "\(root) is not a folder (HOME must name one)")
            }
        }
        if stat(path, &status) == 0 {
            if let kind = FileSystem.nonRegularKind(status.st_mode) {
                throw WriteError(path: path, reason: "not a regular file (\(kind))")
            }
            return
        }
        // The nearest folder above that exists must be a folder, and a writable one.
        var above = path
        while let slash = above.lastIndex(of: "/"), slash != above.startIndex {
            above = String(above[..<slash])
            guard stat(above, &status) == 0 else { continue }
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw WriteError(path: path, reason: "\(above) is not a folder (XDG_DATA_HOME or HOME must name one)")
            }
            return
        }
    }

    public static func append(_ entry: HistoryEntry, to path: String, root: String? = nil) throws(WriteError) {
        try makeFolders(for: path, below: root)
        // Never blocks: a FIFO put in the file's place since the session began is refused, not waited on.
        // Read and write: the last byte is read to see whether the file ends with a newline.
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0o600)
        guard descriptor >= 0 else {
            throw WriteError(path: path, reason: errno == ENXIO ? "not a regular file (a FIFO)" : Errno.text(errno))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw WriteError(path: path, reason: Errno.text(errno)) }
        if let kind = FileSystem.nonRegularKind(status.st_mode) {
            throw WriteError(path: path, reason: "not a regular file (\(kind))")
        }
        // One writer at a time between the size read here and the write: so a cut-short write
        // can be cut back to exactly where it began.
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw WriteError(path: path, reason: Errno.text(errno)) }
        }
        let before = lseek(descriptor, 0, SEEK_END)
        guard before >= 0 else { throw WriteError(path: path, reason: Errno.text(errno)) }
        var line = entry.jsonLine + "\n"
        if before > 0 {
            var last: UInt8 = 0
            if pread(descriptor, &last, 1, before - 1) == 1, last != 0x0A {
                line = "\n" + line  // the file was torn: start on a line of our own
            }
        }
        let size = line.utf8.count
        let written = line.withUTF8 { buffer in write(descriptor, buffer.baseAddress, buffer.count) }
        guard written == size else {
            let reason = written < 0 ? Errno.text(errno) : "only \(written) of \(size) bytes written (is the disk full?)"
            // Cut the fragment back off: the next line must not be glued to it.
            _ = ftruncate(descriptor, before)
            throw WriteError(path: path, reason: reason)
        }
        guard fsync(descriptor) == 0 else { throw WriteError(path: path, reason: Errno.text(errno)) }
    }

    // MARK: Reading

    /// Reads every line it can, in file order; a missing file is an empty history.
    public static func read(_ path: String, name: String = "history.jsonl") throws(ReadError) -> Reading {
        var reading = Reading(entries: [], skipped: [])
        try scan(path, name: name) { line, result in
            switch result {
            case .success(let entry): reading.entries.append((line, entry))
            case .failure(let skipped): reading.skipped.append(skipped.description)
            }
            return true
        }
        return reading
    }

    /// A line that could not be read, by number: `history.jsonl:LINE: skipped: REASON`.
    public struct Skipped: Error, Sendable, CustomStringConvertible {
        public var name: String
        public var line: Int
        public var reason: String
        public var description: String { "\(name):\(line): skipped: \(reason)" }
    }

    /// Each line in file order, read a chunk at a time; `body` returns false to stop.
    ///
    /// Lines are read in batches of about a megabyte, each batch's two halves decoded at once on
    /// two threads (decoding is nearly all a long history costs), then handed to `body` one by
    /// one, in order, on the calling thread: what `body` sees is what a line-by-line reading gives.
    public static func scan(
        _ path: String, name: String = "history.jsonl", _ body: (Int, Result<HistoryEntry, Skipped>) -> Bool
    ) throws(ReadError) {
        try withLines(path) { (lines: HistoryLines) throws(HistoryFile.ReadError.Reason) in
            try scan(lines, name: name) { line, result in body(line.number, result) }
        }
    }

    /// The lines of `lines` from `offset` (the start of line `number`), each with its entry or why
    /// it cannot be read. Empty lines are not passed on but count: the numbers are the file's own.
    /// A last line still being written by another session is not read, whole or not.
    static func scan(_ lines: HistoryLines, from offset: Int = 0, number: Int = 1, name: String,
                     _ body: (HistoryLines.Line, Result<HistoryEntry, Skipped>) -> Bool) throws(HistoryFile.ReadError.Reason) {
        let decoders = (HistoryLineDecoder(), HistoryLineDecoder())
        var batch: [HistoryLines.Line] = []
        var bytes = 0
        var going = true
        func hand(_ batch: [HistoryLines.Line]) -> Bool {
            for (line, result) in zip(batch, decode(batch, name: name, with: decoders)) {
                if case .failure = result, line.unterminated { continue }
                if !body(line, result) { return false }
            }
            return true
        }
        try lines.forward(from: offset, number: number) { line in
            batch.append(line)
            bytes += line.bytes.count
            guard bytes >= Self.batchBytes else { return true }
            going = hand(batch)
            batch.removeAll(keepingCapacity: true)
            bytes = 0
            return going
        }
        if going, !batch.isEmpty { _ = hand(batch) }
    }

    /// A batch's size in bytes of lines: large enough that two threads' start and join cost nothing
    /// beside it, small enough that its entries never weigh much (a megabyte of lines).
    static let batchBytes = 1 << 20

    /// The lines' entries, in order: the second half decoded on a second thread when the batch is
    /// big enough to be worth one.
    private static func decode(_ batch: [HistoryLines.Line], name: String,
                               with decoders: (HistoryLineDecoder, HistoryLineDecoder)) -> [Result<HistoryEntry, Skipped>] {
        let total = batch.reduce(0) { $0 + $1.bytes.count }
        guard total >= Self.batchBytes / 4, batch.count > 1 else {
            return batch.map { parse($0, name: name, number: $0.number, decoder: decoders.0) }
        }
        // Split where two fifths of the bytes are: this thread also reads the file and hands the
        // entries on, so it decodes the smaller part.
        var split = 0
        var seen = 0
        while split < batch.count - 1, seen < total / 2 {
            seen += batch[split].bytes.count
            split += 1
        }
        let halves = UncheckedHalves(lines: batch, split: split, decoders: decoders, name: name)
        DispatchQueue.concurrentPerform(iterations: 2) { half in halves.decode(half) }
        return halves.results.withLock { $0[0] + $0[1] }
    }

    /// Two halves of a batch and their results: each half read by its own decoder on its own
    /// thread (a decoder keeps scratch storage and is never shared), the results kept under a lock.
    private final class UncheckedHalves: @unchecked Sendable {
        let lines: [HistoryLines.Line]
        let split: Int
        let decoders: (HistoryLineDecoder, HistoryLineDecoder)
        let name: String
        let results = Mutex<[[Result<HistoryEntry, Skipped>]]>([[], []])

        init(lines: [HistoryLines.Line], split: Int, decoders: (HistoryLineDecoder, HistoryLineDecoder), name: String) {
            self.lines = lines
            self.split = split
            self.decoders = decoders
            self.name = name
        }

        func decode(_ half: Int) {
            let range = half == 0 ? 0..<split : split..<lines.count
            let decoder = half == 0 ? decoders.0 : decoders.1
            let decoded = lines[range].map { HistoryFile.parse($0, name: name, number: $0.number, decoder: decoder) }
            results.withLock { $0[half] = decoded }
        }
    }

    /// Each line from the newest to the oldest, read from the end a chunk at a time: the last
    /// few cost what they are, however long the history. `body` returns false to stop.
    public static func scanBackward(
        _ path: String, name: String = "history.jsonl", _ body: (Result<HistoryEntry, Skipped>) -> Bool
    ) throws(ReadError) {
        try withLines(path) { (lines: HistoryLines) throws(HistoryFile.ReadError.Reason) in
            var failure: HistoryFile.ReadError.Reason?
            let decoder = HistoryLineDecoder()
            try lines.backward { line in
                var result = parse(line, name: name, number: 0, decoder: decoder)
                if case .failure = result, line.unterminated { return true }
                if case .failure(var skipped) = result {
                    // Numbered only when reported: counting lines from the start costs a full read.
                    do throws(HistoryFile.ReadError.Reason) {
                        skipped.line = try lines.lineNumber(at: line.offset)
                    } catch {
                        failure = error
                        return false
                    }
                    result = .failure(skipped)
                }
                return body(result)
            }
            if let failure { throw failure }
        }
    }

    fileprivate static func parse(_ line: HistoryLines.Line, name: String, number: Int,
                              decoder: HistoryLineDecoder) -> Result<HistoryEntry, Skipped> {
        guard !line.tooLong else {
            return .failure(Skipped(name: name, line: number, reason: "longer than \(HistoryLines.longest >> 20) MiB"))
        }
        do {
            return .success(try HistoryEntry.parse(line.bytes, decoder: decoder))
        } catch {
            return .failure(Skipped(name: name, line: number, reason: error.reason))
        }
    }

    static func withLines(
        _ path: String, _ body: (HistoryLines) throws(HistoryFile.ReadError.Reason) -> Void
    ) throws(ReadError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT { return }  // no history yet
            throw ReadError(path: path, reason: Errno.text(errno))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw ReadError(path: path, reason: Errno.text(errno)) }
        if let kind = FileSystem.nonRegularKind(status.st_mode) {
            throw ReadError(path: path, reason: "not a regular file (\(kind))")
        }
        do {
            try body(HistoryLines(descriptor: descriptor, size: Int(status.st_size)))
        } catch {
            throw ReadError(path: path, reason: error.text)
        }
    }

    /// Creates the missing folders of `path`, private to their owner; with `root`, only those
    /// below it (a HOME that does not exist is never made).
    static func makeFolders(for path: String, below root: String?) throws(WriteError) {
        var folder = ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (index, part) in parts.enumerated() {
            folder += (index == 0 ? "" : "/") + part
            guard !folder.isEmpty else { continue }
            if let root, root.hasPrefix(folder + "/") || root == folder { continue }
            if mkdir(folder, 0o700) != 0, errno != EEXIST {
                throw WriteError(path: path, reason: Errno.text(errno))
            }
        }
    }
}
