#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and validates protocol files.
///
/// Every failure is a `ProtocolLoadError` that names the file and the place; nothing a file
/// contains can trap: sizes, nesting, counts and numbers are all bounded before use.
public enum ProtocolLoader {
    /// Files larger than this are refused unread.
    public static let maximumFileSize = 1 << 20

    /// Loads the protocol in the file at `path`.
    public static func load(contentsOf path: String) throws(ProtocolLoadError) -> TreatmentProtocol {
        try decode(readFile(path), file: path)
    }

    /// Decodes protocol JSON; `file` names the source in messages.
    public static func decode(_ bytes: [UInt8], file: String) throws(ProtocolLoadError) -> TreatmentProtocol {
        guard bytes.count <= maximumFileSize else {
            throw .invalid(file: file, problems: [ProtocolProblem(
                path: "", position: nil,
                message: "the file is \(bytes.count) bytes, larger than the \(maximumFileSize) bytes (1 MiB) a protocol may be")])
        }
        let lines = LineIndex(bytes)
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw .invalid(file: file, problems: [ProtocolProblem(
                path: "", position: lines.position(of: error.offset), message: error.message)])
        }
        var decoder = ProtocolDecoder(lines: lines)
        guard let decoded = decoder.decodeProtocol(root), decoder.problems.isEmpty else {
            // In file order, so a reader can fix them top to bottom.
            let ordered = decoder.problems.enumerated().sorted { lhs, rhs in
                let left = lhs.element.position.map { ($0.line, $0.column) } ?? (0, 0)
                let right = rhs.element.position.map { ($0.line, $0.column) } ?? (0, 0)
                return left != right ? left < right : lhs.offset < rhs.offset
            }
            throw .invalid(file: file, problems: ordered.map(\.element))
        }
        return decoded
    }

    /// Reads at most one byte more than the size limit, so a huge file or a device costs nothing.
    static func readFile(_ path: String) throws(ProtocolLoadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw .unreadable(file: path, reason: FileSystem.describe(errno))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .unreadable(file: path, reason: FileSystem.describe(errno))
        }
        if status.st_mode & S_IFMT == S_IFDIR {
            throw .unreadable(file: path, reason: "is a directory, expected a protocol file")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw .unreadable(file: path, reason: "is not a regular file, expected a protocol file")
        }
        return try FileSystem.read(descriptor, path: path, limit: maximumFileSize + 1)
    }
}
