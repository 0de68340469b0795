#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage
import TouchtimeSystem

/// Reads and validates protocol files.
///
/// Every failure is a `ProtocolLoadError` that names the file and the place; nothing a file
/// contains can trap: sizes, nesting, counts and numbers are all bounded before use.
public enum ProtocolLoader {
    /// Files larger than this are refused unread.
    public static let maximumFileSize = 1 << 20

    /// Loads the protocol in the file at `path`.
    public static func load(contentsOf path: String) throws(ProtocolLoadError) -> TreatmentProtocol {
        try decode(readFile(path), file: path, soundsRelativeTo: folder(of: path))
    }

    /// The folder a file is in (`.` for a bare name).
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Decodes protocol JSON; `file` names the source in messages, and the protocol's own sound
    /// files are found relative to `soundsRelativeTo` (the folder of the file it was read from).
    public static func decode(_ bytes: [UInt8], file: String, soundsRelativeTo directory: String = ".") throws(ProtocolLoadError) -> TreatmentProtocol {
        guard bytes.count <= maximumFileSize else {
            // Only the first bytes past the limit were read: the file's size is not known, only that it is too large.
            throw .invalid(file: file, problems: [Problem("the file is larger than the 1 MiB a protocol may be")])
        }
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw .invalid(file: file, problems: [Problem(
                path: "", position: LineIndex(bytes).positions(of: [error.offset])[0], message: error.message)])
        }
        var decoder = ProtocolDecoder(directory: directory)
        guard let decoded = decoder.decodeProtocol(root), decoder.problems.isEmpty else {
            // In file order, so a reader can fix them top to bottom; only those printed get a line and column.
            let problems = decoder.problems.located(in: bytes)
            throw .invalid(file: file, problems: ProtocolDecoder.namingPhases(problems, root: root))
        }
        return decoded
    }

    /// Reads at most one byte more than the size limit, so a huge file or a device costs nothing.
    static func readFile(_ path: String) throws(ProtocolLoadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw .unreadable(file: path, reason: Errno.text(errno))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .unreadable(file: path, reason: Errno.text(errno))
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
