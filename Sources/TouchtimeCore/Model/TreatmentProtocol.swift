/// A treatment protocol: the ritual's phases in order, as loaded from a `touchtime/1` (or
/// `touchtime/1.1`) JSON file.
///
/// Named `TreatmentProtocol` because `Protocol` is taken by the language.
public struct TreatmentProtocol: Sendable, Equatable {
    /// The format tag of the first format; every such file still loads and runs unchanged.
    public static let formatTag = "touchtime/1"
    /// The format tag a file needs to use the keys added in 1.1 (`until`, `repeat`, `marks`, `sounds`).
    public static let latestFormatTag = "touchtime/1.1"
    /// Every format this version reads, oldest first.
    public static let formatTags = [formatTag, latestFormatTag]

    public var id: String
    public var title: String
    public var description: String?
    /// Chime settings for every phase (each phase may override them).
    public var chimes: ChimeOptions
    /// How the prompts are spoken, when a session speaks.
    public var voice: VoiceOptions
    /// The therapist's own sounds for chime kinds, for every phase (each phase may override them).
    public var sounds: SoundFiles
    public var phases: [Phase]

    public init(id: String, title: String, description: String? = nil, chimes: ChimeOptions = .default,
                voice: VoiceOptions = .default, sounds: SoundFiles = [:], phases: [Phase]) {
        self.id = id
        self.title = title
        self.description = description
        self.chimes = chimes
        self.voice = voice
        self.sounds = sounds
        self.phases = phases
    }

    /// The planned length of the whole session, stillness included; a wait for a press counts 0.
    public var totalDuration: Duration {
        phases.reduce(.zero) { $0 + $1.totalDuration }
    }
}

/// A chime kind's own sound: the path of a PCM WAV file (absolute, resolved against the
/// protocol file's folder when it was loaded).
public typealias SoundFiles = [ChimeKind: String]

/// How long a phase or a step lasts: a duration, or until the therapist presses (`"until": "press"`).
public enum SegmentLength: Sendable, Equatable {
    case timed(Duration)
    case untilPress

    /// The planned length: a wait counts 0 (it lasts as long as the therapist needs).
    public var planned: Duration {
        if case .timed(let duration) = self { return duration }
        return .zero
    }

    public var waitsForPress: Bool { self == .untilPress }
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
        /// `"until": "press"`: the phase lasts until the therapist presses.
        case untilPress
        case steps([Step])
    }

    /// The most rounds a phase may repeat.
    public static let maximumRepeats = 100

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
    /// How many times the phase runs, its steps with it (1: once).
    public var repeatCount: Int
    /// Stillness inserted between consecutive rounds.
    public var stillnessBetweenRepeats: Duration?
    /// Marks inside the phase's segments, replacing the protocol's (`chimes.marks`); nil: the protocol's.
    public var marks: [Mark]?
    /// Sounds for chime kinds in this phase, over the protocol's.
    public var sounds: SoundFiles

    public init(
        id: String, title: String, cue: String, kind: Kind = .massage, body: Body,
        stillnessAfter: Duration? = nil, stillnessBetweenSteps: Duration? = nil,
        strokeSeconds: Duration? = nil, chimes: ChimeOptions = .default, say: String? = nil,
        repeatCount: Int = 1, stillnessBetweenRepeats: Duration? = nil, marks: [Mark]? = nil, sounds: SoundFiles = [:]
    ) {
        self.say = say
        self.repeatCount = repeatCount
        self.stillnessBetweenRepeats = stillnessBetweenRepeats
        self.marks = marks
        self.sounds = sounds
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

    /// One round's length: its duration, or its steps with the stillness between them (a wait counts 0).
    public var roundDuration: Duration {
        switch body {
        case .duration(let duration):
            return duration
        case .untilPress:
            return .zero
        case .steps(let steps):
            let gaps = (stillnessBetweenSteps ?? .zero) * max(steps.count - 1, 0)
            return steps.reduce(gaps) { $0 + $1.duration }
        }
    }

    /// The phase's own length: every round, with the stillness between rounds.
    public var activeDuration: Duration {
        roundDuration * repeatCount + (stillnessBetweenRepeats ?? .zero) * max(repeatCount - 1, 0)
    }

    /// The phase's length including the stillness after it.
    public var totalDuration: Duration {
        activeDuration + (stillnessAfter ?? .zero)
    }
}

/// A moment inside a segment, marked by a chime (and, with a voice, words): "half", "1/3", "-30s",
/// "20s". Like the warning, a mark is a deadline inside its segment: it never moves a boundary.
public struct Mark: Sendable, Equatable {
    public enum Position: Sendable, Equatable {
        /// This fraction of the segment's planned length after its start (0 < fraction < 1).
        case fraction(numerator: Int, denominator: Int)
        /// This long after the segment's start.
        case afterStart(Duration)
        /// This long before the segment's end (which an extension moves).
        case beforeEnd(Duration)
    }

    public var position: Position
    /// Which chime sounds; nil: none (words only).
    public var chime: ChimeKind?
    /// What is spoken, when the session speaks.
    public var say: String?
    /// How the file wrote it ("half", "-30s"), for `show` and messages.
    public var text: String

    /// The chime a mark sounds when it names none: the clear bell.
    public static let defaultChime = ChimeKind.transition

    public init(position: Position, chime: ChimeKind? = Mark.defaultChime, say: String? = nil, text: String) {
        self.position = position
        self.chime = chime
        self.say = say
        self.text = text
    }

    /// Its offset from the start of a segment of this planned length, if it falls strictly inside.
    public func offset(in length: Duration) -> Duration? {
        let offset: Duration
        switch position {
        case .fraction(let numerator, let denominator): offset = length * numerator / denominator
        case .afterStart(let after): offset = after
        case .beforeEnd(let before): offset = length - before
        }
        return offset > .zero && offset < length ? offset : nil
    }
}

/// One step of a phase.
public struct Step: Sendable, Equatable {
    public var title: String?
    public var cue: String
    public var length: SegmentLength
    /// What is spoken at the step's start instead of what the voice options choose.
    public var say: String?

    public init(title: String? = nil, cue: String, duration: Duration, say: String? = nil) {
        self.init(title: title, cue: cue, length: .timed(duration), say: say)
    }

    public init(title: String? = nil, cue: String, length: SegmentLength, say: String? = nil) {
        self.title = title
        self.cue = cue
        self.length = length
        self.say = say
    }

    /// The planned length: a wait counts 0.
    public var duration: Duration { length.planned }
}
