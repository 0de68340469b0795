/// Something that happened in a session, as the engine reports it.
public struct SessionEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case sessionStart = "session-start"
        case phaseStart = "phase-start"
        case stepStart = "step-start"
        case stillnessStart = "stillness-start"
        case sessionEnd = "session-end"
        case paused
        case resumed
        case skipped
        case back
        case extended
        /// A massage segment ends in `warningBefore` (protocol option).
        case warning
        /// One stroke of a phase with `strokeSeconds` is done; the next begins.
        case stroke
        /// A chime was played (written by the audio layer, not the engine).
        case chime
        /// Sound could not be played; the session goes on silently (written by the audio layer).
        case audioUnavailable = "audio-unavailable"
        /// The chimes were muted or unmuted (a key; `muted` says which).
        case muted
        /// The user confirmed quitting; `session-end` follows.
        case quit
        /// Practice: the trainee judged the segment complete (`amount` is the error: press minus planned).
        case press
    }

    public var kind: Kind
    /// The segment the event belongs to, if any.
    public var segmentIndex: Int?
    /// The phase id, for events inside a phase.
    public var phaseID: String?
    /// The step index, for events inside a phase's steps.
    public var stepIndex: Int?
    /// Offset on the protocol's own timeline (protocol time).
    public var planned: Duration
    /// When the engine scheduled it, in session time; the runner stamps the measured time.
    public var due: Duration
    /// For `extended`: the protocol time added (negative when shortened).
    public var amount: Duration?
    /// For `session-end`: whether every segment ran to its end or was skipped through.
    public var completed: Bool?
    /// For `chime`: which one.
    public var chime: ChimeKind?
    /// For `audio-unavailable`: why.
    public var reason: String?
    /// For `muted`: whether the chimes are now muted.
    public var muted: Bool?

    public init(
        kind: Kind, segmentIndex: Int? = nil, phaseID: String? = nil, stepIndex: Int? = nil,
        planned: Duration, due: Duration, amount: Duration? = nil, completed: Bool? = nil,
        chime: ChimeKind? = nil, reason: String? = nil, muted: Bool? = nil
    ) {
        self.muted = muted
        self.chime = chime
        self.reason = reason
        self.kind = kind
        self.segmentIndex = segmentIndex
        self.phaseID = phaseID
        self.stepIndex = stepIndex
        self.planned = planned
        self.due = due
        self.amount = amount
        self.completed = completed
    }
}

/// What a user (keys, a foot pedal) or the program can ask of a running session.
public enum SessionCommand: Sendable, Equatable {
    case pause
    case resume
    /// Pause when running, resume when paused.
    case togglePause
    /// End the current segment now and start the next.
    case next
    /// Back to the start of the segment, or to the previous one within its first 3 seconds.
    case previous
    /// Lengthen (or, negative, shorten) the current segment by protocol time; never below 1 s left.
    case extend(Duration)
    /// End the session now.
    case finish
}
