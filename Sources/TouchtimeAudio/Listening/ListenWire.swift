/// How a session and its listening helper (`touchtime _listen`) talk: one line a message.
///
/// The helper writes `ready` once the spotter is loaded and the capture device open (or `error
/// REASON` and exits), then `heard SCORE PHRASE` for each command heard, and `lost REASON` if the
/// device goes away. The session writes `quiet MILLISECONDS` as touchtime sounds: nothing heard
/// for that long is searched. The end of the helper's standard input ends it.
public enum ListenWire {
    public enum Message: Sendable, Equatable {
        case ready
        case heard(phrase: String, score: Int)
        case lost(String)
        case error(String)
    }

    public static func line(_ message: Message) -> String {
        switch message {
        case .ready: return "ready\n"
        case .heard(let phrase, let score): return "heard \(score) \(phrase)\n"
        case .lost(let reason): return "lost \(oneLine(reason))\n"
        case .error(let reason): return "error \(oneLine(reason))\n"
        }
    }

    public static func message(_ line: String) -> Message? {
        let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        let rest = parts.count > 1 ? String(parts[1]) : ""
        switch parts.first {
        case "ready": return .ready
        case "lost": return .lost(rest)
        case "error": return .error(rest)
        case "heard":
            let fields = rest.split(separator: " ", maxSplits: 1)
            guard fields.count == 2, let score = Int(fields[0]) else { return nil }
            return .heard(phrase: String(fields[1]), score: score)
        default: return nil
        }
    }

    public static func quiet(_ length: Duration) -> String {
        "quiet \(max(0, length.components.seconds * 1000 + length.components.attoseconds / 1_000_000_000_000_000))\n"
    }

    /// The milliseconds of a `quiet` line, or nil for another line.
    public static func quietMilliseconds(_ line: String) -> Int64? {
        guard line.hasPrefix("quiet "), let value = Int64(line.dropFirst(6)), value >= 0, value <= 3_600_000 else { return nil }
        return value
    }

    private static func oneLine(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }

    /// Splits bytes as they arrive into lines (at most 4 KiB each: a longer one is cut).
    public struct Lines: Sendable {
        private var pending: [UInt8] = []

        public init() {}

        public mutating func append(_ bytes: [UInt8]) -> [String] {
            var lines: [String] = []
            for byte in bytes {
                if byte == 0x0A {
                    lines.append(String(decoding: pending, as: UTF8.self))
                    pending.removeAll(keepingCapacity: true)
                } else if pending.count < 4096 {
                    pending.append(byte)
                }
            }
            return lines
        }
    }
}
