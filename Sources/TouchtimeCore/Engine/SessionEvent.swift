/// Something that happened in a session, as the engine decides it: the facts of the session's
/// time. What the sound and listening report beside them is a `SessionReport`.
///
/// What happened, and what it carries, is one value: `kind`. Where it happened (the segment,
/// its phase and step) and when (on the protocol's timeline, and in session time) are the
/// same for every kind.
public struct SessionEvent: Sendable, Equatable {
    public enum Kind: Sendable, Hashable {
        case sessionStart
        case phaseStart
        case stepStart
        case stillnessStart
        /// The end: `completed` when every segment ran to its end or was skipped through.
        case sessionEnd(completed: Bool)
        case paused
        case resumed
        case skipped
        case back
        /// The current segment was lengthened (negative: shortened) by this much protocol time.
        case extended(by: Duration)
        /// A massage segment ends in `warningBefore` (protocol option).
        case warning
        /// One stroke of a phase with `strokeSeconds` is done; the next begins.
        case stroke
        /// A mark inside the segment (`marks`), by its index in the segment's marks.
        case mark(Int)
        /// The therapist ended a wait (`"until": "press"`); the next segment's start follows.
        case continued
        /// The chimes were muted (true) or unmuted.
        case muted(Bool)
        /// The user confirmed quitting; `session-end` follows.
        case quit
        /// Practice: the trainee judged the segment complete; `error` is the press minus the
        /// planned length (protocol time). A tap of the stroke drill has no error.
        case press(error: Duration?)

        /// The name in `--events` and plain lines.
        public var name: String {
            switch self {
            case .sessionStart: return "session-start"
            case .phaseStart: return "phase-start"
            case .stepStart: return "step-start"
            case .stillnessStart: return "stillness-start"
            case .sessionEnd: return "session-end"
            case .paused: return "paused"
            case .resumed: return "resumed"
            case .skipped: return "skipped"
            case .back: return "back"
            case .extended: return "extended"
            case .warning: return "warning"
            case .stroke: return "stroke"
            case .mark: return "mark"
            case .continued: return "continued"
            case .muted: return "muted"
            case .quit: return "quit"
            case .press: return "press"
            }
        }

        /// Every event name, in the order of the cases.
        public static let names = [
            "session-start", "phase-start", "step-start", "stillness-start", "session-end", "paused", "resumed", "skipped",
            "back", "extended", "warning", "stroke", "mark", "continued", "muted", "quit", "press",
        ]

        /// A segment begins: a phase, a step, or a stillness.
        public var startsSegment: Bool {
            self == .phaseStart || self == .stepStart || self == .stillnessStart
        }
    }

    public var kind: Kind
    /// The segment the event belongs to, if any.
    public var segmentIndex: Int?
    /// The phase id, for events inside a phase.
    public var phaseID: String?
    /// The step index, for events inside a phase's steps.
    public var stepIndex: Int?
    /// The round (1 for the first), for events inside a phase that repeats.
    public var round: Int?
    /// Offset on the protocol's own timeline (protocol time).
    public var planned: Duration
    /// When the engine scheduled it, in session time; the runner stamps the measured time.
    public var due: Duration

    public init(
        kind: Kind, segmentIndex: Int? = nil, phaseID: String? = nil, stepIndex: Int? = nil, round: Int? = nil,
        planned: Duration, due: Duration
    ) {
        self.kind = kind
        self.round = round
        self.segmentIndex = segmentIndex
        self.phaseID = phaseID
        self.stepIndex = stepIndex
        self.planned = planned
        self.due = due
    }

    /// For `session-end`, whether the session completed; nil for every other kind.
    public var completed: Bool? {
        if case .sessionEnd(let completed) = kind { return completed }
        return nil
    }
}

/// What a user (keys, a foot pedal), a signal or the program can ask of a running session.
public enum SessionCommand: Sendable, Equatable {
    case pause
    case resume
    /// Pause when running, resume when paused.
    case togglePause
    /// End the current segment now and start the next.
    case next
    /// Back to the start of the segment, or to the previous one within its first 3 seconds.
    case previous
    /// Back to the start of the current phase (its first segment): a `back` event, then the phase again.
    case repeatPhase
    /// Lengthen (or, negative, shorten) the current segment by protocol time; never below 1 s left.
    case extend(Duration)
    /// Mute the chimes, or unmute them.
    case toggleMute
    /// The trainee's press: in practice the segment is judged complete; in the stroke drill, a stroke.
    /// A guided session ignores it.
    case press
    /// The press, made at this session time: a second press of one key is held back a moment to
    /// tell it from a held key's repeat, and is taken as made then (never before its segment began).
    case pressAt(Duration)
    /// The user confirmed quitting: a `quit` event, then the end.
    case quit
    /// A spoken command was heard (`run --listen`): the runner reports it (`heard`), then hands the
    /// command to the model as a key's would.
    indirect case heard(phrase: String, score: Int, command: SessionCommand)
    /// End the session now (a signal, or the program).
    case finish
}
