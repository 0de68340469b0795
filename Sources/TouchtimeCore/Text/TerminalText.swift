/// The one sanitiser for text that came from a file (a protocol, the history, a file name):
/// every such text passes it before any output, to a terminal or not.
///
/// What it guards against is one set of scalars, `Unicode.Scalar.isUnsafeToShow`: C0 and C1
/// controls (ESC and CSI among them, which steer a terminal), DEL, and the bidirectional
/// overrides, isolates and marks (which reorder what follows on a line). Two renderings:
/// - `terminalSafe` removes them, for text shown as itself (a cue, a title): `ESC [2J` shows
///   as the harmless text `[2J`; tabs and newlines become spaces.
/// - `escapingUnsafe` writes each as a visible `\u{1B}`, for messages that quote a file's
///   text (a key, a value), so a hidden character is seen rather than lost.
/// JSON output escapes the same set (`JSONText.string`).
extension Unicode.Scalar {
    public var isUnsafeToShow: Bool {
        switch value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }
}

extension String {
    /// The text with every unsafe scalar removed (tabs and newlines become spaces).
    public var terminalSafe: String {
        var scalars = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar == "\t" || scalar == "\n" || scalar == "\r" {
                scalars.append(" ")
            } else if !scalar.isUnsafeToShow {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// The text with every unsafe scalar written as `\u{XX}`, visible and harmless.
    public var escapingUnsafe: String {
        guard unicodeScalars.contains(where: \.isUnsafeToShow) else { return self }
        var result = ""
        for scalar in unicodeScalars {
            if scalar.isUnsafeToShow {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
