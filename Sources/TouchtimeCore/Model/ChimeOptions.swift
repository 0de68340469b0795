/// The sounds that mark a session, each distinct in pitch, timbre, strike count and level,
/// so the therapist knows what is happening without looking.
public enum ChimeKind: String, Sendable, CaseIterable, Hashable {
    /// A clear bell: a new phase or step begins.
    case transition
    /// A soft low bowl: a pause or stillness begins.
    case stillness
    /// Two short soft pips a few seconds before a massage segment ends (off unless a protocol asks).
    case warning
    /// A descending three-strike sequence: the session is complete.
    case finish
    /// A very soft tick for stroke pacing.
    case pace
}

/// Chime settings a protocol may give for itself and override per phase (`"chimes": {...}`).
public struct ChimeOptions: Sendable, Equatable {
    /// Which chime marks the phase's start; `.some(nil)` is `"none"` (no chime).
    public var start: ChimeKind??
    /// Warn this long before each massage segment ends.
    public var warningBefore: Duration?
    /// 0 to 100, relative to the command line's `--volume`.
    public var volume: Int?
    /// The transition bell's pitch in Hz; every kind is transposed by the same ratio.
    public var pitch: Double?
    /// The stroke tick's own volume, 0 to 100 (default 40, about -28 dBFS at full volume; 100 is
    /// as loud as the stillness bowl), so that it can be heard over music.
    public var paceVolume: Int?
    /// Marks inside every massage segment (protocol level only: a phase gives its own as `marks`).
    public var marks: [Mark]?

    public init(start: ChimeKind?? = nil, warningBefore: Duration? = nil, volume: Int? = nil, pitch: Double? = nil,
                paceVolume: Int? = nil, marks: [Mark]? = nil) {
        self.marks = marks
        self.start = start
        self.warningBefore = warningBefore
        self.volume = volume
        self.pitch = pitch
        self.paceVolume = paceVolume
    }

    /// The stroke tick's volume when a protocol says nothing.
    public static let defaultPaceVolume = 40

    public static let `default` = ChimeOptions()

    /// The transition bell's own pitch, which `pitch` is measured against.
    public static let referencePitch = 880.0
    public static let pitchRange = 110.0...3520.0

    /// These options with `other`'s set values taking precedence.
    public func overridden(by other: ChimeOptions) -> ChimeOptions {
        ChimeOptions(start: other.start ?? start, warningBefore: other.warningBefore ?? warningBefore,
                     volume: other.volume ?? volume, pitch: other.pitch ?? pitch, paceVolume: other.paceVolume ?? paceVolume,
                     marks: other.marks ?? marks)
    }
}

/// One chime to play: which kind, and the sound options it is rendered with.
public struct ChimeVoice: Sendable, Hashable {
    public var kind: ChimeKind
    /// 0 to 100.
    public var volume: Int
    /// Transposition ratio against the kind's own pitch (1 = as designed).
    public var pitchRatio: Double
    /// The protocol's own sound for the kind (a WAV file's path), played instead of the synthesised one.
    public var sound: String?

    public init(kind: ChimeKind, volume: Int = 100, pitchRatio: Double = 1, sound: String? = nil) {
        self.kind = kind
        self.volume = volume
        self.pitchRatio = pitchRatio
        self.sound = sound
    }
}
