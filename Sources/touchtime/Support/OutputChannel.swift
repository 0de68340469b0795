import Dispatch
import Synchronization
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// A session's side output (plain lines, `--events`): written in order on a thread of its own,
/// so that a slow, stuck or vanished reader never holds up, or ends, the session.
///
/// The session hands each line over without waiting. The first write that fails (a reader that
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
    }

    /// Standard output, for plain lines or for `--events -`.
    static func standardOutput(role: String) -> OutputChannel {
        OutputChannel(descriptor: STDOUT_FILENO, name: "standard output", role: role)
    }

    var isStandardOutput: Bool { descriptor == STDOUT_FILENO }

    /// Queues `text` (whole lines) for writing; never blocks.
    func write(_ text: String) {
        let size = text.utf8.count
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
    @discardableResult
    func flush(timeout: Duration) -> Bool {
        let done = DispatchSemaphore(value: 0)
        queue.async { done.signal() }
        return done.wait(timeout: .now() + .milliseconds(Int(timeout.seconds * 1000))) == .success
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
    func close(timeout: Duration = .seconds(2)) {
        guard closesDescriptor else { return }
        if flush(timeout: timeout) { _ = Glibc.close(descriptor) }
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
                        return Errno(code: errno).description
                    }
                }
                offset += written
            }
            return nil
        }
    }
}
