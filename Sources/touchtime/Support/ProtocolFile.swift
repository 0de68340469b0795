#if canImport(Glibc)
import Glibc
import SystemPackage
import TouchtimeSystem
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
        /// The file is no longer what it was when the edit began (`replace(_:bytes:ifStill:)`).
        var changed = false
        var description: String { "\(path): \(reason)" }
    }

    /// Replaces the file at `path` with `bytes`, only if it still holds `original`: two edits of one
    /// file at once never lose one silently. Edits of one folder take turns (a lock on the folder)
    /// between the comparison and the rename.
    static func replace(_ path: String, bytes: [UInt8], ifStill original: [UInt8]) throws(Failure) {
        let target = realPath(path) ?? path
        let folder = target.lastIndex(of: "/").map { String(target[..<$0]) } ?? "."
        let lock = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard lock >= 0 else { throw Failure(path: path, reason: "cannot open its folder: \(Errno.text(errno))") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw Failure(path: path, reason: "cannot lock its folder: \(Errno.text(errno))") }
        }
        let current = contents(of: target)
        guard current == original else {
            throw Failure(path: path, reason: "it changed while it was being edited", changed: true)
        }
        try replace(path, bytes: bytes)
    }

    /// Keeps `bytes` beside `path` as `NAME.edited-YYYYMMDD-HHMMSS` (a name no protocol list reads),
    /// private to its owner; returns that path.
    static func keepBeside(_ path: String, bytes: [UInt8]) throws(Failure) -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        let stamp = padded(Int(parts.tm_year) + 1900, 4) + padded(Int(parts.tm_mon) + 1, 2) + padded(Int(parts.tm_mday), 2)
            + "-" + padded(Int(parts.tm_hour), 2) + padded(Int(parts.tm_min), 2) + padded(Int(parts.tm_sec), 2)
        var attempt = 1
        while true {
            let kept = "\(path).edited-\(stamp)" + (attempt == 1 ? "" : "-\(attempt)")
            do throws(Failure) {
                try create(kept, bytes: bytes, mode: 0o600)
                return kept
            } catch {
                guard error.exists, attempt < 100 else { throw error }
                attempt += 1
            }
        }
    }

    /// The file's bytes, or nil when it cannot be read.
    private static func contents(of path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? bytes : nil }
            bytes += chunk[0..<count]
        }
    }

    /// Creates `path` holding `bytes`; refuses when anything is at `path` already.
    static func create(_ path: String, bytes: [UInt8], mode: mode_t = 0o644) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else {
            let code = errno
            throw Failure(path: path, reason: code == EEXIST ? "already exists" : Errno.text(code), exists: code == EEXIST)
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
    ///
    /// With `followingLinks` false, a symbolic link at `path` is itself replaced by the file: what a
    /// link points to is never written (a file touchtime makes for itself, such as the schema).
    static func replace(_ path: String, bytes: [UInt8], followingLinks: Bool = true) throws(Failure) {
        let target = followingLinks ? realPath(path) ?? path : path
        var status = stat()
        guard (followingLinks ? stat(target, &status) : lstat(target, &status)) == 0 else {
            throw Failure(path: path, reason: Errno.text(errno))
        }
        if !followingLinks, status.st_mode & S_IFMT != S_IFREG {
            // A link or anything else in its place: the new file takes the place, private and plain.
            status.st_mode = S_IFREG | 0o644
            status.st_uid = getuid()
            status.st_gid = getgid()
        }
        let folder = target.lastIndex(of: "/").map { String(target[..<$0]) } ?? "."
        let name = target.split(separator: "/").last.map(String.init) ?? target
        guard let made = fillTemplate("\(folder)/.\(name).XXXXXX", { mkstemp($0) }), made.result >= 0 else {
            throw Failure(path: path, reason: "cannot write beside it: \(Errno.text(errno))")
        }
        let (descriptor, temporary) = (made.result, made.name)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        // The same permissions (and owner, where allowed) as the file it replaces.
        _ = fchmod(descriptor, status.st_mode & 0o7777)
        _ = fchown(descriptor, status.st_uid, status.st_gid)
        if let reason = writeAll(descriptor, bytes) ?? (fsync(descriptor) == 0 ? nil : Errno.text(errno)) {
            close(descriptor)
            unlink(temporary)
            throw Failure(path: path, reason: "cannot write it: \(reason)")
        }
        close(descriptor)
        guard rename(temporary, target) == 0 else {
            let reason = Errno.text(errno)
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
                throw Failure(path: path, reason: "cannot create the folder: \(Errno.text(errno))")
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
                return Errno.text(errno)
            }
            offset += written
        }
        return nil
    }
}

/// A whole number with at least `width` digits.
private func padded(_ value: Int, _ width: Int) -> String {
    let digits = "\(value)"
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
