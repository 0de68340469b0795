/// The step engine: a pure value that knows where a session is and when its next boundary falls.
///
/// Time is "session time": a `Duration` since the session started (after the lead-in), as
/// measured by whatever clock drives the engine. The engine never reads a clock; the caller
/// feeds it the time (`advance(to:)`) and gets back the events that fell due.
///
/// Deadlines are absolute. Every boundary falls at `anchor + plannedEnd / speed`, where the
/// anchor moves only when the user adjusts the session (pause, skip, back, extend). A late
/// wake-up therefore never delays the boundaries after it: errors do not accumulate.
///
/// ```swift
/// var engine = SessionEngine(timeline: Timeline(treatment))
/// var events = engine.start(at: .zero)          // session-start, phase-start warm
/// events = engine.advance(to: .seconds(45))     // phase-start jawline, step-start 0
/// ```
public struct SessionEngine: SessionModel, Equatable {
    /// How far back `previous` goes to the earlier segment instead of restarting this one.
    public static let backWindow: Duration = .seconds(3)
    /// Shortening never leaves less than this much of a segment (in session time).
    public static let minimumRemaining: Duration = .seconds(1)

    public let timeline: Timeline
    /// Rehearsal speed: protocol time runs this many times faster than session time.
    public let speed: Double
    public private(set) var state: SessionState = .ready
    /// Index of the current segment; `timeline.segments.count` once finished.
    public private(set) var currentIndex = 0
    /// Session time at which protocol offset zero falls, after the user's adjustments.
    private var anchor: Duration = .zero
    /// Session time at which the current segment began (moved along by pauses).
    public private(set) var segmentStartedAt: Duration = .zero
    /// Stroke ticks already given in the current segment.
    private var strokesGiven = 0
    /// Whether the current segment's warning has been given.
    private var warningGiven = false
    /// Which of the current segment's marks have been given (by index in `Segment.marks`).
    private var marksGiven: Set<Int> = []
    /// The position on the protocol's timeline at session time `markedAt`: the segment's start, or
    /// where it was when last lengthened or shortened; from there it moves on to the segment's end.
    private var markedPosition: Duration = .zero
    private var markedAt: Duration = .zero
    /// Whether the chimes are muted (`toggleMute`).
    public private(set) var muted = false

    /// The segment the session starts at (`run --from`); 0, the first, unless asked.
    public let startIndex: Int
    /// How far into it (protocol time; `run --resume`): at least 1 s is left of it.
    public let startOffset: Duration
    /// Where on the protocol's timeline a session ended before completing (what a resume starts from).
    public private(set) var stoppedPosition: Duration?

    public init(timeline: Timeline, speed: Double = 1, startingAt startIndex: Int = 0, offset: Duration = .zero) {
        self.timeline = timeline
        self.speed = speed.isFinite && speed > 0 ? speed : 1
        self.startIndex = timeline.segments.indices.contains(startIndex) ? startIndex : 0
        self.currentIndex = self.startIndex
        let segment = timeline.segments.indices.contains(startIndex) ? timeline.segments[startIndex] : nil
        let room = segment.map { $0.waitsForPress ? .zero : $0.plannedDuration - .seconds(1) } ?? .zero
        self.startOffset = min(max(offset, .zero), max(room, .zero))
    }

    // MARK: Queries

    /// Session time of the next thing due while running: a stroke tick, a warning, a mark, or the
    /// segment's end. Nothing falls due while a segment waits for the therapist's press.
    public var nextDeadline: Duration? {
        guard state == .running, let segment = currentSegment, !segment.waitsForPress else { return nil }
        let end = anchor + scaled(segment.plannedEnd)
        return nextMark(in: segment, end: end).map { min($0.deadline, end) } ?? end
    }

