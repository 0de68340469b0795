/// A treatment protocol: the ritual's phases in order, as loaded from a `touchtime/1` JSON file.
///
/// Named `TreatmentProtocol` because `Protocol` is taken by the language.
public struct TreatmentProtocol: Sendable, Equatable {
    /// The format tag every file must carry.
    public static let formatTag = "touchtime/1"

    public var id: String
    public var title: String
    public var description: String?
    /// Chime settings for every phase (each phase may override them).
    public var chimes: ChimeOptions
    /// How the prompts are spoken, when a session speaks.
    public var voice: VoiceOptions
    public var phases: [Phase]

    public init(id: String, title: String, description: String? = nil, chimes: ChimeOptions = .default,
                voice: VoiceOptions = .default, phases: [Phase]) {
        self.id = id
        self.title = title
        self.description = description
        self.chimes = chimes
        self.voice = voice
        self.phases = phases
    }

    /// The planned length of the whole session, stillness included.
    public var totalDuration: Duration {
        phases.reduce(.zero) { $0 + $1.totalDuration }
    }
}

/// One phase of a protocol: either a single timed cue or a sequence of steps.
public struct Phase: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Hands moving: a new phase or step is marked by the transition chime.
        case massage
        /// A pause: marked by the stillness chime.
        case stillness
    }

    /// What the phase is timed by.
    public enum Body: Sendable, Equatable {
        case duration(Duration)
        case steps([Step])
    }

    public var id: String
    public var title: String
    public var cue: String
    public var kind: Kind
    public var body: Body
    /// Stillness inserted after the phase.
    public var stillnessAfter: Duration?
    /// Stillness inserted between consecutive steps.
    public var stillnessBetweenSteps: Duration?
    /// The length of one stroke: a soft tick marks each during the phase's massage.
    public var strokeSeconds: Duration?
    /// Chime settings overriding the protocol's for this phase.
    public var chimes: ChimeOptions
    /// What is spoken at the phase's start instead of what the voice options choose.
    public var say: String?

    public init(
        id: String, title: String, cue: String, kind: Kind = .massage, body: Body,
        stillnessAfter: Duration? = nil, stillnessBetweenSteps: Duration? = nil,
        strokeSeconds: Duration? = nil, chimes: ChimeOptions = .default, say: String? = nil
    ) {
        self.say = say
        self.strokeSeconds = strokeSeconds
        self.chimes = chimes
        self.id = id
        self.title = title
        self.cue = cue
        self.kind = kind
        self.body = body
        self.stillnessAfter = stillnessAfter
        self.stillnessBetweenSteps = stillnessBetweenSteps
    }

    /// The phase's own length: its duration, or its steps with the stillness between them.
    public var activeDuration: Duration {
        switch body {
        case .duration(let duration):
            return duration
        case .steps(let steps):
            let gaps = (stillnessBetweenSteps ?? .zero) * max(steps.count - 1, 0)
            return steps.reduce(gaps) { $0 + $1.duration }
        }
    }

    /// The phase's length including the stillness after it.
    public var totalDuration: Duration {
        activeDuration + (stillnessAfter ?? .zero)
    }
}

/// One step of a phase.
public struct Step: Sendable, Equatable {
    public var title: String?
    public var cue: String
    public var duration: Duration
    /// What is spoken at the step's start instead of what the voice options choose.
    public var say: String?

    public init(title: String? = nil, cue: String, duration: Duration, say: String? = nil) {
        self.title = title
        self.cue = cue
        self.duration = duration
        self.say = say
    }
}
