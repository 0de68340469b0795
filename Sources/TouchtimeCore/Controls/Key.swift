/// A key as a terminal or a foot pedal sends it: a character, or a named key.
///
/// Letters are kept in lower case (a pedal that types `B` with Caps Lock on is still `b`).
/// Names are the configuration file's: `Space`, `Enter`, `PageUp`, `PageDown`, `Left`, `Right`,
/// `Up`, `Down`, `F1` to `F20`, and `BTN_0` to `BTN_9` for the buttons of pedals that are not
/// keyboards (seen only through Linux input events).
public enum Key: Sendable, Hashable, CustomStringConvertible {
    case character(Character)
    case space, enter, pageUp, pageDown, left, right, up, down
    /// F1 to F20.
    case function(Int)
    /// A pedal's button, BTN_0 to BTN_9.
    case button(Int)
    /// Any other key or sequence: it acts on nothing but closing the summary.
    case other

    /// A character key; letters in lower case.
    public static func char(_ character: Character) -> Key {
        .character(Character(character.lowercased()))
    }

    static let names: [(String, Key)] = [
        ("Space", .space), ("Enter", .enter), ("PageUp", .pageUp), ("PageDown", .pageDown),
        ("Left", .left), ("Right", .right), ("Up", .up), ("Down", .down),
    ]

    /// Every name the configuration accepts, for messages and did-you-mean suggestions.
    public static var allNames: [String] {
        names.map(\.0) + (1...20).map { "F\($0)" } + (0...9).map { "BTN_\($0)" }
    }

    /// The key a configuration names: one printable character, or a name (`Space`, `F13`, `BTN_0`).
    public init?(name: String) {
        if name.count == 1, let character = name.first, let ascii = character.asciiValue, (0x21...0x7E).contains(ascii) {
            self = .char(character)
            return
        }
        if let named = Self.names.first(where: { $0.0 == name }) {
            self = named.1
        } else if name.hasPrefix("F"), let number = Int(name.dropFirst()), (1...20).contains(number), name == "F\(number)" {
            self = .function(number)
        } else if name.hasPrefix("BTN_"), let number = Int(name.dropFirst(4)), (0...9).contains(number), name == "BTN_\(number)" {
            self = .button(number)
        } else {
            return nil
        }
    }

    /// The configuration's name for the key.
    public var description: String {
        switch self {
        case .character(let character): return String(character)
        case .function(let number): return "F\(number)"
        case .button(let number): return "BTN_\(number)"
        case .other: return "other"
        default: return Self.names.first { $0.1 == self }?.0 ?? "other"
        }
    }

    /// How the key help shows it: short, and as it is printed on a keyboard.
    public var label: String {
        switch self {
        case .space: return "space"
        case .enter: return "Enter"
        case .left: return "←"
        case .right: return "→"
        case .up: return "↑"
        case .down: return "↓"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        default: return description
        }
    }
}

/// Turns the bytes a terminal sends into keys. Arrows arrive as `ESC [ C` / `ESC O C`, Page Up
/// and Down as `ESC [ 5 ~` / `ESC [ 6 ~`, function keys as `ESC O P` to `ESC O S` (F1 to F4),
/// `ESC [ 15 ~` to `ESC [ 34 ~` (F5 to F20, the VT220 numbering that the Linux console, rxvt and
/// dictation pedals in keyboard mode use) or, in xterm, shifted: `ESC [ 1 ; 2 P` is F13 and
/// `ESC [ 15 ; 2 ~` F17. Any other sequence is one `other` key, never a run of letters.
///
/// A state machine in the manner of DEC's terminal parser: each byte is looked at once, whatever
/// arrived before, and a sequence split across two reads is completed by the next. A sequence's
/// parameters are kept up to `longestParameters` bytes; a longer one (a paste, a hostile pipe) is
/// swallowed to its final byte without being kept, so an unfinished `ESC [` followed by megabytes
/// costs neither memory nor time. A sequence left unfinished when input pauses is ended by
/// `flush()` (the reader calls it after `pause` without a byte): a lone ESC is the Escape key.
public struct KeyDecoder: Sendable, Equatable {
    private enum State: Sendable, Equatable {
        case ground
        /// After ESC.
        case escape
        /// After ESC O.
        case singleShift
        /// After ESC [: the parameter and intermediate bytes so far; `overlong` once past the limit.
        case control(parameters: [UInt8], overlong: Bool)
        /// After ESC [ [ (the Linux console's F1 to F5).
        case linuxFunction
    }

    private var state = State.ground

