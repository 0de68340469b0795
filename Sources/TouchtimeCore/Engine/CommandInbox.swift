import Synchronization

/// Where commands for a running session are posted (by a key reader, a signal handler, a test).
///
/// Any thread may `send`; the runner takes them in order. Nothing sent is ever dropped:
/// a command that arrives while the runner is busy waits in the queue.
public final class CommandInbox: Sendable {
    private struct State {
        var queue: [SessionCommand] = []
        var waiter: CheckedContinuation<SessionCommand?, Never>?
        var closed = false
    }

    private let state = Mutex(State())

    public init() {}

    public func send(_ command: SessionCommand) {
        let waiter: CheckedContinuation<SessionCommand?, Never>? = state.withLock { state in
            guard !state.closed else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.queue.append(command)
            return nil
        }
        waiter?.resume(returning: command)
    }

    /// No more commands will be accepted; a waiting `next()` returns nil.
    public func close() {
        let waiter = state.withLock { state in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Takes every queued command without waiting.
    func drain() -> [SessionCommand] {
        state.withLock { state in
            defer { state.queue.removeAll() }
            return state.queue
        }
    }

    /// The next command; nil when closed or when the waiting task is cancelled.
    /// A command is never lost to cancellation: one that races it stays queued.
    public func next() async -> SessionCommand? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<SessionCommand?, Never>) in
                let immediate: SessionCommand?? = state.withLock { state in
                    if !state.queue.isEmpty { return .some(state.queue.removeFirst()) }
                    if state.closed || Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}
