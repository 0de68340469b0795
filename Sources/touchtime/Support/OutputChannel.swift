import Dispatch
import Synchronization
import TouchtimeCore

#if canImport(Glibc)
import Glibc
import SystemPackage
import TouchtimeSystem
#endif

/// A session's side output (plain lines, `--events`): written in order, and never in a way that
/// lets a slow, stuck or vanished reader hold up, or end, the session.
///
/// A line is written at once when that cannot block (a file or a device; a pipe with room for
/// it, asked of the kernel), so a reader sees it the moment its event happens; otherwise it is
/// queued for a thread of the channel's own, and the session goes on. The first write that fails (a reader that
/// went away: EPIPE, SIGPIPE being ignored; a full disk: ENOSPC) is kept, later lines are
/// counted and dropped, and the host reports it once, after the session, when the terminal is
/// back. A reader that stops reading holds at most `limit` bytes in memory.
final class OutputChannel: Sendable {
    /// How the channel is named in messages: "standard output", or the file's path.
    let name: String
    /// What it carries, for messages: "events", "plain lines".
    let role: String
    private let descriptor: Int32
    private let closesDescriptor: Bool
    /// Whether a write of a line can block: never for files and devices; for a pipe, only when
    /// it has no room; anything else (a socket) is always written from the queue.
    private let kind: Kind
    private enum Kind { case immediate, pipe, queued }
    private let queue: DispatchQueue
    private let state = Mutex(State())

    private struct State {
        var queuedBytes = 0
        var failure: String?
        var written = 0
        var lost = 0
    }

    /// Bytes waiting for a reader before further lines are dropped.
    static let limit = 8 << 20

    init(descriptor: Int32, name: String, role: String, closesDescriptor: Bool = false) {
        self.descriptor = descriptor
        self.name = name
        self.role = role
        self.closesDescriptor = closesDescriptor
        self.queue = DispatchQueue(label: "touchtime.output.\(descriptor)")
        var status = stat()
        if fstat(descriptor, &status) != 0 {
            kind = .queued
        } else {
            switch status.st_mode & S_IFMT {
            case S_IFREG, S_IFCHR: kind = .immediate
            case S_IFIFO: kind = .pipe
            default: kind = .queued
            }
        }
    }

    /// Standard output, for plain lines or for `--events -`.
    static func standardOutput(role: String) -> OutputChannel {
        OutputChannel(descriptor: STDOUT_FILENO, name: "standard output", role: role)
    }

    var isStandardOutput: Bool { descriptor == STDOUT_FILENO }

    /// Writes `text` (whole lines) now if that cannot block, else queues it; never waits for a reader.
    func write(_ text: String) {
        let size = text.utf8.count
        let written = state.withLock { state -> Bool in
            if state.failure != nil {
                state.lost += 1
                return true
            }
            // In order: only when nothing waits in the queue.
            guard state.queuedBytes == 0, cannotBlock(size) else { return false }
            if let error = writeAll(text) {
                state.failure = error
                state.lost += 1
            } else {
                state.written += 1
            }
            return true
        }
        guard !written else { return }
        let accepted = state.withLock { state -> Bool in
            guard state.failure == nil, state.queuedBytes + size <= Self.limit else {
                state.lost += 1
                if state.failure == nil { state.failure = "the reader is not reading (\(Self.limit >> 20) MiB waiting)" }
                return false
            }
            state.queuedBytes += size
            return true
        }
        guard accepted else { return }
        queue.async { [self] in
            // After a failure the rest is counted, not tried: the reader is gone.
            let failed = state.withLock { $0.failure != nil }
            let error = failed ? nil : writeAll(text)
            state.withLock { state in
                state.queuedBytes -= size
                if failed || error != nil {
                    state.failure = state.failure ?? error
                    state.lost += 1
                } else {
                    state.written += 1
                }
            }
        }
    }

    /// Waits at most `timeout` for everything queued to be written. False if some is still waiting.
    /// The waiting task is resumed by the channel's thread or by the timeout, whichever is first.
    @discardableResult
    func flush(timeout: Duration) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let first = Mutex(true)
            let resume = { @Sendable (written: Bool) in
                if first.withLock({ first in defer { first = false }; return first }) { continuation.resume(returning: written) }
            }
            queue.async { resume(true) }
            Task {
                try? await Task.sleep(for: timeout)
                resume(false)
            }
        }
    }

    /// What went wrong, as one line for the user; nil when every line reached its reader.
    var problem: String? {
        state.withLock { state in
            guard let failure = state.failure else { return nil }
            let lost = state.lost == 1 ? "1 line" : "\(state.lost) lines"
            return "\(name): cannot write \(role): \(failure); \(lost) lost, \(state.written) written before"
        }
    }

    /// Closes a file the channel opened, once what is queued is written (or `timeout` passed).
    func close(timeout: Duration = .seconds(2)) async {
        guard closesDescriptor else { return }
        if await flush(timeout: timeout) { _ = Glibc.close(descriptor) }
    }

    /// Whether writing `size` bytes now returns at once.
    private func cannotBlock(_ size: Int) -> Bool {
        switch kind {
        case .immediate:
            return true
        case .pipe:
            // A pipe holds 16 pages, and a small write that does not fit the last page's rest takes a new
            // one, so bytes unread do not tell how full it is. With lines of at most 1 KiB, each full page
            // holds over 3 KiB: while at most half the capacity is unread, a page is always free.
            guard size <= 1024 else { return false }
            var unread: Int32 = 0
            let capacity = fcntl(descriptor, 1032)  // F_GETPIPE_SZ (Linux)
            guard capacity > 0, ioctl(descriptor, UInt(FIONREAD), &unread) == 0 else { return false }
            return Int(unread) <= Int(capacity) / 2
        case .queued:
            return false
        }
    }

    /// One blocking write of the whole text; the error's text on failure.
    private func writeAll(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { buffer -> String? in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    switch errno {
                    case EINTR: continue
                    case EAGAIN:
                        // Someone made the descriptor non-blocking: wait until it takes more.
                        var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&poller, 1, 1000)
                        continue
                    default:
                        return Errno.text(errno)
                    }
                }
                offset += written
            }
            return nil
        }
    }
}
