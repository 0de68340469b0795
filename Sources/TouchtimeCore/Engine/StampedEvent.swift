/// An event with the session time at which the runner observed it: `elapsed`, measured on the
/// runner's clock, beside the `due` time the engine scheduled it for.
public struct StampedEvent: Sendable, Equatable {
    public var event: SessionEvent
    public var elapsed: Duration

    public init(event: SessionEvent, elapsed: Duration) {
        self.event = event
        self.elapsed = elapsed
    }
}
