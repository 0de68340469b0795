/// Progress over practices of one protocol, from the history: how far off each segment is
/// lately, the trend of the score, the best rating, and practice streaks (consecutive days).
///
/// Segments are matched across practices by their identity (phase, role, step), never by
/// position: a practice that skipped or repeated a segment does not shift the others, and an
/// edited protocol keeps the segments it kept.
public struct PracticeStats: Sendable, Equatable {
    /// One segment's recent error.
    public struct SegmentError: Sendable, Equatable {
        /// What the segment is matched by (see `HistoryEntry.PracticeSegment.key`).
        public var key: String
        /// Its title as last recorded; nil on old lines that named no segment.
        public var title: String?
        /// Its index in the protocol's timeline when last recorded (on old lines, its position in
        /// the practice): the order rows are shown in.
        public var position: Int
        /// Mean absolute error %, over the last `window` practices that reached it.
        public var meanAbsoluteError: Double
        /// How many of those practices reached it.
        public var practices: Int
        /// Mean signed error % over the same practices: positive, held too long; negative, rushed.
        public var bias: Double = 0
        /// The same in seconds (protocol time).
        public var biasSeconds: Double = 0
        /// How much the signed error varies from practice to practice (standard deviation, % points).
        public var spread: Double = 0

        /// Its band, by its mean absolute error.
        public var grade: Grade { Grade(percent: meanAbsoluteError) }
    }

    /// Tolerance bands, as a share of each segment's own length (a 10 s stillness and a 2 min
    /// phase are judged alike): A within 5 %, B 10 %, C 20 %, D 35 %, F beyond.
    public enum Grade: String, Sendable, CaseIterable, Comparable {
        case a = "A", b = "B", c = "C", d = "D", f = "F"

        public init(percent: Double) {
            self = Grade.allCases.first { $0.limit.map { percent <= $0 } ?? true } ?? .f
        }

        /// The band's upper bound in %, nil for F.
        public var limit: Double? {
            switch self {
            case .a: return 5
            case .b: return 10
            case .c: return 20
            case .d: return 35
            case .f: return nil
            }
        }

        public static func < (lhs: Grade, rhs: Grade) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// One practice's point in the progress: its day, rating and score.
    public struct Point: Sendable, Equatable {
        /// `YYYY-MM-DD`, as recorded (UTC).
        public var day: String
        public var rating: Int
        public var mape: Double
        /// How much the practice helped (`practice --support`).
        public var support: PracticeSupport = .prompts
    }

    public var protocolID: String
    public var practices: Int
    /// Mean absolute percentage error of the last `trendLength` practices, oldest first.
    public var trend: [Double]
    public var bestRating: Int
    /// Per segment reached in the last `window` practices, in the order of the newest practice.
    public var segmentErrors: [SegmentError]
    /// Days in a row with a practice, ending today or yesterday (else 0), and the longest run.
    public var currentStreak: Int
    public var longestStreak: Int
    /// The last `trendLength` practices, oldest first, with their days: what the chart draws.
    public var points: [Point] = []
    /// The stroke drill (`practice --strokes`): how many, and how far off the cadence the last
    /// few were (mean |period - target| / target, %), oldest first.
    public var drills = 0
    public var drillErrors: [Double] = []
    /// Drills of one segment (`practice --focus`): their presses count toward the segments'.
    public var focusDrills = 0

    /// The segment furthest off lately (the one to work on), if any is off at all.
    public var weakest: SegmentError? {
        segmentErrors.max { $0.meanAbsoluteError < $1.meanAbsoluteError }
    }

    /// The level: the tightest band the last 3 practices all scored within (their MAPE), nil with
    /// fewer than 3. It rises only when practices are steady in the band, not with one good day.
    public var level: Grade? {
        guard points.count >= 3 else { return nil }
        let worst = points.suffix(3).map(\.mape).max() ?? .infinity
        return Grade(percent: worst)
    }

    /// The most help any of the last 3 practices had: the level holds with that much support.
    public var levelSupport: PracticeSupport? {
        points.count >= 3 ? points.suffix(3).map(\.support).min() : nil
    }

    /// Segment errors average over this many of the latest practices.
    public static let window = 10
    /// The trend shows this many of the latest practices: a sparkline of every practice ever
    /// would be a line of thousands of characters.
    public static let trendLength = 30

