/// Trainee practice: the protocol's segments without a clock. The trainee presses when they
/// judge a segment complete; the press ends it. A segment left running to 3x its planned
/// length ends itself and counts as missed.
///
/// The engine does the timing: practice runs it on a timeline whose segments last 3x their
/// planned length, and a press is the `next` command. `PracticeScorer` reads the events.
public enum PracticeSession {
    /// How many times its planned length a segment may run before it counts as missed.
    public static let missFactor = 3

    /// The protocol with every duration stretched by `missFactor`: segment for segment the same timeline.
    public static func stretched(_ treatment: TreatmentProtocol) -> TreatmentProtocol {
        var stretched = treatment
        let factor = missFactor
        stretched.phases = treatment.phases.map { phase in
            var phase = phase
            switch phase.body {
            case .duration(let length): phase.body = .duration(length * factor)
            case .steps(let steps):
                phase.body = .steps(steps.map { step in
                    var step = step
                    step.duration = step.duration * factor
                    return step
                })
            }
            phase.stillnessAfter = phase.stillnessAfter.map { $0 * factor }
            phase.stillnessBetweenSteps = phase.stillnessBetweenSteps.map { $0 * factor }
            phase.strokeSeconds = nil
            phase.chimes.warningBefore = nil
            return phase
        }
        stretched.chimes.warningBefore = nil
        return stretched
    }
}

/// One segment's result.
public struct PracticeResult: Sendable, Equatable {
    public var segmentIndex: Int
    public var planned: Duration
    public var actual: Duration
    public var missed: Bool

    /// Press minus planned (positive: late).
    public var error: Duration { actual - planned }

    /// The error as a percentage of the planned length.
    public var errorPercent: Double { planned > .zero ? error / planned * 100 : 0 }
}

/// Scores a practice from its events: fed every event as it happens.
///
/// The score is the mean absolute percentage error over the segments (lower is better; a
/// missed segment counts at its 3x, +200 %). The rating, 0 to 100, is `100 - 2 x MAPE`, never
/// below 0: perfect timing is 100, a mean error of 25 % is 50, 50 % or more is 0.
public struct PracticeScorer: Sendable {
    public let timeline: Timeline
    public let speed: Double
    public private(set) var results: [PracticeResult] = []
    private var current: (segment: Int, start: Duration)?

    /// `timeline` is the protocol's own (not the stretched one).
    public init(timeline: Timeline, speed: Double = 1) {
        self.timeline = timeline
        self.speed = speed
    }

    /// Records an event; returns the result it completed, if any (for `press` events and `--reveal`).
    @discardableResult
    public mutating func record(_ event: SessionEvent, elapsed: Duration) -> PracticeResult? {
        switch event.kind {
        case .skipped:
            guard let current else { return nil }
            self.current = nil
            return finish(current, at: elapsed, missed: false)
        case .phaseStart, .stepStart, .stillnessStart:
            guard let index = event.segmentIndex else { return nil }
            var completed: PracticeResult?
            if let current, current.segment != index {
                // Started without a press: the previous segment ran out.
                completed = finish(current, at: elapsed, missed: true)
            }
            if current?.segment != index { current = (index, elapsed) }
            return completed
        case .sessionEnd:
            defer { current = nil }
            if event.completed == true, let current {
                return finish(current, at: elapsed, missed: true)
            }
            return nil  // abandoned: the unfinished segment is not scored
        default:
            return nil
        }
    }

    private mutating func finish(_ segment: (segment: Int, start: Duration), at elapsed: Duration, missed: Bool) -> PracticeResult {
        let planned = timeline.segments[segment.segment].plannedDuration
        let actual = missed ? planned * PracticeSession.missFactor : (elapsed - segment.start) * speed
        let result = PracticeResult(segmentIndex: segment.segment, planned: planned, actual: actual, missed: missed)
        results.append(result)
        return result
    }

    /// Mean absolute percentage error, nil before any segment is scored.
    public var meanAbsolutePercentError: Double? {
        results.isEmpty ? nil : results.reduce(0) { $0 + abs($1.errorPercent) } / Double(results.count)
    }

    /// 0 to 100, from the MAPE: `max(0, 100 - 2 x MAPE)`.
    public var rating: Int? {
        meanAbsolutePercentError.map { Int(max(0, 100 - 2 * $0).rounded()) }
    }

    /// The segment furthest off, by percentage.
    public var worst: PracticeResult? {
        results.max { abs($0.errorPercent) < abs($1.errorPercent) }
    }
}
