/// Everything the bedside screen shows at one moment: a pure value built from the engine.
public struct DisplayState: Sendable, Equatable {
    /// The end-of-session figures.
    public struct Summary: Sendable, Equatable {
        public var completed: Bool
        public var planned: Duration
        public var actual: Duration
        public var pauses: Int
        public var pausedTime: Duration
        public var skips: Int
        public var extensions: Int
        /// Net protocol time added by extending (negative when shortened).
        public var extended: Duration
        /// Ended early: where ("Jawline: Left side, 1:20 in"), and the command that goes on from there.
        public var stoppedAt: String?
        public var resumeCommand: String?

        public init(completed: Bool, planned: Duration, actual: Duration, pauses: Int = 0, pausedTime: Duration = .zero,
                    skips: Int = 0, extensions: Int = 0, extended: Duration = .zero) {
            self.completed = completed
            self.planned = planned
            self.actual = actual
            self.pauses = pauses
            self.pausedTime = pausedTime
            self.skips = skips
            self.extensions = extensions
            self.extended = extended
        }
    }

    public var title: String
    public var phaseNumber: Int
    public var phaseCount: Int
    public var phaseTitle: String
    /// The step's title, or nil for a phase without steps.
    public var stepTitle: String?
    public var cue: String
    public var isStillness: Bool
    /// Whole seconds left in the segment, protocol time, rounded up (what the countdown shows).
    public var secondsLeft: Int
    /// 0 to 1 through the segment and through the session.
    public var segmentProgress: Double
    public var sessionProgress: Double
    /// Where the phases start on the session bar, 0 to 1.
    public var phaseMarks: [Double]
    /// What follows, or nil on the last segment.
    public var next: String?
    public var paused: Bool
    public var muted: Bool
    public var soundUnavailable: Bool
    /// Why there is no sound (the device lost, none found): said on the screen, large, as it
    /// happens, not only after the session.
    public var soundProblem: String?
    /// The sound is being prepared (prompts rendered, the device opened, a sound server starting
    /// the stream): the session has not started and its clock does not run yet.
    public var preparingSound = false
    public var speed: Double
    public var overlay: Overlay
    /// Seconds left before the session starts, during the lead-in.
    public var leadInLeft: Int?
    public var summary: Summary?
    /// Whose keys the footer and the help show; practice also hides the countdown and the bars
    /// (the trainee judges the time) and shows the segment's target instead.
    public var controls: KeyController.Mode = .session
    /// The current segment's planned length (protocol time): practice's target.
    public var target: Duration = .zero
    /// Practice with `--reveal`: the last press's planned and actual time, for a moment.
    public var revealed: String?
    /// The protocol's warning before the segment's end (nil: none, the screen warns in the last 10 s).
    public var warningBefore: Duration?
    /// Whole seconds left in the session, protocol time, rounded up; nil when not known.
    public var sessionSecondsLeft: Int?

    /// The segment waits for the therapist's press (`"until": "press"`): the clock shows the time
    /// spent waiting, counting up, and nothing falls due.
    public var waiting = false
    /// Whole seconds spent in the wait so far.
    public var waitedSeconds = 0
    /// "round 2/3" in a phase that repeats.
    public var round: String?

    /// The stroke drill in a paced segment: the stroke period to keep, and the taps so far in it.
    public struct StrokeCount: Sendable, Equatable {
        public var target: Duration
        public var taps: Int

        public init(target: Duration, taps: Int) {
            self.target = target
            self.taps = taps
        }

        /// "a stroke every 4s · 7 taps".
        public var text: String { "a stroke every \(DurationText.format(target)) · \(Counted.text(taps, "tap"))" }
    }

    public var stroke: StrokeCount?

    /// The volume, for a moment after it was changed.
    public var volume: Int?
    /// A spoken command just heard (`run --listen`), for two seconds.
    public var heard: String?
    /// The keys the help and the hints show.
    public var keyMap: KeyMap = .standard

    /// The keys that end a wait, as the key map in effect has them: "space or n", "space or b".
    public var waitKeys: String {
        let pause = keyMap.keys(for: .pause).first?.label
        let next = controls == .practice ? nil : keyMap.keys(for: .next).first?.label
        let keys = [pause, next].compactMap { $0 }
        return keys.isEmpty ? "the pause key" : keys.joined(separator: " or ")
    }

