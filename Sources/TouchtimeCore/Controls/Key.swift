/// A key (or a foot pedal that types one), as the session understands it.
public enum Key: Sendable, Equatable {
    case space, enter, next, previous, longer, shorter, mute, quit, yes, help, other
}

/// Turns the bytes a terminal sends into keys. Arrows arrive as `ESC [ C` / `ESC [ D` (or
/// `ESC O C`); any other escape sequence (function keys, `ESC [ 1 ; 5 C`) is one `other` key,
/// never a run of letters. A sequence split across two reads is completed by the next.
public struct KeyDecoder: Sendable, Equatable {
    private var pending: [UInt8] = []

    public init() {}

    /// The keys in `bytes`, read after everything given before.
    public mutating func decode(_ bytes: [UInt8]) -> [Key] {
        let input = pending + bytes
        pending = []
        var keys: [Key] = []
        var index = 0
        while index < input.count {
            let byte = input[index]
            guard byte == 0x1B else {
                keys.append(Self.key(for: byte))
                index += 1
                continue
            }
            guard index + 1 < input.count else {
                pending = Array(input[index...])  // ESC alone at the end: maybe a sequence's start
                break
            }
            let introducer = input[index + 1]
            if introducer == UInt8(ascii: "O") {
                guard index + 2 < input.count else { pending = Array(input[index...]); break }
                keys.append(Self.arrow(input[index + 2]))
                index += 3
            } else if introducer == UInt8(ascii: "[") {
                // CSI: parameter and intermediate bytes (0x20-0x3F), then one final byte (0x40-0x7E).
                var end = index + 2
                while end < input.count, (0x20...0x3F).contains(input[end]) { end += 1 }
                guard end < input.count else { pending = Array(input[index...]); break }
                keys.append(end == index + 2 ? Self.arrow(input[end]) : parameterised(input[end]))
                index = end + 1
            } else {
                // ESC then a key: Alt+key, or Escape pressed before it; the key stands.
                index += 1
            }
        }
        return keys
    }

    private func parameterised(_ final: UInt8) -> Key {
        // ESC [ 1 ; 5 C (Ctrl+Right) and the like are still arrows; ESC [ 15 ~ (F5) is not a key of ours.
        final == UInt8(ascii: "C") || final == UInt8(ascii: "D") ? Self.arrow(final) : .other
    }

    private static func arrow(_ final: UInt8) -> Key {
        switch final {
        case UInt8(ascii: "C"): return .next
        case UInt8(ascii: "D"): return .previous
        default: return .other
        }
    }

    static func key(for byte: UInt8) -> Key {
        switch byte {
        case UInt8(ascii: " "): return .space
        case UInt8(ascii: "\r"), UInt8(ascii: "\n"): return .enter
        case UInt8(ascii: "n"), UInt8(ascii: "N"): return .next
        case UInt8(ascii: "p"), UInt8(ascii: "P"): return .previous
        case UInt8(ascii: "+"), UInt8(ascii: "="): return .longer
        case UInt8(ascii: "-"), UInt8(ascii: "_"): return .shorter
        case UInt8(ascii: "m"), UInt8(ascii: "M"): return .mute
        case UInt8(ascii: "q"), UInt8(ascii: "Q"): return .quit
        case UInt8(ascii: "y"), UInt8(ascii: "Y"): return .yes
        case UInt8(ascii: "?"), UInt8(ascii: "h"), UInt8(ascii: "H"): return .help
        default: return .other
        }
    }
}
