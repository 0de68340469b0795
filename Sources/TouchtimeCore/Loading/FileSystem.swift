#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage
import TouchtimeSystem

/// The few file-system questions the catalog asks, answered with POSIX calls.
enum FileSystem {
    static func isRegularFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }

    /// Names of the `*.json` files in a folder, sorted; none when the folder is missing.
    static func jsonFiles(in directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(".json"), !name.hasPrefix("."), !name.hasSuffix(".schema.json"),
               isRegularFile("\(directory)/\(name)") {
                names.append(name)
            }
        }
        return names.sorted()
    }

    /// What a file that is not a regular one is ("a FIFO", "a directory"), nil for a regular file.
    static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        default: return "not a file"
        }
    }

    /// The whole file; for files the program itself writes (no size limit is needed).
    static func readAll(_ path: String) throws(ProtocolLoadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(file: path, reason: Errno.text(errno)) }
        defer { close(descriptor) }
        return try read(descriptor, path: path, limit: nil)
    }

    /// Reads to the end of the file, or at most `limit` bytes.
    static func read(_ descriptor: Int32, path: String, limit: Int?) throws(ProtocolLoadError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while limit.map({ bytes.count < $0 }) ?? true {
            let wanted = min(chunk.count, limit.map { $0 - bytes.count } ?? chunk.count)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, wanted) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(file: path, reason: Errno.text(errno))
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }
}
