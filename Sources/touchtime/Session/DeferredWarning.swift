import Synchronization

/// A warning that waits: written at once in plain mode, shown as a badge and written after the
/// terminal is restored when the full-screen display is up.
final class DeferredWarning: Sendable {
    private let state = Mutex<(message: String?, deferred: Bool)>((nil, false))

    func deferUntilFlushed() { state.withLock { $0.deferred = true } }

    func post(_ message: String) {
        let writeNow = state.withLock { state -> Bool in
            state.message = message
            return !state.deferred
        }
        if writeNow { reportError(message) }
    }

    var isSet: Bool { state.withLock { $0.message != nil } }

    /// Writes a deferred warning now (the terminal is back).
    func flush() {
        let message = state.withLock { state -> String? in
            defer { state.deferred = false }
            return state.deferred ? state.message : nil
        }
        if let message { reportError(message) }
    }
}
