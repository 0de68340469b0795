import Synchronization

/// A clock for tests that never sleeps: `sleep(until:)` moves time straight to the deadline,
/// plus an optional wake-up latency, and records what was asked for.
///
/// Shipped beside `SessionRunner` (as swift-log ships its in-memory handler) so that any
/// test can run a whole session in microseconds and check the deadlines the runner chose.
///
/// ```swift
/// let clock = ManualClock(wakeLatency: .microseconds(300))
/// let final = await SessionRunner(clock: clock).run(engine) { print($0) }
/// // clock.requestedDeadlines == the planned boundaries, whatever the latency
/// ```
public final class ManualClock: Clock, Sendable {
    public struct Instant: InstantProtocol, CustomStringConvertible {
        public var offset: Duration

        public init(offset: Duration) {
            self.offset = offset
        }

        public func advanced(by duration: Duration) -> Instant {
            Instant(offset: offset + duration)
        }

        public func duration(to other: Instant) -> Duration {
            other.offset - offset
        }

        public static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }

        public var description: String { "\(offset)" }
    }

    private struct State {
        var now = Instant(offset: .zero)
        var requested: [Instant] = []
    }

    private let state = Mutex(State())
    /// How late every sleeper wakes, to model a real kernel.
    public let wakeLatency: Duration

    public init(wakeLatency: Duration = .zero) {
        self.wakeLatency = wakeLatency
    }

    public var now: Instant { state.withLock { $0.now } }

    public var minimumResolution: Duration { .zero }

    /// Every deadline a sleeper asked for, in order.
    public var requestedDeadlines: [Instant] { state.withLock { $0.requested } }

    /// Moves time forward by hand.
    public func advance(by duration: Duration) {
        state.withLock { $0.now = $0.now.advanced(by: duration) }
    }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.requested.append(deadline)
            state.now = max(state.now, deadline.advanced(by: wakeLatency))
        }
        await Task.yield()
        try Task.checkCancellation()
    }
}
