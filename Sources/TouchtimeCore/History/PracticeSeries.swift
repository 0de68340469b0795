/// One protocol's practices as a dated series for a spreadsheet (`touchtime stats --series`):
/// a row per practice, drill of one segment and stroke drill, oldest first, with its rating, its
/// score and each segment's signed error, so weeks of progress can be charted elsewhere.
///
/// Read in two passes over the history, so that memory does not grow with it: `collect` finds
/// the segments (the columns), then `row` writes each entry as it comes.
public struct PracticeSeries: Sendable {
    /// A segment's column: matched by its key, named by its title as last recorded.
    public struct Column: Sendable, Equatable {
        public var key: String
        public var title: String
        public var position: Int
    }

    public let protocolID: String
    /// The segments met, in the protocol's order.
    public private(set) var columns: [Column] = []
    private var known: [String: Int] = [:]
    /// How many rows the series has.
    public private(set) var count = 0

    public init(protocolID: String) {
        self.protocolID = protocolID
    }

    /// The first pass: each segment the protocol's practices recorded becomes a column.
    public mutating func collect(_ entry: HistoryEntry) {
        guard entry.protocolID == protocolID else { return }
        if entry.mode == .strokes, entry.strokes != nil { count += 1 }
        guard entry.mode == .practice, let practice = entry.practice else { return }
        count += 1
        for segment in practice.segments {
            let title = segment.identity?.title ?? "segment \(segment.position + 1)"
            if let index = known[segment.key] {
                columns[index].title = title
                continue
            }
            known[segment.key] = columns.count
            columns.append(Column(key: segment.key, title: title, position: segment.identity?.index ?? segment.position))
        }
    }

    /// The columns in the protocol's order (call after `collect`, before `row`).
    public mutating func ordered() {
        columns.sort { $0.position < $1.position }
        known = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1.key, $0) })
    }

    public var header: String {
        (["start", "day", "kind", "focus", "support", "rating", "grade", "mape_percent", "cadence_error_percent"]
            + columns.map { CSV.field("\($0.title.terminalSafe) bias %") }).joined(separator: ",")
    }

    /// The second pass: the entry's row, or nil when it is no practice of this protocol.
    public func row(_ entry: HistoryEntry) -> String? {
        guard entry.protocolID == protocolID else { return nil }
        var biases = [String](repeating: "", count: columns.count)
        let kind: String
        var score: (rating: Int, mape: Double)?
        var cadence: Double?
        if entry.mode == .strokes, let strokes = entry.strokes {
            kind = "strokes"
            cadence = HistoryEntry.cadenceError(strokes)
        } else if entry.mode == .practice, let practice = entry.practice {
            kind = entry.focus == nil ? "practice" : "drill"
            score = (practice.rating, practice.mape)
            var signed: [Int: [Double]] = [:]
            for segment in practice.segments where segment.planned > .zero {
                guard let column = known[segment.key] else { continue }
                signed[column, default: []].append((segment.actual - segment.planned) / segment.planned * 100)
            }
            for (column, values) in signed { biases[column] = Self.number(values.reduce(0, +) / Double(values.count)) }
        } else {
            return nil
        }
        // A drill is rated on its distance from the cadence, as a practice on its score.
        let error: Double? = score?.mape ?? cadence
        let rating: String = score.map { String($0.rating) } ?? error.map { String(PracticeScore.rating($0)) } ?? ""
        let grade: String = error.map { PracticeStats.Grade(percent: $0).rawValue } ?? ""
        let support: String = entry.mode == .practice ? (entry.support ?? .prompts).rawValue : ""
        var fields: [String] = [CSV.field(entry.start.terminalSafe), CSV.field(String(entry.start.prefix(10)).terminalSafe), kind]
        fields.append(CSV.field(entry.focus?.title.terminalSafe ?? ""))
        fields += [support, rating, grade, score.map { Self.number($0.mape) } ?? "", cadence.map(Self.number) ?? ""]
        return (fields + biases).joined(separator: ",")
    }

    /// Two decimals, the sign only when it survives the rounding.
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return JSONText.number(rounded == 0 ? 0 : rounded)
    }
}

/// Comma-separated values (RFC 4180): a field with a comma, a quote or a line break is quoted,
/// its quotes doubled.
public enum CSV {
    /// Looked at scalar by scalar: a comma or a quote with a combining mark after it is still one.
    public static func field(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        var quoted = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\"" { quoted.append("\"") }
            quoted.append(scalar)
        }
        return "\"" + String(quoted) + "\""
    }
}
