/// A trainee's progress on one protocol, for a page people would rather look at than read
/// (`touchtime report`): the rating over time, each segment's signed error practice by practice,
/// the days practised, and a line an instructor can sign off. Pure: built from history entries,
/// drawn by `ProgressPage`.
public struct ProgressReport: Sendable, Equatable {
    /// One practice, as the page draws it.
    public struct Practice: Sendable, Equatable {
        /// ISO 8601 UTC, as recorded.
        public var start: String
        public var rating: Int
        public var mape: Double
        /// Signed error % by segment key (+ held too long, - rushed).
        public var errors: [String: Double]
        /// How much it helped (`practice --support`); lines from before it was recorded had prompts.
        public var support: PracticeSupport = .prompts
    }

    /// A segment's row in the heatmap: its key and its title, in the protocol's order.
    public struct Row: Sendable, Equatable {
        public var key: String
        public var title: String
        public var position: Int
    }

    public var protocolID: String
    /// Every practice there was (only the last `kept` are drawn).
    public var total: Int
    /// Each day practised (`YYYY-MM-DD`, UTC) and how many practices it had.
    public var days: [String: Int]
    /// Stroke drills: how many, and the last one's distance from the cadence (%).
    public var drills = 0
    public var lastDrillError: Double?

    /// The last `kept` practices as recorded, oldest first: what is drawn is worked out from
    /// these when asked, never for each of a long history's practices.
    private var recent: [(start: String, support: PracticeSupport, summary: HistoryEntry.PracticeSummary)] = []

    /// The practices drawn at most (a page of a thousand columns says nothing more).
    public static let kept = 60

    public init(protocolID: String) {
        self.protocolID = protocolID
        total = 0
        days = [:]
    }

    /// The last `kept` practices, oldest first, each with its segments' signed errors.
    public var practices: [Practice] {
        recent.map { practice in
            var errors: [String: [Double]] = [:]
            for segment in practice.summary.segments where segment.planned > .zero {
                errors[segment.key, default: []].append((segment.actual - segment.planned) / segment.planned * 100)
            }
            return Practice(start: practice.start, rating: practice.summary.rating, mape: practice.summary.mape,
                            errors: errors.mapValues { $0.reduce(0, +) / Double($0.count) }, support: practice.support)
        }
    }

    /// The segments those practices reached, in the protocol's order, each titled as last recorded.
    public var rows: [Row] {
        var rows: [Row] = []
        var known: [String: Int] = [:]
        for practice in recent {
            for segment in practice.summary.segments where segment.planned > .zero {
                let row = Row(key: segment.key, title: segment.identity?.title ?? "segment \(segment.position + 1)",
                              position: segment.identity?.index ?? segment.position)
                if let index = known[row.key] {
                    rows[index] = row
                } else {
                    known[row.key] = rows.count
                    rows.append(row)
                }
            }
        }
        return rows.sorted { $0.position < $1.position }
    }

    /// Takes the history's entries one at a time, in file order; only this protocol's count.
    public mutating func add(_ entry: HistoryEntry) {
        guard entry.protocolID == protocolID else { return }
        if entry.mode == .strokes, let strokes = entry.strokes {
            drills += 1
            lastDrillError = HistoryEntry.cadenceError(strokes) ?? lastDrillError
            return
        }
        guard entry.mode == .practice, let practice = entry.practice else { return }
        total += 1
        days[String(entry.start.prefix(10)), default: 0] += 1
        recent.append((entry.start, entry.support ?? .prompts, practice))
        if recent.count > Self.kept { recent.removeFirst() }
    }

    // MARK: Saved (`HistorySummary`)

    func write(to writer: inout SummaryWriter) {
        writer.int(total)
        writer.int(days.count)
        for (day, count) in days.sorted(by: { $0.key < $1.key }) {
            writer.string(day)
            writer.int(count)
        }
        writer.int(drills)
        writer.bool(lastDrillError != nil)
        if let lastDrillError { writer.double(lastDrillError) }
        writer.int(recent.count)
        for practice in recent {
            writer.string(practice.start)
            writer.string(practice.support.rawValue)
            writer.practice(practice.summary)
        }
    }

    init(reading reader: inout SummaryReader, protocolID: String) throws(SummaryReader.Invalid) {
        self.init(protocolID: protocolID)
        total = try reader.count(upTo: Int(Int32.max))
        for _ in 0..<(try reader.count(upTo: 10_000_000)) {
            let day = try reader.string()
            guard days[day] == nil else { throw SummaryReader.Invalid() }
            days[day] = try reader.int(in: 1...Int(Int32.max))
        }
        drills = try reader.count(upTo: Int(Int32.max))
        if try reader.bool() { lastDrillError = try reader.double(in: 0...Double.greatestFiniteMagnitude) }
        for _ in 0..<(try reader.count(upTo: Self.kept)) {
            let start = try reader.string()
            guard let support = PracticeSupport(rawValue: try reader.string()) else { throw SummaryReader.Invalid() }
            recent.append((start, support, try reader.practice()))
        }
    }

    public static func == (lhs: ProgressReport, rhs: ProgressReport) -> Bool {
        lhs.protocolID == rhs.protocolID && lhs.total == rhs.total && lhs.days == rhs.days && lhs.drills == rhs.drills
            && lhs.lastDrillError == rhs.lastDrillError && lhs.practices == rhs.practices && lhs.rows == rhs.rows
    }

    /// What an instructor can sign off: the tightest band the newest practices have kept, for how
    /// many in a row, and with how little support ("3 blind practices in a row within band B (10 %
    /// mean absolute error), the last on 2026-12-07"); or what there is so far. With less support
    /// the claim is stronger: a run of blind practices in a band is named before a longer run in
    /// it that had prompts.
    public var signOff: String {
        let practices = self.practices
        guard let last = practices.last else { return "No practices of \(protocolID) yet." }
        for grade in PracticeStats.Grade.allCases {
            guard let limit = grade.limit else { continue }
            for support in PracticeSupport.allCases.reversed() {
                let run = practices.reversed().prefix { $0.mape <= limit && $0.support >= support }.count
                guard run >= 3 else { continue }
                let counted = support == .blind ? "\(run) blind practices" : "\(run) practices"
                let help = support == .chimes ? " without prompts" : ""
                return "\(counted) in a row\(help) within band \(grade.rawValue) (\(Int(limit)) % mean absolute error), "
                    + "the last on \(last.start.prefix(10))."
            }
        }
        return "Not yet 3 practices in a row within a band: the last scored \(last.rating)/100 "
            + "(\(PracticeStats.Grade(percent: last.mape).rawValue)) on \(last.start.prefix(10))."
    }
}
