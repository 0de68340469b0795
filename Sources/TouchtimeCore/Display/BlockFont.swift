/// Large letters and digits for the bedside screen, read from two metres away.
///
/// Each glyph is a bitmap 5 pixels tall (`#` is ink). A pixel is drawn `columns` cells wide and
/// `halfRows` half-cells tall: with odd `halfRows` two pixels share a cell as `▀`, `▄` or `█`,
/// so the smallest size is 3 rows and nearly square pixels; `Scale(columns: 1, halfRows: 2)`
/// is the 5-row, full-block look of the countdown (`BigDigits`). Text with a character the
/// font lacks has no block form (`rows` is nil): the caller shows it as ordinary text.
public enum BlockFont {
    public static let pixelRows = 5

    public struct Scale: Sendable, Equatable, CustomStringConvertible {
        public var columns: Int
        public var halfRows: Int
        public init(columns: Int, halfRows: Int) {
            self.columns = columns
            self.halfRows = halfRows
        }

        /// Terminal rows a line of text takes.
        public var rows: Int { (BlockFont.pixelRows * halfRows + 1) / 2 }

        public var description: String { "\(columns)x\(halfRows)" }

        /// The sizes the screen chooses from, smallest first: pixels kept about square (a cell
        /// is about twice as tall as it is wide) or a little tall.
        public static let ladder: [Scale] = [.init(columns: 1, halfRows: 1), .init(columns: 1, halfRows: 2)]
            + (2...12).flatMap { [Scale(columns: $0, halfRows: $0), Scale(columns: $0, halfRows: $0 + 1)] }
    }

    static let glyphs: [Character: [String]] = [
        "A": [".##.", "#..#", "####", "#..#", "#..#"],
        "B": ["###.", "#..#", "###.", "#..#", "###."],
        "C": [".###", "#...", "#...", "#...", ".###"],
        "D": ["###.", "#..#", "#..#", "#..#", "###."],
        "E": ["####", "#...", "###.", "#...", "####"],
        "F": ["####", "#...", "###.", "#...", "#..."],
        "G": [".###", "#...", "#.##", "#..#", ".###"],
        "H": ["#..#", "#..#", "####", "#..#", "#..#"],
        "I": ["###", ".#.", ".#.", ".#.", "###"],
        "J": ["..##", "...#", "...#", "#..#", ".##."],
        "K": ["#..#", "#.#.", "##..", "#.#.", "#..#"],
        "L": ["#...", "#...", "#...", "#...", "####"],
        "M": ["#...#", "##.##", "#.#.#", "#...#", "#...#"],
        "N": ["#..#", "##.#", "#.##", "#..#", "#..#"],
        "O": [".##.", "#..#", "#..#", "#..#", ".##."],
        "P": ["###.", "#..#", "###.", "#...", "#..."],
        "Q": [".##.", "#..#", "#..#", "#.#.", ".#.#"],
        "R": ["###.", "#..#", "###.", "#.#.", "#..#"],
        "S": [".###", "#...", ".##.", "...#", "###."],
        "T": ["#####", "..#..", "..#..", "..#..", "..#.."],
        "U": ["#..#", "#..#", "#..#", "#..#", ".##."],
        "V": ["#...#", "#...#", ".#.#.", ".#.#.", "..#.."],
        "W": ["#...#", "#...#", "#.#.#", "##.##", "#...#"],
        "X": ["#..#", "#..#", ".##.", "#..#", "#..#"],
        "Y": ["#...#", ".#.#.", "..#..", "..#..", "..#.."],
        "Z": ["####", "...#", ".##.", "#...", "####"],
        // The countdown's digits (BigDigits), so names and the clock share one look.
        "0": ["#####", "#...#", "#...#", "#...#", "#####"],
        "1": ["...#.", "..##.", "...#.", "...#.", "..###"],
        "2": ["#####", "....#", "#####", "#....", "#####"],
        "3": ["#####", "....#", ".####", "....#", "#####"],
        "4": ["#...#", "#...#", "#####", "....#", "....#"],
        "5": ["#####", "#....", "#####", "....#", "#####"],
        "6": ["#####", "#....", "#####", "#...#", "#####"],
        "7": ["#####", "....#", "...#.", "..#..", "..#.."],
        "8": ["#####", "#...#", "#####", "#...#", "#####"],
        "9": ["#####", "#...#", "#####", "....#", "#####"],
        ":": ["...", ".#.", "...", ".#.", "..."],
        " ": ["..", "..", "..", "..", ".."],
        ".": [".", ".", ".", ".", "#"],
        ",": ["..", "..", "..", ".#", "#."],
        "'": ["#", "#", ".", ".", "."],
        "-": ["...", "...", "###", "...", "..."],
        "+": ["...", ".#.", "###", ".#.", "..."],
        "/": ["..#", "..#", ".#.", "#..", "#.."],
        "!": ["#", "#", "#", ".", "#"],
        "?": ["###.", "...#", ".##.", "....", ".#.."],
        "(": [".#", "#.", "#.", "#.", ".#"],
        ")": ["#.", ".#", ".#", ".#", "#."],
        "&": [".#..", "#.#.", ".#.#", "#.#.", ".#.#"],
        "·": [".", ".", "#", ".", "."],
        "…": [".....", ".....", ".....", ".....", "#.#.#"],
    ]

