/// A command the therapist gave, as it is confirmed to the ear: a pedal pressed or "timer pause"
/// said while looking at the client must be heard to have been taken.
public enum Confirmation: String, Sendable, CaseIterable, Hashable {
    case paused, resumed
    /// The segment was lengthened (`+`, "timer more time").
    case longer
    /// The segment was shortened (`-`).
    case shorter
    /// Said before the chimes go quiet (a confirmation is never muted).
    case muted
    case unmuted
    /// A volume step: a short note at the new level, so the level itself is heard.
    case volume
}

/// How each command is confirmed: a short soft sound of its own (distinct from every boundary
/// chime, so it never sounds like "move on"), a spoken word when the session speaks, both, or
/// nothing. Pure: the audio layer asks it, so the rules are tested without a sound card.
///
/// - Pause, resume, +/-15 s, mute and unmute are confirmed; a spoken command is confirmed by
///   what it does (a "timer pause" heard is confirmed as a pause). Back and skip start a segment,
///   whose chime is their answer.
/// - By default a session that speaks says a word ("paused", "fifteen more seconds"); one that
///   does not plays the sound. A volume step always plays a note at the new level (unless `none`).
/// - A word not ready to be spoken (an odd amount after a clamp, the speech helper gone) falls
///   back to the sound.
public struct ConfirmationPlan: Sendable, Equatable {
    public enum Style: String, Sendable, CaseIterable, Hashable {
        case sound, word, both, none
    }

    /// Chosen per kind (the configuration's `confirmations`); the rest take the default.
    public var styles: [Confirmation: Style]
    /// The session speaks (`--voice`): words are the default and can be said.
    public var speaks: Bool
    /// The language words are said in (the protocol's voice).
    public var language: String

    public init(styles: [Confirmation: Style] = [:], speaks: Bool, language: String = "en") {
        self.styles = styles
        self.speaks = speaks
        self.language = language
    }

    /// How `confirmation` is heard in this session: a word only when the session speaks.
    public func style(of confirmation: Confirmation) -> Style {
        let chosen = styles[confirmation] ?? (speaks && confirmation != .volume ? .word : .sound)
        guard !speaks else { return chosen }
        return chosen == .none ? .none : .sound
    }

    /// Whether a sound plays for it.
    public func playsSound(_ confirmation: Confirmation) -> Bool {
        [.sound, .both].contains(style(of: confirmation))
    }

    /// The words said for it, when it is said (nil when it is not, or has no words: a volume step).
    public func spokenWords(for confirmation: Confirmation, amount: Duration? = nil) -> String? {
        guard [.word, .both].contains(style(of: confirmation)) else { return nil }
        return BuiltInWords(language: language).confirmation(confirmation, amount: amount)
    }

    /// The command an event confirms, and the amount of an extension (nil: it confirms none).
    public static func confirmation(for event: SessionEvent) -> (Confirmation, amount: Duration?)? {
        switch event.kind {
        case .paused: return (.paused, nil)
        case .resumed: return (.resumed, nil)
        case .extended(let amount) where amount > .zero: return (.longer, amount)
        case .extended(let amount) where amount < .zero: return (.shorter, .zero - amount)
        case .muted(let muted): return (muted ? .muted : .unmuted, nil)
        default: return nil
        }
    }

    /// Every word this session can say for a command, to render before it is needed (the keys'
    /// own step; another amount is said only if it happens to be ready).
    public var texts: [String] {
        Confirmation.allCases.compactMap { confirmation in
            spokenWords(for: confirmation, amount: [.longer, .shorter].contains(confirmation) ? KeyController.step : nil)
        }
    }
}