    /// Practice: no countdown and no progress bars.
    public var hideClock: Bool { controls == .practice }

    /// The segment is about to end: from its warning (or the last 10 s without one), massage only.
    public var endingSoon: Bool {
        guard !isStillness, !waiting, leadInLeft == nil, summary == nil else { return false }
        let warning = warningBefore.map { Int(($0.milliseconds + 999) / 1000) } ?? 10
        return secondsLeft <= warning
    }

    /// What the current segment is called ("Jawline: Left side"), as `next` names a segment.
    public var segmentName: String {
        if let stepTitle { return "\(phaseTitle): \(stepTitle)" }
        return phaseTitle
    }

    /// The state at session time `now` (or, during a lead-in, `leadInLeft` seconds before the start).
    public static func make(
        engine: some SessionModel, at now: Duration, soundUnavailable: Bool = false,
        overlay: Overlay = .none, leadInLeft: Int? = nil, summary: Summary? = nil, controls: KeyController.Mode = .session
    ) -> DisplayState {
        let timeline = engine.timeline
        let segment = engine.currentSegment ?? timeline.segments[timeline.segments.count - 1]
        let index = engine.currentSegment == nil ? timeline.segments.count - 1 : engine.currentIndex
        let phase = timeline.phase(of: segment)
        let remaining = engine.state == .ready ? segment.plannedDuration : engine.remaining(at: now) * engine.speed
        let total = timeline.totalDuration
        let position = engine.state == .ready ? .zero : engine.plannedPosition(at: now)
        var next: String?
        if index + 1 < timeline.segments.count {
            let following = timeline.segments[index + 1]
            // A stillness phase has a title of its own ("Pause"); the stillness inside a phase has not.
            let name = following.isStillness && following.role != .stillnessPhase ? "stillness" : timeline.title(of: following)
            next = "\(name) (\(following.waitsForPress ? "until press" : DurationText.format(following.plannedDuration)))"
        }
        var phaseStarts: [Double] = []
        var offset = Duration.zero
        for phase in timeline.treatment.phases {
            phaseStarts.append(total > .zero ? offset / total : 0)
            offset += phase.totalDuration
        }
        let remainingMilliseconds = max(remaining.milliseconds, 0)
        let sessionLeft = remaining + (total - segment.plannedEnd)
        return DisplayState(
            title: timeline.treatment.title.terminalSafe,
            phaseNumber: segment.phaseIndex + 1,
            phaseCount: timeline.treatment.phases.count,
            phaseTitle: phase.title.terminalSafe,
            stepTitle: segment.stepIndex != nil ? timeline.stepTitle(of: segment).terminalSafe : nil,
            cue: timeline.cue(of: segment).terminalSafe,
            isStillness: segment.isStillness,
            secondsLeft: Int((remainingMilliseconds + 999) / 1000),
            // Through the segment as it now runs: one lengthened by +15 s spreads over its new length.
            segmentProgress: segment.plannedDuration > .zero && engine.state != .ready
                ? min(max((position - segment.plannedStart) / segment.plannedDuration, 0), 1) : 0,
            sessionProgress: total > .zero ? min(max(position / total, 0), 1) : 0,
            phaseMarks: phaseStarts,
            next: next.map(\.terminalSafe),
            paused: engine.isPaused,
            muted: engine.muted,
            soundUnavailable: soundUnavailable,
            speed: engine.speed,
            overlay: overlay,
            leadInLeft: leadInLeft,
            summary: summary,
            controls: controls,
            target: segment.plannedDuration,
            warningBefore: segment.warningBefore,
            sessionSecondsLeft: Int((max(sessionLeft.milliseconds, 0) + 999) / 1000),
            waiting: segment.waitsForPress && engine.currentSegment != nil && engine.state != .ready,
            waitedSeconds: Int(max((engine.elapsedInSegment(at: now) * engine.speed).milliseconds, 0) / 1000),
            round: timeline.roundText(of: segment),
            stroke: engine.state == .ready ? nil : engine.strokeCount
        )
    }

    /// The countdown text: m:ss, or h:mm:ss past an hour.
    public var countdown: String {
        let seconds = leadInLeft ?? (waiting ? waitedSeconds : secondsLeft)
        let hours = seconds / 3600
        let minutes = seconds / 60 % 60
        let rest = seconds % 60
        let pad = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(pad(minutes)):\(pad(rest))" : "\(minutes):\(pad(rest))"
    }
}
