/// How a file's own text is quoted in a message: never whole when long, never a control that
/// could reach a terminal.
public enum Quote {
    /// `"text"`, cut short past 40 characters, controls shown as `?`.
    public static func text(_ value: String) -> String {
        "\"\(clipped(value))\""
    }

    /// Long or hostile values are cut short and stripped of control characters.
    public static func clipped(_ value: String) -> String {
        let visible = String(String.UnicodeScalarView(value.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : $0
        }))
        return visible.count > 40 ? String(visible.prefix(40)) + "..." : visible
    }

    /// A key as it is, a control in it written visibly (`\u{1B}`), cut short past 40 characters.
    public static func key(_ value: String) -> String {
        (value.count > 40 ? String(value.prefix(40)) + "..." : value).escapingUnsafe
    }

    /// A file's path as given, quoted: long ones keep their start and their end (the file's name),
    /// cut in the middle; controls shown as `?`.
    public static func path(_ value: String) -> String {
        let visible = String(String.UnicodeScalarView(value.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
        guard visible.count > 160 else { return "\"\(visible)\"" }
        return "\"\(visible.prefix(60))...\(visible.suffix(90))\""
    }
}
