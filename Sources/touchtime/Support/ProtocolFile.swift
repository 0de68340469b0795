#if canImport(Glibc)
import Glibc
#endif

/// Writing protocol files for `new` and `edit`: a new file is created only where none is (never
/// overwriting), and an edited one is replaced whole or not at all (a temporary file in the same
/// folder, synced, then renamed over it), keeping its permissions.
enum ProtocolFile {
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var reason: String
        /// The file was there already (`new` says how to change it instead).
        var exists = false
        var description: String { "\(path): \(reason)" }
    }

    /// Creates `path` holding `bytes`; refuses when anything is at `path` already.
    static func create(_ path: String, bytes: [UInt8], mode: mode_t = 0o644) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else {
            let code = errno
            throw Failure(path: path, reason: code == EEXIST ? "already exists" : Errno(code: code).description, exists: code == EEXIST)
        }
        if let reason = writeAll(descriptor, bytes) {
            close(descriptor)
            unlink(path)
            throw Failure(path: path, reason: "cannot write it: \(reason)")
        }
        close(descriptor)
    }

    /// Replaces the file at `path` (through a symbolic link, the file it names) with `bytes`, in
    /// one rename: a reader sees the old file or the new one, never a part.
    static func replace(_ path: String, bytes: [UInt8]) throws(Failure) {
        let target = realPath(path) ?? path
        var status = stat()
        guard stat(target, &status) == 0 else { throw Failure(path: path, reason: Errno(code: errno).description) }
        let folder = target.lastIndex(of: "/").map { String(target[..<$0]) } ?? "."
        let name = target.split(separator: "/").last.map(String.init) ?? target
        guard let made = fillTemplate("\(folder)/.\(name).XXXXXX", { mkstemp($0) }), made.result >= 0 else {
            throw Failure(path: path, reason: "cannot write beside it: \(Errno(code: errno).description)")
        }
        let (descriptor, temporary) = (made.result, made.name)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        // The same permissions (and owner, where allowed) as the file it replaces.
        _ = fchmod(descriptor, status.st_mode & 0o7777)
        _ = fchown(descriptor, status.st_uid, status.st_gid)
        if let reason = writeAll(descriptor, bytes) ?? (fsync(descriptor) == 0 ? nil : Errno(code: errno).description) {
            close(descriptor)
            unlink(temporary)
            throw Failure(path: path, reason: "cannot write it: \(reason)")
        }
        close(descriptor)
        guard rename(temporary, target) == 0 else {
            let reason = Errno(code: errno).description
            unlink(temporary)
            throw Failure(path: path, reason: "cannot replace it: \(reason)")
        }
        // The rename itself is made durable with the folder.
        let folderDescriptor = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// Creates a folder and its parents (`mkdir -p`).
    static func makeFolders(_ path: String) throws(Failure) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw Failure(path: path, reason: "cannot create the folder: \(Errno(code: errno).description)")
            }
        }
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw Failure(path: path, reason: "cannot create the folder: something else is in its place")
        }
    }

    /// Calls `body` (mkstemp, mkdtemp) on `template` as a C string it fills in, and returns its
    /// result with the name it made.
    static func fillTemplate<Result>(_ template: String, _ body: (UnsafeMutablePointer<CChar>) -> Result) -> (result: Result, name: String)? {
        var buffer = Array(template.utf8CString)
        let result: Result? = buffer.withUnsafeMutableBufferPointer { $0.baseAddress.map(body) }
        guard let result else { return nil }
        return (result, String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Nil when all was written, else why not.
    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return Errno(code: errno).description
            }
            offset += written
        }
        return nil
    }
}
