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
    public struct Accumulator: Sendable {
        private struct PerProtocol: Sendable {
            var practices = 0
            var bestRating = 0
            var days: Set<String> = []
            var trend: [Double] = []
            var recent: [HistoryEntry.PracticeSummary] = []
        }

        private var order: [String] = []
        private var protocols: [String: PerProtocol] = [:]

        public init() {}

        public mutating func add(_ entry: HistoryEntry) {
            guard entry.mode == .practice, let practice = entry.practice else { return }
            if protocols[entry.protocolID] == nil { order.append(entry.protocolID) }
            var state = protocols[entry.protocolID] ?? PerProtocol()
            state.practices += 1
            state.bestRating = max(state.bestRating, practice.rating)
            state.days.insert(String(entry.start.prefix(10)))
            state.trend.append(practice.mape)
            if state.trend.count > PracticeStats.trendLength { state.trend.removeFirst() }
            state.recent.append(practice)
            if state.recent.count > PracticeStats.window { state.recent.removeFirst() }
            protocols[entry.protocolID] = state
        }

        public func stats(today: String) -> [PracticeStats] {
            order.compactMap { id in
                guard let state = protocols[id] else { return nil }
                let (current, longest) = PracticeStats.streaks(days: state.days, today: today)
                return PracticeStats(protocolID: id, practices: state.practices, trend: state.trend, bestRating: state.bestRating,
                                     segmentErrors: PracticeStats.segmentErrors(state.recent[...]),
                                     currentStreak: current, longestStreak: longest)
            }
        }
    }

    /// Each segment's mean absolute error over the practices that reached it, newest order first.
    static func segmentErrors(_ recent: ArraySlice<HistoryEntry.PracticeSummary>) -> [SegmentError] {
        var rows: [String: SegmentError] = [:]
        var errors: [String: [Double]] = [:]
        var order: [String] = []
        for summary in recent.reversed() {
            // A segment repeated within one practice counts once there: its mean.
            var inThis: [String: [Double]] = [:]
            for segment in summary.segments where segment.planned > .zero {
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
        }
        return order.compactMap { key in
            guard var row = rows[key], let values = errors[key], !values.isEmpty else { return nil }
            row.meanAbsoluteError = values.reduce(0, +) / Double(values.count)
            row.practices = values.count
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

    /// A terminal sparkline of the values, low to high: ▁▂▃▄▅▆▇█.
    public static func sparkline(_ values: [Double]) -> String {
        let bars = Array("▁▂▃▄▅▆▇█")
        guard let low = values.min(), let high = values.max() else { return "" }
        return String(values.map { value in
            high == low ? bars[3] : bars[Int(((value - low) / (high - low) * Double(bars.count - 1)).rounded())]
        })
    }
}