    /// Whether every character of `text` (uppercased) has a glyph.
    public static func canDraw(_ text: String) -> Bool {
        text.uppercased().allSatisfy { glyphs[$0] != nil }
    }

    /// `text`, uppercased, as pixel rows: one blank pixel column between glyphs.
    static func bitmap(_ text: String) -> [[Bool]]? {
        var rows = Array(repeating: [Bool](), count: pixelRows)
        for (index, character) in text.uppercased().enumerated() {
            guard let glyph = glyphs[character] else { return nil }
            for row in 0..<pixelRows {
                if index > 0 { rows[row].append(false) }
                rows[row] += glyph[row].map { $0 == "#" }
            }
        }
        return rows
    }

    /// The width of `text` in columns at `scale`, or nil when the font cannot draw it.
    public static func width(_ text: String, scale: Scale) -> Int? {
        bitmap(text).map { ($0.first?.count ?? 0) * scale.columns }
    }

    /// `text` in block letters at `scale`, `scale.rows` lines, or nil when the font cannot draw it.
    public static func rows(_ text: String, scale: Scale) -> [String]? {
        guard let bitmap = bitmap(text) else { return nil }
        let pixelWidth = bitmap.first?.count ?? 0
        // Each pixel row repeated `halfRows` times, then paired into cells (a last odd half-row
        // pairs with blank).
        let halves = bitmap.flatMap { Array(repeating: $0, count: scale.halfRows) }
        return (0..<scale.rows).map { row in
            let top = halves[2 * row]
            let bottom = 2 * row + 1 < halves.count ? halves[2 * row + 1] : Array(repeating: false, count: pixelWidth)
            let cells = zip(top, bottom).map { pair -> String in
                switch pair {
                case (true, true): return "█"
                case (true, false): return "▀"
                case (false, true): return "▄"
                case (false, false): return " "
                }
            }
            return cells.map { String(repeating: $0, count: scale.columns) }.joined()
        }
    }

    /// Word-wraps `text` into lines no wider than `width` columns at `scale`; nil when a word
    /// alone is wider or the font cannot draw the text.
    public static func wrap(_ text: String, width: Int, scale: Scale) -> [String]? {
        var lines: [String] = []
        for word in text.split(separator: " ").map(String.init) {
            if let last = lines.last, let joined = Self.width(last + " " + word, scale: scale), joined <= width {
                lines[lines.count - 1] = last + " " + word
                continue
            }
            guard let alone = Self.width(word, scale: scale), alone <= width else { return nil }
            lines.append(word)
        }
        return lines
    }
}
