#if canImport(Glibc)
import Glibc
#endif

/// Which program listens on a Unix socket: the command name (`/proc/PID/comm`) of the process
/// holding the listening socket at a path, found through /proc/net/unix (the socket's inode) and
/// the processes' open files. How touchtime tells PipeWire's pulse server (`pipewire-pulse`)
/// from PulseAudio (`pulseaudio`) behind the same socket, without speaking either protocol.
public enum UnixSocketServer {
    /// The command name of the process listening at `path`, or nil when none can be seen (no
    /// such socket, or its process belongs to another user). Only processes whose name is among
    /// `candidates` are looked into.
    public static func command(listeningAt path: String, candidates: Set<String>) -> String? {
        guard let inode = listeningInode(at: path) else { return nil }
        let target = "socket:[\(inode)]"
        guard let proc = opendir("/proc") else { return nil }
        defer { closedir(proc) }
        while let entry = readdir(proc) {
            let pid = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !pid.isEmpty, pid.allSatisfy(\.isNumber) else { continue }
            guard let name = read("/proc/\(pid)/comm")?.split(separator: "\n").first.map(String.init),
                  candidates.contains(name) else { continue }
            if holds(pid: pid, link: target) { return name }
        }
        return nil
    }

    /// The inode of the listening socket bound at `path` (/proc/net/unix: `Num RefCount Protocol
    /// Flags Type St Inode Path`; a listening socket has the flag __SO_ACCEPTCON, 00010000).
    static func listeningInode(at path: String) -> String? {
        guard let table = read("/proc/net/unix") else { return nil }
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 8, fields[7] == path, fields[3] == "00010000" else { continue }
            return String(fields[6])
        }
        return nil
    }

    /// Whether one of the process's open files is `link` (such as `socket:[123]`).
    static func holds(pid: String, link: String) -> Bool {
        let folder = "/proc/\(pid)/fd"
        guard let descriptors = opendir(folder) else { return false }
        defer { closedir(descriptors) }
        var buffer = [CChar](repeating: 0, count: 64)
        while let entry = readdir(descriptors) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.first?.isNumber == true else { continue }
            let count = readlink("\(folder)/\(name)", &buffer, buffer.count - 1)
            guard count > 0 else { continue }
            let target = buffer.prefix(count).withUnsafeBufferPointer { pointer in
                String(decoding: UnsafeRawBufferPointer(pointer), as: UTF8.self)
            }
            if target == link { return true }
        }
        return false
    }

    /// A small text file from /proc, whole (at most 1 MiB), or nil.
    static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bytes.count < 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk.prefix(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
