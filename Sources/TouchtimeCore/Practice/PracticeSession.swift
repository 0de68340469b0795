/// Trainee practice: the protocol's segments without a clock. The trainee presses when they
/// judge a segment complete; the press ends it and starts the next. A segment left running to
/// 3x its planned length ends itself and counts as missed.
///
/// A value, like the engine it wraps: the timing runs on an engine whose segments last 3x their
/// planned length (that is the miss deadline), while everything seen from outside (the
/// timeline, the events' offsets, the screen) is the protocol's own. Presses are scored as they
/// happen, in protocol time with pauses left out, so the score is a pure function of the
/// commands and their times.
///
/// ```swift
/// var practice = PracticeSession(timeline: Timeline(treatment))
/// _ = practice.start(at: .zero)
/// let events = practice.handle(.press, at: .seconds(9))   // press (error -1 s), the next segment's start
/// practice.score.results                                   // [warm: planned 10 s, actual 9 s]
/// ```
public struct PracticeSession: SessionModel, Equatable {
    /// How many times its planned length a segment may run before it counts as missed.
    public static let missFactor = 3

    public let timeline: Timeline
    /// The same segments, each `missFactor` times as long: it decides when a segment runs out.
    private var engine: SessionEngine
    /// The segment running and not yet scored.
    private var running: Int?
    public private(set) var score = PracticeScore()

    /// `timeline` is the protocol's own; `speed` rehearses the practice faster (tests).
    public init(timeline: Timeline, speed: Double = 1) {
        self.timeline = timeline
        self.engine = SessionEngine(timeline: Timeline(Self.stretched(timeline.treatment)), speed: speed)
    }

    // MARK: SessionModel

    public var speed: Double { engine.speed }
    public var state: SessionState { engine.state }
    public var currentIndex: Int { engine.currentIndex }
    /// Practice has no mute key: its chimes (`--chimes`) are the trainee's choice for the whole practice.
    public var muted: Bool { false }
    /// The miss deadline of the current segment: nothing else falls due in a practice.
    public var nextDeadline: Duration? { engine.nextDeadline }

    /// Session time left of the current segment's planned length (zero once past it).
    public func remaining(at now: Duration) -> Duration {
        guard let segment = currentSegment else { return .zero }
        return max(segment.plannedDuration - spent(at: now), .zero) / speed
    }

    public func elapsedInSegment(at now: Duration) -> Duration {
        engine.elapsedInSegment(at: now)
    }

    public func plannedPosition(at now: Duration) -> Duration {
        guard let segment = currentSegment else { return timeline.totalDuration }
        return segment.plannedStart + min(spent(at: now), segment.plannedDuration)
    }

    public mutating func start(at now: Duration) -> [SessionEvent] {
        account(engine.start(at: now))
    }

    public mutating func advance(to now: Duration) -> [SessionEvent] {
        account(engine.advance(to: now))
    }

    /// Takes the press, an ending (`quit`, `finish`), and pause and resume (the program's own,
    /// when the trainee stops the process with Ctrl-Z); nothing else changes a practice.
    public mutating func handle(_ command: SessionCommand, at now: Duration) -> [SessionEvent] {
        switch command {
        case .press, .pressAt:
            if state == .running, engine.currentSegment?.waitsForPress == true {
                // A wait for the therapist is not timed, so not scored: the press only ends it.
                return account(engine.handle(.next, at: now))
            }
            guard state == .running, let index = running, let segment = currentSegment, index == currentIndex else { return [] }
            // A press held back to tell it from a key's repeat counts from when it was made.
            let now = if case .pressAt(let made) = command { max(min(made, now), engine.segmentStartedAt) } else { now }
            let result = PracticeResult(segmentIndex: index, planned: segment.plannedDuration, actual: spent(at: now), missed: false)
            score.results.append(result)
            running = nil
            let press = SessionEvent(kind: .press(error: result.error), segmentIndex: index, phaseID: timeline.phase(of: segment).id,
                                     stepIndex: segment.stepIndex, planned: segment.plannedEnd, due: now)
            // The engine's own `skipped` is the press, told as such.
            return [press] + account(engine.handle(.next, at: now).filter { $0.kind != .skipped })
        case .quit, .finish, .pause, .resume:
            let position = plannedPosition(at: now)
            return account(engine.handle(command, at: now)).map { event in
                var event = event
                if !event.kind.startsSegment { event.planned = position }
                return event
            }
        default:
            return []
        }
    }

    // MARK: Internals

