/// A 5-row block font for the countdown, readable from across the room.
public enum BigDigits {
    public static let height = 5

    static let glyphs: [Character: [String]] = [
        "0": ["█████", "█   █", "█   █", "█   █", "█████"],
        "1": ["   █ ", "  ██ ", "   █ ", "   █ ", "  ███"],
        "2": ["█████", "    █", "█████", "█    ", "█████"],
        "3": ["█████", "    █", " ████", "    █", "█████"],
        "4": ["█   █", "█   █", "█████", "    █", "    █"],
        "5": ["█████", "█    ", "█████", "    █", "█████"],
        "6": ["█████", "█    ", "█████", "█   █", "█████"],
        "7": ["█████", "    █", "   █ ", "  █  ", "  █  "],
        "8": ["█████", "█   █", "█████", "█   █", "█████"],
        "9": ["█████", "█   █", "█████", "    █", "█████"],
        ":": ["   ", " █ ", "   ", " █ ", "   "],
    ]

    /// The rows of `text` (digits and colons), one column of space between glyphs.
    public static func rows(_ text: String) -> [String] {
        (0..<height).map { row in
            text.compactMap { glyphs[$0]?[row] }.joined(separator: " ")
        }
    }

    /// The width of `text` in columns.
    public static func width(_ text: String) -> Int {
        rows(text).first.map { TextWidth.of($0) } ?? 0
    }
}
