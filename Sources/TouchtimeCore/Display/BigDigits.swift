/// The countdown's 5-row block digits: `BlockFont` at one column by one row a pixel.
public enum BigDigits {
    public static let height = 5
    public static let scale = BlockFont.Scale(columns: 1, halfRows: 2)

    /// The rows of `text` (digits and colons), one column of space between glyphs.
    public static func rows(_ text: String) -> [String] {
        BlockFont.rows(text, scale: scale) ?? []
    }

    /// The width of `text` in columns.
    public static func width(_ text: String) -> Int {
        BlockFont.width(text, scale: scale) ?? 0
    }
}
