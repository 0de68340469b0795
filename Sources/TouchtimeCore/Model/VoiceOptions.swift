/// Spoken prompts, as a protocol asks for them (`"voice": {...}`); a phase or a step may say
/// something of its own (`"say": "..."`). Whether a session speaks at all is the therapist's
/// choice (`run --voice`): the client on the bed hears it too.
public struct VoiceOptions: Sendable, Equatable {
    /// What is said at a phase's or a step's start.
    public enum Say: String, Sendable, CaseIterable {
        /// Its title ("Jawline", "Left side").
        case title
        /// Its cue.
        case cue
        /// The title, then the cue.
        case both
        /// Nothing (the session's end and warnings still speak when asked).
        case none
    }

    public var say: Say
    /// Speaking rate: 1 is the voice's own, 0.5 to 2.
    public var rate: Double
    /// 0 to 100, relative to `--volume`.
    public var volume: Int
    /// A language code: `en` (flite, built in) or any that espeak-ng speaks (`de`, `fr`, `pt-br`).
    public var language: String
    /// Whether a warning mark speaks how long is left ("thirty seconds").
    public var warnings: Bool

    public init(say: Say = .title, rate: Double = 1, volume: Int = 100, language: String = "en", warnings: Bool = false) {
        self.say = say
        self.rate = rate
        self.volume = volume
        self.language = language
        self.warnings = warnings
    }

    public static let `default` = VoiceOptions()
    public static let rateRange = 0.5...2.0
}
