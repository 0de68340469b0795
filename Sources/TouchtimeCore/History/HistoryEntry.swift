/// One session in the history: what ran, when, how long, and how it ended. One JSON line each.
public struct HistoryEntry: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        case completed
        /// Ended by the user (`q`).
        case quit
        /// Ended by a signal (SIGINT, SIGTERM, SIGHUP).
        case aborted
    }

    public var protocolID: String
    /// Identifies the protocol's content, so edits to a file of the same id are told apart.
    public var protocolHash: String
    public var mode: String
    public var start: String
    public var end: String
    public var planned: Double
    public var actual: Double
    public var outcome: Outcome
    public var pauses: Int
    public var skips: Int
    public var extensions: Int
    /// Practice only: mean absolute percentage error, the 0-100 rating, and each segment's
    /// planned and actual seconds (written for the record; `missed` when it ran out).
    public var practice: PracticeSummary?

    public struct PracticeSummary: Sendable, Equatable {
        public var mape: Double
        public var rating: Int
        public var segments: [(planned: Double, actual: Double, missed: Bool)]

        public init(mape: Double, rating: Int, segments: [(planned: Double, actual: Double, missed: Bool)]) {
            self.mape = mape
            self.rating = rating
            self.segments = segments
        }

        public static func == (lhs: PracticeSummary, rhs: PracticeSummary) -> Bool {
            lhs.mape == rhs.mape && lhs.rating == rhs.rating
        }
    }

    public init(protocolID: String, protocolHash: String, mode: String, start: String, end: String, planned: Double,
                actual: Double, outcome: Outcome, pauses: Int, skips: Int, extensions: Int) {
        self.protocolID = protocolID
        self.protocolHash = protocolHash
        self.mode = mode
        self.start = start
        self.end = end
        self.planned = planned
        self.actual = actual
        self.outcome = outcome
        self.pauses = pauses
        self.skips = skips
        self.extensions = extensions
    }

    /// A content hash of a timeline: FNV-1a (64-bit) of its JSON form, in hex.
    public static func hash(of timeline: Timeline) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in TimelineReport.json(timeline).utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public var jsonLine: String {
        let fields: [(String, String)] = [
            ("protocol", JSONText.string(protocolID)), ("hash", JSONText.string(protocolHash)),
            ("mode", JSONText.string(mode)), ("start", JSONText.string(start)), ("end", JSONText.string(end)),
            ("planned", TimeText.seconds(.milliseconds(Int64((planned * 1000).rounded())), decimals: 3)),
            ("actual", TimeText.seconds(.milliseconds(Int64((actual * 1000).rounded())), decimals: 3)),
            ("outcome", JSONText.string(outcome.rawValue)),
            ("pauses", "\(pauses)"), ("skips", "\(skips)"), ("extensions", "\(extensions)"),
        ] + (practice.map { practice in
            let segments = practice.segments.map {
                "{\"planned\":\(JSONText.number($0.planned)),\"actual\":\(TimeText.seconds(.milliseconds(Int64(($0.actual * 1000).rounded())), decimals: 3)),\"missed\":\($0.missed)}"
            }
            return [("mape", TimeText.seconds(.milliseconds(Int64((practice.mape * 1000).rounded())), decimals: 3)),
                    ("rating", "\(practice.rating)"), ("segments", "[" + segments.joined(separator: ",") + "]")]
        } ?? [])
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// Parses one history line; the error says why a line cannot be read.
    public static func parse(_ line: String) throws(HistoryLineError) -> HistoryEntry {
        let node: JSONNode
        do {
            node = try JSONParser.parse(Array(line.utf8))
        } catch {
            throw HistoryLineError(reason: "not JSON: \(error.message)")
        }
        guard case .object(let members) = node.value else { throw HistoryLineError(reason: "not a JSON object") }
        var values: [String: JSONNode.Value] = [:]
        for member in members { values[member.key] = member.value.value }
        func string(_ key: String) throws(HistoryLineError) -> String {
            guard case .string(let value)? = values[key] else { throw HistoryLineError(reason: "missing \"\(key)\"") }
            return value
        }
        func number(_ key: String) throws(HistoryLineError) -> Double {
            guard case .number(let text)? = values[key], let value = Double(text), value.isFinite else {
                throw HistoryLineError(reason: "missing \"\(key)\"")
            }
            return value
        }
        func count(_ key: String) throws(HistoryLineError) -> Int {
            let value = try number(key)
            guard value >= 0, value < 1e9, value == value.rounded() else { throw HistoryLineError(reason: "bad \"\(key)\"") }
            return Int(value)
        }
        guard let outcome = Outcome(rawValue: try string("outcome")) else { throw HistoryLineError(reason: "unknown \"outcome\"") }
        var practice: PracticeSummary?
        if values["mape"] != nil {
            var segments: [(planned: Double, actual: Double, missed: Bool)] = []
            if case .array(let items)? = values["segments"] {
                for item in items {
                    guard case .object(let fields) = item.value else { throw HistoryLineError(reason: "bad \"segments\"") }
                    var planned: Double?, actual: Double?, missed = false
                    for field in fields {
                        switch (field.key, field.value.value) {
                        case ("planned", .number(let text)): planned = Double(text)
                        case ("actual", .number(let text)): actual = Double(text)
                        case ("missed", .bool(let value)): missed = value
                        default: break
                        }
                    }
                    guard let planned, let actual, planned.isFinite, actual.isFinite, planned > 0 else {
                        throw HistoryLineError(reason: "bad \"segments\"")
                    }
                    segments.append((planned, actual, missed))
                }
            }
            practice = PracticeSummary(mape: try number("mape"), rating: try count("rating"), segments: segments)
        }
        var entry = HistoryEntry(protocolID: try string("protocol"), protocolHash: try string("hash"), mode: try string("mode"),
                            start: try string("start"), end: try string("end"), planned: try number("planned"),
                            actual: try number("actual"), outcome: outcome, pauses: try count("pauses"),
                            skips: try count("skips"), extensions: try count("extensions"))
        entry.practice = practice
        return entry
    }
}

public struct HistoryLineError: Error, Sendable, Equatable {
    public var reason: String
}
