import Synchronization

/// Warnings that wait: written at once in plain mode; when the full-screen display is up, shown
/// as a badge and written after the terminal is restored, in the order they came.
final class DeferredWarning: Sendable {
    private let state = Mutex<(messages: [String], deferred: Bool)>(([], false))

    func deferUntilFlushed() { state.withLock { $0.deferred = true } }

    func post(_ message: String) {
        let writeNow = state.withLock { state -> Bool in
            state.messages.append(message)
            return !state.deferred
        }
        if writeNow { reportError(message) }
    }

    var isSet: Bool { state.withLock { !$0.messages.isEmpty } }

    /// Writes the deferred warnings now (the terminal is back).
    func flush() {
        let messages = state.withLock { state -> [String] in
            defer { state.deferred = false }
            return state.deferred ? state.messages : []
        }
        for message in messages { reportError(message) }
    }
}
