/// The stroke cadence drill: the protocol's paced phases (those with `strokeSeconds`) run on
/// their clock, and the trainee taps once per stroke. Each tap is kept in protocol time (pauses
/// left out); at the end each paced segment's taps give its mean stroke period and spread.
///
/// A value like the engine it wraps, so the whole drill is a pure function of the taps' times.
public struct StrokeDrill: SessionModel, Equatable {
    /// One paced segment's cadence: nil when fewer than two taps fell in it.
    public struct Result: Sendable, Equatable {
        public var segmentIndex: Int
        public var target: Duration
        public var taps: Int
        public var cadence: StrokeCadence?
    }

    private var engine: SessionEngine
    /// Taps, with the segment and the protocol time at which each fell.
    public private(set) var taps: [(segmentIndex: Int, at: Duration)] = []
    /// Segments the drill reached, in order.
    private var reached: [Int] = []

    /// The drill of `treatment`: its paced phases only. Nil when it has none.
    public init?(treatment: TreatmentProtocol, speed: Double = 1) {
        guard let drill = StrokeCadence.drill(treatment) else { return nil }
        engine = SessionEngine(timeline: Timeline(drill), speed: speed)
    }

    // MARK: SessionModel

    public var timeline: Timeline { engine.timeline }
    public var speed: Double { engine.speed }
    public var state: SessionState { engine.state }
    public var currentIndex: Int { engine.currentIndex }
    /// The drill plays no chimes: the strokes are the trainee's to keep.
    public var muted: Bool { false }
    public var nextDeadline: Duration? { engine.nextDeadline }
    public func remaining(at now: Duration) -> Duration { engine.remaining(at: now) }
    public func plannedPosition(at now: Duration) -> Duration { engine.plannedPosition(at: now) }

    /// In a paced massage segment: its stroke period and the taps so far in it (what the screen shows).
    public var strokeCount: DisplayState.StrokeCount? {
        guard let segment = currentSegment, !segment.isStillness, let target = timeline.phase(of: segment).strokeSeconds else { return nil }
        return DisplayState.StrokeCount(target: target, taps: taps.count { $0.segmentIndex == currentIndex })
    }

    public mutating func start(at now: Duration) -> [SessionEvent] { note(engine.start(at: now)) }

    public mutating func advance(to now: Duration) -> [SessionEvent] { note(engine.advance(to: now)) }

    /// Takes a tap (`press`), an ending, and the program's pause and resume (Ctrl-Z).
    public mutating func handle(_ command: SessionCommand, at now: Duration) -> [SessionEvent] {
        switch command {
        case .press, .pressAt:
            guard state == .running, let segment = currentSegment else { return [] }
            let now = if case .pressAt(let made) = command { max(min(made, now), engine.segmentStartedAt) } else { now }
            let at = plannedPosition(at: now)
            taps.append((currentIndex, at))
            return [SessionEvent(kind: .press(error: nil), segmentIndex: currentIndex, phaseID: timeline.phase(of: segment).id,
                                 stepIndex: segment.stepIndex, planned: at, due: now)]
        case .quit, .finish, .pause, .resume:
            return note(engine.handle(command, at: now))
        default:
            return []
        }
    }

    /// Per paced massage segment reached, in order: the target, the taps and their cadence.
    public var results: [Result] {
        reached.compactMap { index in
            let segment = timeline.segments[index]
            guard !segment.isStillness, let target = timeline.phase(of: segment).strokeSeconds else { return nil }
            let times = taps.filter { $0.segmentIndex == index }.map(\.at)
            return Result(segmentIndex: index, target: target, taps: times.count,
                          cadence: StrokeCadence.analyze(taps: times, target: target))
        }
    }

    public static func == (lhs: StrokeDrill, rhs: StrokeDrill) -> Bool {
        lhs.engine == rhs.engine && lhs.reached == rhs.reached
            && lhs.taps.map(\.segmentIndex) == rhs.taps.map(\.segmentIndex) && lhs.taps.map(\.at) == rhs.taps.map(\.at)
    }

    private mutating func note(_ events: [SessionEvent]) -> [SessionEvent] {
        for event in events where event.kind.startsSegment {
            if let index = event.segmentIndex, reached.last != index { reached.append(index) }
        }
        return events
    }
}