    /// The most parameter bytes a sequence keeps (real keys send at most 7: `ESC [ 15 ; 2 ~`).
    public static let longestParameters = 16
    /// How long input may pause inside a sequence before it is taken as ended.
    public static let pause: Duration = .milliseconds(100)

    public init() {}

    /// Whether a sequence has begun and not ended: the reader then waits at most `pause` for more.
    public var isPending: Bool { state != .ground }

    /// The keys in `bytes`, read after everything given before.
    public mutating func decode(_ bytes: [UInt8]) -> [Key] {
        var keys: [Key] = []
        for byte in bytes { step(byte, into: &keys) }
        return keys
    }

    /// Ends a sequence left unfinished: a lone ESC is the Escape key (`other`), a partial sequence `other`.
    public mutating func flush() -> [Key] {
        defer { state = .ground }
        return state == .ground ? [] : [.other]
    }

    private mutating func step(_ byte: UInt8, into keys: inout [Key]) {
        switch state {
        case .ground:
            if byte == 0x1B { state = .escape } else { keys.append(Self.key(for: byte)) }
        case .escape:
            switch byte {
            case UInt8(ascii: "["): state = .control(parameters: [], overlong: false)
            case UInt8(ascii: "O"): state = .singleShift
            case 0x1B: break  // ESC ESC: the first was Escape alone; wait for what follows the second
            default:
                // ESC then a key: Alt+key, or Escape pressed before it; the key stands.
                state = .ground
                keys.append(Self.key(for: byte))
            }
        case .singleShift:
            state = .ground
            keys.append(Self.final(byte, parameters: []))
        case .linuxFunction:
            state = .ground
            keys.append((0x41...0x45).contains(byte) ? .function(Int(byte) - 0x40) : .other)
        case .control(var parameters, var overlong):
            switch byte {
            case UInt8(ascii: "[") where parameters.isEmpty && !overlong:
                state = .linuxFunction
            case 0x20...0x3F:
                if parameters.count < Self.longestParameters { parameters.append(byte) } else { overlong = true }
                state = .control(parameters: parameters, overlong: overlong)
            case 0x40...0x7E:
                state = .ground
                keys.append(overlong ? .other : Self.final(byte, parameters: Self.numbers(parameters)))
            case 0x1B:
                // A new sequence abandons this one.
                keys.append(.other)
                state = .escape
            case 0x18, 0x1A:
                // CAN and SUB cancel a sequence.
                state = .ground
            default:
                // A control or a byte past ASCII ends it: one unknown key.
                state = .ground
                keys.append(.other)
            }
        }
    }

    /// `1;2` as numbers (`nil` for a part that is not one).
    private static func numbers(_ parameters: [UInt8]) -> [Int?] {
        String(decoding: parameters, as: UTF8.self).split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
    }

    /// The key of a sequence's final byte and its parameters (`nil` for one that is not a number).
    private static func final(_ final: UInt8, parameters: [Int?]) -> Key {
        let shifted = parameters.count >= 2 && parameters[1] == 2
        switch final {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return .right
        case UInt8(ascii: "D"): return .left
        case UInt8(ascii: "P"), UInt8(ascii: "Q"), UInt8(ascii: "R"), UInt8(ascii: "S"):
            // F1 to F4; shifted (xterm), F13 to F16.
            return .function(Int(final - UInt8(ascii: "P")) + (shifted ? 13 : 1))
        case UInt8(ascii: "~"):
            guard let code = parameters.first ?? nil else { return .other }
            switch code {
            case 5: return .pageUp
            case 6: return .pageDown
            default:
                guard let number = tildeFunctionKeys[code] else { return .other }
                // xterm's shifted F5 to F8 are F17 to F20.
                return shifted && (5...8).contains(number) ? .function(number + 12) : .function(number)
            }
        default:
            return .other
        }
    }

    /// `ESC [ n ~` codes of the function keys (VT220).
    private static let tildeFunctionKeys: [Int: Int] = [
        11: 1, 12: 2, 13: 3, 14: 4, 15: 5, 17: 6, 18: 7, 19: 8, 20: 9, 21: 10, 23: 11, 24: 12,
        25: 13, 26: 14, 28: 15, 29: 16, 31: 17, 32: 18, 33: 19, 34: 20,
    ]

    static func key(for byte: UInt8) -> Key {
        switch byte {
        case UInt8(ascii: " "): return .space
        case UInt8(ascii: "\r"), UInt8(ascii: "\n"): return .enter
        case 0x21...0x7E: return .char(Character(Unicode.Scalar(byte)))
        default: return .other
        }
    }
}