    /// The earliest mark still to come in the segment, if it falls before the segment ends.
    private func nextMark(in segment: Segment, end: Duration) -> (deadline: Duration, kind: SessionEvent.Kind)? {
        var best: (deadline: Duration, kind: SessionEvent.Kind)?
        if let warning = segment.warningBefore, !warningGiven {
            let deadline = end - scaled(warning)
            if deadline > segmentStartedAt { best = (deadline, .warning) }
        }
        for (index, mark) in segment.marks.enumerated() where !marksGiven.contains(index) {
            guard let deadline = markDeadline(mark, in: segment, end: end), deadline > segmentStartedAt else { continue }
            if best.map({ deadline < $0.deadline }) ?? true { best = (deadline, .mark(index)) }
        }
        if let interval = segment.strokeInterval {
            // Ticks count from the segment's start; none in the last quarter stroke before
            // the end, where the transition chime takes over.
            let deadline = segmentStartedAt + scaled(interval * (strokesGiven + 1))
            if deadline < end - scaled(interval / 4), best.map({ deadline < $0.deadline }) ?? true {
                best = (deadline, .stroke)
            }
        }
        guard let best, best.deadline < end else { return nil }
        return best
    }

    /// When a mark falls: a fraction or an offset counts from the segment's start, a negative
    /// offset back from its end (which an extension moves).
    private func markDeadline(_ mark: Mark, in segment: Segment, end: Duration) -> Duration? {
        guard let offset = mark.offset(in: segment.plannedDuration) else { return nil }
        if case .beforeEnd = mark.position { return end - scaled(segment.plannedDuration - offset) }
        return segmentStartedAt + scaled(offset)
    }

    /// Session time spent in the current segment at `now` (frozen while paused): what a wait shows.
    public func elapsedInSegment(at now: Duration) -> Duration {
        guard currentSegment != nil else { return .zero }
        switch state {
        case .paused(let since): return max(since - segmentStartedAt, .zero)
        case .running: return max(now - segmentStartedAt, .zero)
        case .ready, .finished: return .zero
        }
    }

    /// Session time left in the current segment at `now` (frozen while paused); zero while it waits.
    public func remaining(at now: Duration) -> Duration {
        guard let segment = currentSegment else { return .zero }
        guard !segment.waitsForPress else { return .zero }
        let end = anchor + scaled(segment.plannedEnd)
        switch state {
        case .paused(let since): return max(end - since, .zero)
        case .running: return max(end - now, .zero)
        case .ready: return scaled(segment.plannedDuration)
        case .finished: return .zero
        }
    }

    /// Where `now` falls on the protocol's own timeline, within the current segment. A segment
    /// lengthened or shortened (`extend`) spreads what is left of its planned length over what is
    /// left of its new one: the position moves on steadily from where it was and reaches the
    /// segment's planned end as the segment ends (it never goes back when +15 s is pressed, nor
    /// stands still through the time added).
    public func plannedPosition(at now: Duration) -> Duration {
        guard let segment = currentSegment else { return timeline.totalDuration }
        guard state != .ready, !segment.waitsForPress else { return segment.plannedStart }
        let length = anchor + scaled(segment.plannedEnd) - markedAt
        guard length > .zero else { return segment.plannedEnd }
        let fraction = min(max((effectiveNow(now) - markedAt) / length, 0), 1)
        return markedPosition + (segment.plannedEnd - markedPosition) * fraction
    }

    // MARK: Driving

    /// Starts the session at `now`: `session-start` and the first segment's events.
    public mutating func start(at now: Duration) -> [SessionEvent] {
        guard state == .ready else { return [] }
        state = .running
        let planned = timeline.segments.indices.contains(startIndex) ? timeline.segments[startIndex].plannedStart : .zero
        var events = [SessionEvent(kind: .sessionStart, planned: planned + startOffset, due: now)]
        events += enter(startIndex, at: now)
        if startOffset > .zero, let segment = currentSegment {
            // Resumed part-way: as if the segment had begun that long ago; what fell before is past.
            let shift = scaled(startOffset)
            (anchor, segmentStartedAt, markedAt) = (anchor - shift, segmentStartedAt - shift, markedAt - shift)
            while let mark = nextMark(in: segment, end: anchor + scaled(segment.plannedEnd)), mark.deadline <= now {
                switch mark.kind {
                case .warning: warningGiven = true
                case .mark(let index): marksGiven.insert(index)
                default: strokesGiven += 1
                }
            }
        }
        return events
    }

