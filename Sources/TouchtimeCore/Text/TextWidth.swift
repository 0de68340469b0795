/// How many terminal columns text takes: combining marks take none, East Asian wide and
/// fullwidth characters and most emoji take two. Enough of wcwidth for cues and titles.
public enum TextWidth {
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control:
            return 0
        default:
            break
        }
        if value == 0x200B { return 0 }
        if isWide(value) { return 2 }
        return 1
    }

    static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    public static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    /// The longest prefix of `text` that fits in `width` columns.
    public static func prefix(_ text: String, fitting width: Int) -> String {
        var used = 0
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let w = of(scalar)
            if used + w > width { break }
            used += w
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// `text` if it fits in `width` columns, else its longest prefix that fits with "…" after it.
    public static func truncated(_ text: String, fitting width: Int) -> String {
        guard of(text) > width else { return text }
        guard width > 0 else { return "" }
        return prefix(text, fitting: width - 1) + "…"
    }

    /// Word wrap to `width` columns; a word wider than a line is cut.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ").map(String.init) {
            var word = word
            while of(word) > width {
                if !line.isEmpty { lines.append(line); line = "" }
                let head = prefix(word, fitting: width)
                lines.append(head)
                word = String(word.unicodeScalars.dropFirst(head.unicodeScalars.count))
            }
            if line.isEmpty {
                line = word
            } else if of(line) + 1 + of(word) <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// `text` cut or padded with spaces to exactly `width` columns.
    public static func fit(_ text: String, _ width: Int) -> String {
        let cut = prefix(text, fitting: max(width, 0))
        return cut + String(repeating: " ", count: max(0, width - of(cut)))
    }
}
