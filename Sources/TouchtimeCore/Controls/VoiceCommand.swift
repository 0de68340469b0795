/// What a therapist can say to a session that listens (`run --listen`). Every command starts with
/// the word "timer", so that what is said in a treatment ("let's pause", "more serum") and the
/// protocol's own spoken cues ("stillness, pause") are never taken for one.
///
/// A heard command goes through the same inbox as a key: "timer pause" pauses, "timer resume"
/// resumes, "timer next" skips (or ends a wait), "timer back" goes back, "timer more time"
/// extends the segment as `+` does.
public enum VoiceCommand: String, CaseIterable, Sendable, Hashable {
    case pause = "timer pause"
    case resume = "timer resume"
    case next = "timer next"
    case back = "timer back"
    case moreTime = "timer more time"

    /// The words spotted.
    public var phrase: String { rawValue }

    /// What the session does on hearing it.
    public var command: SessionCommand {
        switch self {
        case .pause: return .pause
        case .resume: return .resume
        case .next: return .next
        case .back: return .previous
        case .moreTime: return .extend(KeyController.step)
        }
    }

    /// The keyword spotter's threshold for each phrase when the configuration names none: the
    /// best of a grid from 1e-5 to 1e-25 on the listening benchmark (Benchmarks/listen). One for
    /// all: the phrases interact (a detection restarts the search), and per-phrase thresholds
    /// tuned apart did worse together. Lower lets more through (and more false alarms).
    public var defaultThreshold: Double { 1e-15 }

    public init?(phrase: String) {
        self.init(rawValue: phrase)
    }

    /// The accepted range of a threshold in the configuration.
    public static let thresholdRange = 1e-60...1e-1
}
