/// Counts what the user did during a session, for the summary screen: fed every event.
public struct SessionTally: Sendable, Equatable {
    public private(set) var pauses = 0
    public private(set) var pausedTime = Duration.zero
    public private(set) var skips = 0
    public private(set) var backs = 0
    public private(set) var extensions = 0
    public private(set) var extended = Duration.zero
    public private(set) var ended: (completed: Bool, at: Duration)?
    private var pausedAt: Duration?

    public init() {}

    public mutating func record(_ event: SessionEvent, elapsed: Duration) {
        switch event.kind {
        case .paused:
            pauses += 1
            pausedAt = elapsed
        case .resumed:
            if let start = pausedAt { pausedTime += elapsed - start }
            pausedAt = nil
        case .skipped:
            skips += 1
        case .back:
            backs += 1
        case .extended(let amount) where amount != .zero:
            // A shorten that met the 1-s floor changed nothing: its event carries zero.
            extensions += 1
            extended += amount
        case .sessionEnd(let completed):
            if let start = pausedAt { pausedTime += elapsed - start }
            pausedAt = nil
            ended = (completed, elapsed)
        default:
            break
        }
    }

    public func summary(planned: Duration) -> DisplayState.Summary {
        DisplayState.Summary(completed: ended?.completed ?? false, planned: planned, actual: ended?.at ?? .zero,
                             pauses: pauses, pausedTime: pausedTime, skips: skips, extensions: extensions, extended: extended)
    }

    public static func == (lhs: SessionTally, rhs: SessionTally) -> Bool {
        lhs.pauses == rhs.pauses && lhs.pausedTime == rhs.pausedTime && lhs.skips == rhs.skips && lhs.backs == rhs.backs
            && lhs.extensions == rhs.extensions && lhs.extended == rhs.extended
            && lhs.ended?.completed == rhs.ended?.completed && lhs.ended?.at == rhs.ended?.at
    }
}
