/// What a runner drives and a screen shows: a pure value that knows where a session is, what
/// falls due next, and what each command does. The guided session (`SessionEngine`), a blind
/// practice (`PracticeSession`) and the stroke drill (`StrokeDrill`) are three such values;
/// `SessionRunner`, the sound and the display work with any of them.
///
/// Time is session time: a `Duration` since the session started, fed in by the caller.
public protocol SessionModel: Sendable {
    /// The protocol's own timeline: what the screen names and the events' offsets refer to.
    var timeline: Timeline { get }
    /// Rehearsal speed: protocol time runs this many times faster than session time.
    var speed: Double { get }
    var state: SessionState { get }
    /// Index of the current segment; `timeline.segments.count` once finished.
    var currentIndex: Int { get }
    /// Whether the chimes are muted.
    var muted: Bool { get }
    /// Session time of the next thing due while running; nil when nothing is (paused, finished).
    var nextDeadline: Duration? { get }
    /// Session time left in the current segment at `now` (frozen while paused).
    func remaining(at now: Duration) -> Duration
    /// Where `now` falls on the protocol's own timeline, within the current segment.
    func plannedPosition(at now: Duration) -> Duration
    /// Session time spent in the current segment at `now` (frozen while paused): what a wait shows.
    func elapsedInSegment(at now: Duration) -> Duration
    /// Starts the session at `now`: `session-start` and the first segment's events.
    mutating func start(at now: Duration) -> [SessionEvent]
    /// Every event that fell due up to `now`, in order, each stamped with the time it was due.
    mutating func advance(to now: Duration) -> [SessionEvent]
    /// Applies a command at `now`. A command the session does not take does nothing.
    mutating func handle(_ command: SessionCommand, at now: Duration) -> [SessionEvent]
    /// The stroke drill in a paced segment: its stroke period and the taps so far; nil elsewhere.
    var strokeCount: DisplayState.StrokeCount? { get }
}

extension SessionModel {
    /// A model whose segments never wait shows no time spent.
    public func elapsedInSegment(at now: Duration) -> Duration { .zero }

    /// Only the stroke drill counts taps.
    public var strokeCount: DisplayState.StrokeCount? { nil }

    public var currentSegment: Segment? {
        timeline.segments.indices.contains(currentIndex) ? timeline.segments[currentIndex] : nil
    }

    public var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    public var isPaused: Bool {
        if case .paused = state { return true }
        return false
    }
}