    /// Moves the session to `now`, returning every boundary that fell due, in order,
    /// each stamped with the time it was due (not `now`).
    public mutating func advance(to now: Duration) -> [SessionEvent] {
        var events: [SessionEvent] = []
        while let deadline = nextDeadline, deadline <= now, let segment = currentSegment {
            let end = anchor + scaled(segment.plannedEnd)
            if let mark = nextMark(in: segment, end: end), mark.deadline == deadline {
                switch mark.kind {
                case .warning: warningGiven = true
                case .mark(let index): marksGiven.insert(index)
                default: strokesGiven += 1
                }
                events.append(SessionEvent(kind: mark.kind, segmentIndex: currentIndex, phaseID: timeline.phase(of: segment).id,
                                           stepIndex: segment.stepIndex, round: segment.roundNumber,
                                           planned: plannedPosition(at: deadline), due: deadline))
                continue
            }
            // A natural boundary: the next segment starts on the deadline, the anchor stays.
            events += enter(currentIndex + 1, at: deadline, keepAnchor: true)
        }
        return events
    }

    /// Applies a command at `now`. Commands that make no sense in the current state do nothing.
    public mutating func handle(_ command: SessionCommand, at now: Duration) -> [SessionEvent] {
        if let events = handleInWait(command, at: now) { return events }
        switch (command, state) {
        case (.togglePause, .running):
            return handle(.pause, at: now)
        case (.togglePause, .paused):
            return handle(.resume, at: now)
        case (.pause, .running):
            state = .paused(since: now)
            return [event(.paused, at: now)]
        case (.resume, .paused(let since)):
            let pause = now - since
            anchor += pause
            segmentStartedAt += pause
            markedAt += pause
            state = .running
            return [event(.resumed, at: now)]
        case (.next, .running), (.next, .paused):
            let skipped = event(.skipped, at: now)
            return [skipped] + enter(currentIndex + 1, at: now)
        case (.previous, .running), (.previous, .paused):
            let back = event(.back, at: now)
            let intoSegment = effectiveNow(now) - segmentStartedAt
            let target = intoSegment < Self.backWindow && currentIndex > 0 ? currentIndex - 1 : currentIndex
            return [back] + enter(target, at: now)
        case (.repeatPhase, .running), (.repeatPhase, .paused):
            guard let segment = currentSegment else { return [] }
            // The start of this round of the phase (its first segment, for a phase that runs once).
            let first = timeline.segments.firstIndex { $0.phaseIndex == segment.phaseIndex && $0.round == segment.round }
                ?? currentIndex
            return [event(.back, at: now)] + enter(first, at: now)
        case (.extend(let amount), .running), (.extend(let amount), .paused):
            return extend(by: amount, at: now)
        case (.toggleMute, .ready), (.toggleMute, .running), (.toggleMute, .paused):
            muted.toggle()
            return [event(.muted(muted), at: now)]
        case (.quit, .ready), (.quit, .running), (.quit, .paused):
            return [event(.quit, at: now)] + handle(.finish, at: now)
        case (.finish, .ready), (.finish, .running), (.finish, .paused):
            let position = plannedPosition(at: now)
            stoppedPosition = state == .ready ? nil : position
            state = .finished(completed: false)
            return [SessionEvent(kind: .sessionEnd(completed: false), planned: position, due: now)]
        default:
            return []
        }
    }

    /// A command while a segment waits for a press: what ends the wait ends it, an extension
    /// does nothing (a wait has no length to change); nil for the rest, handled as ever.
    private mutating func handleInWait(_ command: SessionCommand, at now: Duration) -> [SessionEvent]? {
        guard let segment = currentSegment, segment.waitsForPress, state == .running else { return nil }
        switch command {
        case .togglePause, .next, .press, .pressAt:
            // The therapist is ready: space, a pedal, `n` (or a practice's press) ends the wait.
            return [event(.continued, at: now)] + enter(currentIndex + 1, at: now)
        case .extend:
            return []
        default:
            return nil
        }
    }