    /// Stats per protocol with at least one practice, in order of first appearance.
    /// `today` is `YYYY-MM-DD` (UTC), for the current streak.
    public static func compute(_ entries: [HistoryEntry], today: String) -> [PracticeStats] {
        var accumulator = Accumulator()
        for entry in entries { accumulator.add(entry) }
        return accumulator.stats(today: today)
    }

    /// Takes a history's entries one at a time, in file order, keeping only what the stats need
    /// (the last few practices of each protocol, its days, its best rating): a history of any
    /// length is read in bounded memory.
    public struct Accumulator: Sendable, Equatable {
        private struct PerProtocol: Sendable, Equatable {
            var practices = 0
            var bestRating = 0
            var days: Set<String> = []
            var trend: [Double] = []
            var points: [Point] = []
            var recent: [HistoryEntry.PracticeSummary] = []
            var drills = 0
            var drillErrors: [Double] = []
            var focusDrills = 0
        }

        private var order: [String] = []
        private var protocols: [String: PerProtocol] = [:]

        public init() {}

        public mutating func add(_ entry: HistoryEntry) {
            if entry.mode == .strokes, let strokes = entry.strokes {
                addDrill(entry.protocolID, strokes)
                return
            }
            guard entry.mode == .practice, let practice = entry.practice else { return }
            if protocols[entry.protocolID] == nil { order.append(entry.protocolID) }
            // Changed in place: a copy of the state would copy its set of days, once a practice.
            Self.add(entry, practice, to: &protocols[entry.protocolID, default: PerProtocol()])
        }

        private static func add(_ entry: HistoryEntry, _ practice: HistoryEntry.PracticeSummary, to state: inout PerProtocol) {
            let day = String(entry.start.prefix(10))
            state.days.insert(day)
            state.recent.append(practice)
            if state.recent.count > PracticeStats.window { state.recent.removeFirst() }
            // A drill of one segment: its segments count toward theirs, its score is no whole practice's.
            if entry.focus != nil {
                state.focusDrills += 1
                return
            }
            state.points.append(Point(day: day, rating: practice.rating, mape: practice.mape, support: entry.support ?? .prompts))
            if state.points.count > PracticeStats.trendLength { state.points.removeFirst() }
            state.practices += 1
            state.bestRating = max(state.bestRating, practice.rating)
            state.trend.append(practice.mape)
            if state.trend.count > PracticeStats.trendLength { state.trend.removeFirst() }
        }

        /// A stroke drill: how far its segments' mean periods were from their targets.
        private mutating func addDrill(_ id: String, _ strokes: [HistoryEntry.StrokeSummary]) {
            if protocols[id] == nil { order.append(id) }
            protocols[id, default: PerProtocol()].drills += 1
            if let error = HistoryEntry.cadenceError(strokes) {
                protocols[id, default: PerProtocol()].drillErrors.append(error)
                if protocols[id, default: PerProtocol()].drillErrors.count > PracticeStats.trendLength {
                    protocols[id, default: PerProtocol()].drillErrors.removeFirst()
                }
            }
        }

        // MARK: Saved (`HistorySummary`)

        func write(to writer: inout SummaryWriter) {
            writer.int(order.count)
            for id in order {
                let state = protocols[id] ?? PerProtocol()
                writer.string(id)
                writer.int(state.practices)
                writer.int(state.bestRating)
                writer.int(state.days.count)
                for day in state.days.sorted() { writer.string(day) }
                writer.int(state.trend.count)
                for value in state.trend { writer.double(value) }
                writer.int(state.points.count)
                for point in state.points {
                    writer.string(point.day)
                    writer.int(point.rating)
                    writer.double(point.mape)
                    writer.string(point.support.rawValue)
                }
                writer.int(state.recent.count)
                for practice in state.recent { writer.practice(practice) }
                writer.int(state.drills)
                writer.int(state.drillErrors.count)
                for value in state.drillErrors { writer.double(value) }
                writer.int(state.focusDrills)
            }
        }

