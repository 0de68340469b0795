/// What a session's sound and listening report beside the engine's events (a chime played, a
/// prompt spoken, a command heard, the sound lost): records for the log, written where they
/// happen, never fed back to the engine. The engine's `SessionEvent`s are the facts of the
/// session's time; these are what was done about them.
public struct SessionReport: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A chime was played for a moment.
        case chime(ChimeKind)
        /// A prompt was spoken.
        case speech(text: String)
        /// A command was confirmed by its sound (a `chime` event of kind `confirmation`).
        case confirmationChime(Confirmation)
        /// A command was confirmed by a word (a `speech` event that `confirms` it).
        case confirmationSpeech(Confirmation, text: String)
        /// A spoken command was heard (`run --listen`), with the spotter's score (higher is surer);
        /// what it commands follows as the engine's events.
        case heard(phrase: String, score: Int)
        /// Sound could not be played (at the start, or lost mid-session); the session goes on silently.
        case audioUnavailable(reason: String)
        /// Sound plays, but not as it should: a route whose timing is approximate, a gap heard
        /// (the device ran dry), a sound server that fell behind.
        case audioTrouble(reason: String)

        /// The name in `--events`.
        public var name: String {
            switch self {
            case .chime, .confirmationChime: return "chime"
            case .speech, .confirmationSpeech: return "speech"
            case .heard: return "heard"
            case .audioUnavailable: return "audio-unavailable"
            case .audioTrouble: return "audio-trouble"
            }
        }

        public static let names = ["chime", "speech", "heard", "audio-unavailable", "audio-trouble"]
    }

    public var kind: Kind
    /// The segment it belongs to, its phase, step and round (none before the session began).
    public var segmentIndex: Int?
    public var phaseID: String?
    public var stepIndex: Int?
    public var round: Int?
    /// Offset on the protocol's own timeline: the moment it sounds for, or where the session was.
    public var planned: Duration

    public init(kind: Kind, segmentIndex: Int? = nil, phaseID: String? = nil, stepIndex: Int? = nil, round: Int? = nil,
                planned: Duration) {
        self.kind = kind
        self.segmentIndex = segmentIndex
        self.phaseID = phaseID
        self.stepIndex = stepIndex
        self.round = round
        self.planned = planned
    }

    /// A report of where `model` is at session time `now`.
    public init(_ kind: Kind, model: some SessionModel, at now: Duration) {
        let segment = model.currentSegment
        self.init(kind: kind, segmentIndex: segment == nil ? nil : model.currentIndex,
                  phaseID: segment.map { model.timeline.phase(of: $0).id }, stepIndex: segment?.stepIndex,
                  round: segment?.roundNumber, planned: model.state == .ready ? .zero : model.plannedPosition(at: now))
    }

    /// The chime a cue played.
    public init(chime cue: ChimePlan.Cue) {
        self.init(kind: .chime(cue.voice.kind), segmentIndex: cue.segmentIndex, phaseID: cue.phaseID, planned: cue.planned)
    }

    /// The prompt an utterance spoke.
    public init(speech utterance: SpeechPlan.Utterance) {
        self.init(kind: .speech(text: utterance.text), segmentIndex: utterance.id.segmentIndex, phaseID: utterance.phaseID,
                  planned: utterance.planned)
    }
}

/// A report with the session time at which it was made.
public struct StampedReport: Sendable, Equatable {
    public var report: SessionReport
    public var elapsed: Duration

    public init(report: SessionReport, elapsed: Duration) {
        self.report = report
        self.elapsed = elapsed
    }
}