    /// Moves the segment's end by `amount` of session time; never to less than `minimumRemaining` left.
    private mutating func extend(by amount: Duration, at now: Duration) -> [SessionEvent] {
        let left = remaining(at: now)
        var change = scaled(amount)
        if left + change < Self.minimumRemaining {
            change = min(Self.minimumRemaining - left, .zero)
        }
        let position = plannedPosition(at: now)
        anchor += change
        (markedPosition, markedAt) = (position, effectiveNow(now))
        return [event(.extended(by: unscaled(change)), at: now)]
    }

    /// The whole session's events at speed 1 with nothing adjusted and every wait ended at once:
    /// what `render` and the plans that read ahead walk through.
    public static func plannedEvents(of timeline: Timeline) -> [SessionEvent] {
        var engine = SessionEngine(timeline: timeline)
        var events = engine.start(at: .zero)
        while !engine.isFinished {
            events += engine.advance(to: timeline.totalDuration + .seconds(1))
            guard let segment = engine.currentSegment, segment.waitsForPress else { break }
            let moment = engine.segmentStartedAt
            events += engine.handle(.next, at: moment).filter { $0.kind != .continued }
        }
        return events
    }

    // MARK: Internals

    /// Makes segment `index` current, starting at `time`, and returns its start events
    /// (or `session-end` past the last segment). Unless `keepAnchor`, the anchor moves so
    /// that the later boundaries follow from this new start.
    private mutating func enter(_ index: Int, at time: Duration, keepAnchor: Bool = false) -> [SessionEvent] {
        guard index < timeline.segments.count else {
            currentIndex = timeline.segments.count
            state = .finished(completed: true)
            return [SessionEvent(kind: .sessionEnd(completed: true), planned: timeline.totalDuration, due: time)]
        }
        currentIndex = index
        segmentStartedAt = time
        (markedPosition, markedAt) = (timeline.segments[index].plannedStart, time)
        strokesGiven = 0
        warningGiven = false
        marksGiven = []
        let segment = timeline.segments[index]
        if !keepAnchor {
            anchor = time - scaled(segment.plannedStart)
        }
        if case .paused = state {
            state = .paused(since: time)
        }
        let phaseID = timeline.phase(of: segment).id
        var events: [SessionEvent] = []
        let round = segment.roundNumber
        if segment.startsPhase {
            events.append(SessionEvent(kind: .phaseStart, segmentIndex: index, phaseID: phaseID, round: round,
                                       planned: segment.plannedStart, due: time))
        }
        if let step = segment.stepIndex {
            events.append(SessionEvent(kind: .stepStart, segmentIndex: index, phaseID: phaseID, stepIndex: step, round: round,
                                       planned: segment.plannedStart, due: time))
        }
        if segment.isStillness {
            events.append(SessionEvent(kind: .stillnessStart, segmentIndex: index, phaseID: phaseID, round: round,
                                       planned: segment.plannedStart, due: time))
        }
        return events
    }

    private func event(_ kind: SessionEvent.Kind, at now: Duration) -> SessionEvent {
        let segment = currentSegment
        return SessionEvent(kind: kind, segmentIndex: segment == nil ? nil : currentIndex,
                            phaseID: segment.map { timeline.phase(of: $0).id }, stepIndex: segment?.stepIndex,
                            round: segment?.roundNumber, planned: plannedPosition(at: now), due: now)
    }

    /// `now`, or the moment the pause began while paused: time spent paused does not count.
    private func effectiveNow(_ now: Duration) -> Duration {
        if case .paused(let since) = state { return since }
        return now
    }

    private func scaled(_ protocolTime: Duration) -> Duration {
        speed == 1 ? protocolTime : protocolTime / speed
    }

    private func unscaled(_ sessionTime: Duration) -> Duration {
        speed == 1 ? sessionTime : sessionTime * speed
    }
}