    /// Protocol time spent in the current segment, pauses left out.
    private func spent(at now: Duration) -> Duration {
        guard let stretched = engine.currentSegment else { return .zero }
        return engine.plannedPosition(at: now) - stretched.plannedStart
    }

    /// Scores what the engine's events say happened (a segment that ran out is missed) and
    /// gives each event its offset on the protocol's own timeline.
    private mutating func account(_ events: [SessionEvent]) -> [SessionEvent] {
        events.map { event in
            var event = event
            switch event.kind {
            case .phaseStart, .stepStart, .stillnessStart:
                guard let index = event.segmentIndex, timeline.segments.indices.contains(index) else { break }
                if let previous = running, previous != index { missed(previous) }
                running = timeline.segments[index].waitsForPress ? nil : index
                event.planned = timeline.segments[index].plannedStart
            case .sessionEnd(completed: true):
                if let previous = running { missed(previous) }
                running = nil
                event.planned = timeline.totalDuration
            case .sessionEnd(completed: false):
                running = nil  // abandoned: the unfinished segment is not scored
            default:
                break
            }
            return event
        }
    }

    private mutating func missed(_ index: Int) {
        let planned = timeline.segments[index].plannedDuration
        score.results.append(PracticeResult(segmentIndex: index, planned: planned, actual: planned * Self.missFactor, missed: true))
    }

    /// The protocol with every duration stretched by `missFactor`: segment for segment the same
    /// timeline, without marks (no warnings, no stroke ticks: the point is to feel the time).
    static func stretched(_ treatment: TreatmentProtocol) -> TreatmentProtocol {
        var stretched = treatment
        let factor = missFactor
        stretched.phases = treatment.phases.map { phase in
            var phase = phase
            switch phase.body {
            case .duration(let length): phase.body = .duration(length * factor)
            case .untilPress: break
            case .steps(let steps):
                phase.body = .steps(steps.map { step in
                    var step = step
                    if case .timed(let length) = step.length { step.length = .timed(length * factor) }
                    return step
                })
            }
            phase.stillnessAfter = phase.stillnessAfter.map { $0 * factor }
            phase.stillnessBetweenSteps = phase.stillnessBetweenSteps.map { $0 * factor }
            phase.stillnessBetweenRepeats = phase.stillnessBetweenRepeats.map { $0 * factor }
            phase.strokeSeconds = nil
            phase.chimes.warningBefore = nil
            phase.marks = []
            return phase
        }
        stretched.chimes.warningBefore = nil
        stretched.chimes.marks = nil
        return stretched
    }
}

/// One segment's result.
public struct PracticeResult: Sendable, Equatable {
    public var segmentIndex: Int
    public var planned: Duration
    /// Protocol time from the segment's start to the press (3x planned when missed).
    public var actual: Duration
    public var missed: Bool

    public init(segmentIndex: Int, planned: Duration, actual: Duration, missed: Bool) {
        self.segmentIndex = segmentIndex
        self.planned = planned
        self.actual = actual
        self.missed = missed
    }

    /// Press minus planned (positive: late).
    public var error: Duration { actual - planned }

    /// The error as a percentage of the planned length.
    public var errorPercent: Double { planned > .zero ? error / planned * 100 : 0 }
}

/// A practice's numbers: the mean absolute percentage error over the segments scored (lower is
/// better; a missed segment counts at its 3x, +200 %), and a rating of 0 to 100,
/// `max(0, 100 - 2 x MAPE)`: perfect timing is 100, a mean error of 25 % is 50, 50 % or more is 0.
public struct PracticeScore: Sendable, Equatable {
    public internal(set) var results: [PracticeResult] = []

    public init(results: [PracticeResult] = []) {
        self.results = results
    }

    /// Mean absolute percentage error, nil before any segment is scored.
    public var meanAbsolutePercentError: Double? {
        results.isEmpty ? nil : results.reduce(0) { $0 + abs($1.errorPercent) } / Double(results.count)
    }

    /// 0 to 100, from the MAPE: `max(0, 100 - 2 x MAPE)`.
    public var rating: Int? {
        meanAbsolutePercentError.map(Self.rating)
    }

    /// 0 to 100 from an error in %: 100 - 2 x error, never below 0 (a practice's and a drill's).
    public static func rating(_ percentError: Double) -> Int {
        Int(max(0, 100 - 2 * percentError).rounded())
    }

    /// The segment furthest off, by percentage.
    public var worst: PracticeResult? {
        results.max { abs($0.errorPercent) < abs($1.errorPercent) }
    }
}
