/// The words touchtime says of its own (not a protocol's titles or `say`): "stillness", "session
/// complete", "round two", how long is left, and the confirmations of commands, in the voice's
/// language. English, German, French and Spanish have their own; another language gets the
/// English words with numbers as digits (the voice reads digits in its own language).
public struct BuiltInWords: Sendable, Equatable {
    public enum Language: String, Sendable, CaseIterable {
        case en, de, fr, es
    }

    /// The language with words of its own, nil for another.
    public let language: Language?

    /// `code`: a language code as `voice.language` takes it (`de`, `de-at`, `pt-br`).
    public init(language code: String) {
        let base = code.lowercased().split(separator: "-").first.map(String.init) ?? code
        language = Language(rawValue: base)
    }

    private var english: Bool { language == nil || language == .en }

    public var stillness: String {
        switch language {
        case .de: return "Stille"
        case .fr: return "immobilité"
        case .es: return "quietud"
        case .en, nil: return "stillness"
        }
    }

    public var sessionComplete: String {
        switch language {
        case .de: return "Sitzung beendet"
        case .fr: return "séance terminée"
        case .es: return "sesión terminada"
        case .en, nil: return "session complete"
        }
    }

    /// "round two", "Runde 2".
    public func round(_ number: Int) -> String {
        switch language {
        case .de: return "Runde \(number)"
        case .fr: return "tour \(number)"
        case .es: return "ronda \(number)"
        case .en: return "round " + Self.englishNumber(number)
        case nil: return "round \(number)"
        }
    }

    /// A duration as spoken: "thirty seconds", "one minute thirty seconds", "30 Sekunden".
    public func duration(_ duration: Duration) -> String {
        let total = Int(duration.seconds.rounded())
        guard language != nil else { return "\(total)" }
        let minutes = total / 60
        let seconds = total % 60
        var parts: [String] = []
        if minutes > 0 { parts.append(count(minutes, unit: .minute)) }
        if seconds > 0 || minutes == 0 { parts.append(count(seconds, unit: .second)) }
        return parts.joined(separator: " ")
    }

    /// What a command's confirmation says ("paused", "fifteen more seconds"); nil for a volume step.
    public func confirmation(_ confirmation: Confirmation, amount: Duration? = nil) -> String? {
        let amount = duration(amount ?? KeyController.step)
        switch (confirmation, language) {
        case (.paused, .de): return "Pause"
        case (.paused, .fr): return "pause"
        case (.paused, .es): return "pausa"
        case (.paused, _): return "paused"
        case (.resumed, .de): return "weiter"
        case (.resumed, .fr): return "reprise"
        case (.resumed, .es): return "seguimos"
        case (.resumed, _): return "resumed"
        case (.longer, .de): return "\(amount) mehr"
        case (.longer, .fr): return "\(amount) de plus"
        case (.longer, .es): return "\(amount) más"
        case (.longer, _): return Self.more(amount)
        case (.shorter, .de): return "\(amount) weniger"
        case (.shorter, .fr): return "\(amount) de moins"
        case (.shorter, .es): return "\(amount) menos"
        case (.shorter, _): return "\(amount) less"
        case (.muted, .de): return "stumm"
        case (.muted, .fr): return "son coupé"
        case (.muted, .es): return "silencio"
        case (.muted, _): return "muted"
        case (.unmuted, .de): return "Ton an"
        case (.unmuted, .fr): return "son activé"
        case (.unmuted, .es): return "sonido activado"
        case (.unmuted, _): return "sound on"
        case (.volume, _): return nil
        }
    }

    /// "fifteen seconds" → "fifteen more seconds"; "one minute" → "one more minute".
    private static func more(_ amount: String) -> String {
        guard let space = amount.firstIndex(of: " "), !amount[amount.index(after: space)...].contains(" ") else {
            return amount + " more"
        }
        return amount[..<space] + " more" + amount[space...]
    }

    private enum Unit { case second, minute }

    private func count(_ number: Int, unit: Unit) -> String {
        let one = number == 1
        switch (language, unit) {
        case (.de, .second): return "\(number) " + (one ? "Sekunde" : "Sekunden")
        case (.de, .minute): return "\(number) " + (one ? "Minute" : "Minuten")
        case (.fr, .second): return "\(number) " + (one ? "seconde" : "secondes")
        case (.fr, .minute): return "\(number) " + (one ? "minute" : "minutes")
        case (.es, .second): return "\(number) " + (one ? "segundo" : "segundos")
        case (.es, .minute): return "\(number) " + (one ? "minuto" : "minutos")
        case (.en, .second): return Self.englishNumber(number) + (one ? " second" : " seconds")
        case (.en, .minute): return Self.englishNumber(number) + (one ? " minute" : " minutes")
        // Another language: its voice reads the digits; the unit stays as before (a bare number).
        case (nil, _): return "\(number)"
        }
    }

    /// English words for 0 to 999 (more is read as digits).
    public static func englishNumber(_ value: Int) -> String {
        let ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
        let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
        switch value {
        case 0..<20: return ones[value]
        case 20..<100: return tens[value / 10] + (value % 10 == 0 ? "" : "-" + ones[value % 10])
        case 100..<1000: return ones[value / 100] + " hundred" + (value % 100 == 0 ? "" : " " + englishNumber(value % 100))
        default: return "\(value)"
        }
    }
}