        init(reading reader: inout SummaryReader) throws(SummaryReader.Invalid) {
            for _ in 0..<(try reader.count(upTo: 1_000_000)) {
                let id = try reader.string()
                guard protocols[id] == nil else { throw SummaryReader.Invalid() }
                var state = PerProtocol()
                state.practices = try reader.count(upTo: Int(Int32.max))
                state.bestRating = try reader.int(in: 0...100)
                for _ in 0..<(try reader.count(upTo: 10_000_000)) { state.days.insert(try reader.string()) }
                for _ in 0..<(try reader.count(upTo: PracticeStats.trendLength)) { state.trend.append(try reader.double(in: 0...1_000_000)) }
                for _ in 0..<(try reader.count(upTo: PracticeStats.trendLength)) {
                    let point = Point(day: try reader.string(), rating: try reader.int(in: 0...100), mape: try reader.double(in: 0...1_000_000))
                    guard let support = PracticeSupport(rawValue: try reader.string()) else { throw SummaryReader.Invalid() }
                    state.points.append(Point(day: point.day, rating: point.rating, mape: point.mape, support: support))
                }
                for _ in 0..<(try reader.count(upTo: PracticeStats.window)) { state.recent.append(try reader.practice()) }
                state.drills = try reader.count(upTo: Int(Int32.max))
                for _ in 0..<(try reader.count(upTo: PracticeStats.trendLength)) { state.drillErrors.append(try reader.double(in: 0...Double.greatestFiniteMagnitude)) }
                state.focusDrills = try reader.count(upTo: Int(Int32.max))
                order.append(id)
                protocols[id] = state
            }
        }

        public func stats(today: String) -> [PracticeStats] {
            order.compactMap { id in
                guard let state = protocols[id] else { return nil }
                let (current, longest) = PracticeStats.streaks(days: state.days, today: today)
                var stats = PracticeStats(protocolID: id, practices: state.practices, trend: state.trend, bestRating: state.bestRating,
                                          segmentErrors: PracticeStats.segmentErrors(state.recent[...]),
                                          currentStreak: current, longestStreak: longest)
                stats.points = state.points
                stats.drills = state.drills
                stats.drillErrors = state.drillErrors
                stats.focusDrills = state.focusDrills
                return stats
            }
        }
    }

    /// Each segment's mean absolute error over the practices that reached it, newest order first.
    static func segmentErrors(_ recent: ArraySlice<HistoryEntry.PracticeSummary>) -> [SegmentError] {
        var rows: [String: SegmentError] = [:]
        var errors: [String: [Double]] = [:]
        var signed: [String: [(percent: Double, seconds: Double)]] = [:]
        var order: [String] = []
        for summary in recent.reversed() {
            // A segment repeated within one practice counts once there: its mean.
            var inThis: [String: [Double]] = [:]
            var signedInThis: [String: [(percent: Double, seconds: Double)]] = [:]
            for segment in summary.segments where segment.planned > .zero {
                let difference = segment.actual - segment.planned
                signedInThis[segment.key, default: []].append((difference / segment.planned * 100, difference.seconds))
                let error = abs((segment.actual - segment.planned) / segment.planned) * 100
                if inThis[segment.key] == nil, rows[segment.key] == nil {
                    order.append(segment.key)
                    rows[segment.key] = SegmentError(key: segment.key, title: segment.identity?.title,
                                                     position: segment.identity?.index ?? segment.position,
                                                     meanAbsoluteError: 0, practices: 0)
                }
                inThis[segment.key, default: []].append(error)
            }
            for (key, values) in inThis {
                errors[key, default: []].append(values.reduce(0, +) / Double(values.count))
            }
            for (key, values) in signedInThis {
                let count = Double(values.count)
                signed[key, default: []].append((values.map(\.percent).reduce(0, +) / count, values.map(\.seconds).reduce(0, +) / count))
            }
        }
        return order.compactMap { key in
            guard var row = rows[key], let values = errors[key], !values.isEmpty else { return nil }
            row.meanAbsoluteError = values.reduce(0, +) / Double(values.count)
            row.practices = values.count
            let bySign = signed[key] ?? []
            if !bySign.isEmpty {
                let count = Double(bySign.count)
                row.bias = bySign.map(\.percent).reduce(0, +) / count
                row.biasSeconds = bySign.map(\.seconds).reduce(0, +) / count
                let variance = bySign.map { ($0.percent - row.bias) * ($0.percent - row.bias) }.reduce(0, +) / count
                row.spread = variance.squareRoot()
            }
            return row
        }.sorted { $0.position < $1.position }
    }

