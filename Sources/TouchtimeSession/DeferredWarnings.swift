import Synchronization

/// Warnings that wait: said at once in plain mode; while the full screen is up, kept and said
/// once the terminal is back, in the order they came.
final class DeferredWarnings: Sendable {
    private let state = Mutex<(messages: [String], deferred: Bool)>(([], false))
    private let say: @Sendable (String) -> Void

    init(say: @escaping @Sendable (String) -> Void) {
        self.say = say
    }

    func deferUntilFlushed() { state.withLock { $0.deferred = true } }

    func post(_ message: String) {
        let sayNow = state.withLock { state -> Bool in
            state.messages.append(message)
            return !state.deferred
        }
        if sayNow { say(message) }
    }

    var isSet: Bool { state.withLock { !$0.messages.isEmpty } }

    /// Says the deferred warnings now (the terminal is back).
    func flush() {
        let messages = state.withLock { state -> [String] in
            defer { state.deferred = false }
            return state.deferred ? state.messages : []
        }
        for message in messages { say(message) }
    }
}
