extension String {
    /// The text with every control character, escape sequence introducer and bidi override
    /// removed, so that text from a protocol file can never steer the terminal.
    /// Tabs and newlines become spaces; `ESC [2J` shows as the harmless text `[2J`.
    public var terminalSafe: String {
        var scalars = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D:
                scalars.append(" ")
            case 0x00...0x1F, 0x7F...0x9F:
                continue  // C0 and C1 controls, ESC and CSI among them
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
                continue  // bidirectional overrides could reorder what follows on the line
            default:
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