    /// Runs of consecutive days among `days` (`YYYY-MM-DD`).
    static func streaks(days: Set<String>, today: String) -> (current: Int, longest: Int) {
        let numbers = Set(days.compactMap(dayNumber))
        var longest = 0
        for day in numbers where !numbers.contains(day - 1) {
            var length = 1
            while numbers.contains(day + length) { length += 1 }
            longest = max(longest, length)
        }
        var current = 0
        if let today = dayNumber(today) {
            var day = numbers.contains(today) ? today : today - 1
            while numbers.contains(day) {
                current += 1
                day -= 1
            }
        }
        return (current, longest)
    }

    /// Days since 1970-01-01 for `YYYY-MM-DD`.
    static func dayNumber(_ text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        // Days from civil (Howard Hinnant).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// What to change about a segment, in words: "you hold Stillness 35 % too long (+3.5 s)",
    /// "you rush Lift: Temples by 0.8 s (12 % short)", "uneven: ±18 % from one practice to the next",
    /// "on time (within 5 %)".
    public static func advice(_ row: SegmentError, title: String) -> String {
        func number(_ value: Double) -> String {
            TimeText.seconds(.milliseconds(Int64((abs(value) * 1000).rounded())), decimals: 1)
        }
        if abs(row.bias) <= 5, row.spread <= 10 { return "\(title): on time (within 5 %)" }
        if abs(row.bias) < row.spread / 2 {
            return "\(title): uneven, long one time and short the next (±\(number(row.spread)) %)"
        }
        let steadiness = row.spread > 10 ? ", unevenly (±\(number(row.spread)) %)" : ""
        if row.bias > 0 { return "you hold \(title) \(number(row.bias)) % too long (+\(number(row.biasSeconds)) s)\(steadiness)" }
        return "you rush \(title) by \(number(row.biasSeconds)) s (\(number(row.bias)) % short)\(steadiness)"
    }

    /// The rating over the practices as a dated chart: a row every 10 points, from 100 down to
    /// the lowest ten the ratings reach (50 at the highest, so a chart of good days still shows
    /// where half is), one column a practice (the last that fit in `width`), the first and the last
    /// day under it:
    ///
    ///     100 │
    ///      90 │            ●
    ///      80 │      ● ● ●
    ///      70 │  ● ●
    ///      60 │●
    ///      50 │
    ///         └────────────
    ///          11-20  11-27
    public static func chart(_ points: [Point], width: Int) -> [String] {
        let shown = Array(points.suffix(max(1, (width - 7) / 2)))
        guard !shown.isEmpty else { return [] }
        let ratings = shown.map { min(max($0.rating, 0), 100) }
        let low = min(50, (ratings.min() ?? 0) / 10 * 10)
        var lines: [String] = []
        for value in stride(from: 100, through: low, by: -10) {
            let cells = ratings.map { rating -> String in
                let row = Int((Double(rating) / 10).rounded()) * 10
                return row == value ? "● " : "  "
            }
            let label = value % 20 == 0 || value == low ? String(repeating: " ", count: 3 - "\(value)".count) + "\(value)" : "   "
            lines.append(" \(label) │" + cells.joined())
        }
        let first = String(shown[0].day.dropFirst(5))
        let last = String(shown[shown.count - 1].day.dropFirst(5))
        let axis = shown.count > 1 ? max(shown.count * 2, first.count + last.count + 2) : max(2, first.count)
        lines.append("     └" + String(repeating: "─", count: axis))
        lines.append("      " + first + (shown.count > 1 ? String(repeating: " ", count: axis - first.count - last.count) + last : ""))
        return lines
    }

    /// A terminal sparkline of the values, low to high: ▁▂▃▄▅▆▇█.
    public static func sparkline(_ values: [Double]) -> String {
        let bars = Array("▁▂▃▄▅▆▇█")
        guard let low = values.min(), let high = values.max() else { return "" }
        return String(values.map { value in
            high == low ? bars[3] : bars[Int(((value - low) / (high - low) * Double(bars.count - 1)).rounded())]
        })
    }
}
