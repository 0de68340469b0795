import Testing
@testable import TouchtimeCore

@Suite struct PracticeStatsTests {
    static func practice(_ day: String, mape: Double, rating: Int, segments: [(Double, Double)], id: String = "trainee-drill") -> HistoryEntry {
        var entry = HistoryEntry(protocolID: id, protocolHash: "h", mode: "practice", start: "\(day)T09:00:00.000Z",
                                 end: "\(day)T09:01:00.000Z", planned: 63, actual: 60, outcome: .completed, pauses: 0, skips: 0, extensions: 0)
        entry.practice = .init(mape: mape, rating: rating, segments: segments.map { ($0.0, $0.1, false) })
        return entry
    }

    @Test func perSegmentErrorTrendBestAndStreaks() {
        let entries = [
            Self.practice("2026-11-20", mape: 30, rating: 40, segments: [(10, 13), (8, 6)]),
            Self.practice("2026-11-23", mape: 20, rating: 60, segments: [(10, 11), (8, 9)]),
            Self.practice("2026-11-24", mape: 10, rating: 80, segments: [(10, 10.5)]),
            Self.practice("2026-11-25", mape: 5, rating: 90, segments: [(10, 10), (8, 8.4)]),
            Self.practice("2026-11-25", mape: 8, rating: 84, segments: [(10, 9), (8, 8)], id: "other"),
        ]
        let stats = PracticeStats.compute(entries, today: "2026-11-25")
        #expect(stats.map(\.protocolID) == ["trainee-drill", "other"])
        let drill = stats[0]
        #expect(drill.practices == 4)
        #expect(drill.trend == [30, 20, 10, 5])
        #expect(drill.bestRating == 90)
        // Warm: 30, 10, 5, 0 % -> 11.25; jawline: 25, 12.5, 5 % (three practices reached it) -> 14.1666.
        #expect(abs((drill.segmentErrors[0] ?? 0) - 11.25) < 1e-9)
        #expect(abs((drill.segmentErrors[1] ?? 0) - 42.5 / 3) < 1e-9)
        #expect(drill.currentStreak == 3 && drill.longestStreak == 3)
    }

    @Test func aStreakEndingYesterdayStillCountsOneEndingEarlierDoesNot() {
        #expect(PracticeStats.streaks(days: ["2026-11-23", "2026-11-24"], today: "2026-11-25") == (2, 2))
        #expect(PracticeStats.streaks(days: ["2026-11-22", "2026-11-23"], today: "2026-11-25") == (0, 2))
        #expect(PracticeStats.streaks(days: ["2026-02-28", "2026-03-01", "2026-12-31", "2027-01-01"], today: "2027-01-01") == (2, 2))
    }

    @Test func sparklineRunsLowToHigh() {
        #expect(PracticeStats.sparkline([30, 20, 10, 0]) == "█▆▃▁")
        #expect(PracticeStats.sparkline([5]) == "▄")
        #expect(PracticeStats.sparkline([]).isEmpty)
    }

    @Test func onlyTheLastTenPracticesCount() {
        var entries = (0..<5).map { _ in Self.practice("2026-11-01", mape: 100, rating: 0, segments: [(10, 20)]) }
        entries += (0..<10).map { _ in Self.practice("2026-11-02", mape: 0, rating: 100, segments: [(10, 10)]) }
        #expect(PracticeStats.compute(entries, today: "2026-11-25")[0].segmentErrors == [0])
    }

    @Test func segmentsRoundTripThroughTheHistoryLine() throws {
        let entry = Self.practice("2026-11-25", mape: 5, rating: 90, segments: [(10, 10.25), (8, 8)])
        let parsed = try HistoryEntry.parse(entry.jsonLine)
        #expect(parsed.practice?.segments.map(\.actual) == [10.25, 8])
        #expect(parsed.practice?.rating == 90)
    }
}
