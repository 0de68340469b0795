#if canImport(Glibc)
import Glibc
#endif

/// The session history: `$XDG_DATA_HOME/touchtime/history.jsonl` (default
/// `~/.local/share/touchtime/history.jsonl`), one JSON line a session.
///
/// Nothing is lost: each line is written with one `write` to a file opened with `O_APPEND`
/// (so two sessions ending at once never interleave), then `fsync`ed; the folder is created if
/// missing. A line that cannot be read (a torn write, a hand edit) is skipped with its number
/// and never stops the reading of the rest.
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

    public static func defaultPath(environment: [String: String]) -> String? {
        BaseDirectory.data.path("touchtime/history.jsonl", environment: environment)
    }

    /// Refuses, before a session, a place where its record could not be written safely: anything
    /// but a regular file (a FIFO would block the end of the session forever, a directory or a
    /// device would lose the line). A file that does not exist yet is fine: it is created.
    public static func checkDestination(_ path: String) throws(WriteError) {
        var status = stat()
        guard stat(path, &status) == 0 else { return }
        if let kind = FileSystem.nonRegularKind(status.st_mode) {
            throw WriteError(path: path, reason: "not a regular file (\(kind))")
        }
    }

    public static func append(_ entry: HistoryEntry, to path: String) throws(WriteError) {
        try makeFolders(for: path)
        // Never blocks: a FIFO put in the file's place since the session began is refused, not waited on.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0o600)
        guard descriptor >= 0 else {
            throw WriteError(path: path, reason: errno == ENXIO ? "not a regular file (a FIFO)" : FileSystem.describe(errno))
        }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0, let kind = FileSystem.nonRegularKind(status.st_mode) {
            throw WriteError(path: path, reason: "not a regular file (\(kind))")
        }
        var line = entry.jsonLine + "\n"
        let written = line.withUTF8 { buffer in write(descriptor, buffer.baseAddress, buffer.count) }
        guard written == line.utf8.count else {
            throw WriteError(path: path, reason: written < 0 ? FileSystem.describe(errno) : "short write")
        }
        guard fsync(descriptor) == 0 else { throw WriteError(path: path, reason: FileSystem.describe(errno)) }
    }

    /// Reads every line it can; a missing file is an empty history.
    public static func read(_ path: String, name: String = "history.jsonl") -> Reading {
        guard let bytes = try? FileSystem.readAll(path) else { return Reading(entries: [], skipped: []) }
        var entries: [(Int, HistoryEntry)] = []
        var skipped: [String] = []
        var number = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            guard !line.isEmpty else { continue }
            do {
                entries.append((number, try HistoryEntry.parse(String(decoding: line, as: UTF8.self))))
            } catch {
                skipped.append("\(name):\(number): skipped: \(error.reason)")
            }
        }
        return Reading(entries: entries, skipped: skipped)
    }

    private static func makeFolders(for path: String) throws(WriteError) {
        var folder = ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (index, part) in parts.enumerated() {
            folder += (index == 0 ? "" : "/") + part
            guard !folder.isEmpty else { continue }
            if mkdir(folder, 0o755) != 0, errno != EEXIST {
                throw WriteError(path: path, reason: FileSystem.describe(errno))
            }
        }
    }
}
