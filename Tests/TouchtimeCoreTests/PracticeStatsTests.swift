import Testing
@testable import TouchtimeCore

@Suite struct PracticeStatsTests {
    static let drill = Timeline(try! BundledProtocols.load("trainee-drill")!)

    /// A practice of the trainee drill: `segments` are (timeline index, actual seconds); planned comes from the drill.
    static func practice(_ day: String, mape: Double, rating: Int, segments: [(Int, Double)], id: String = "trainee-drill") -> HistoryEntry {
        var entry = HistoryEntry(protocolID: id, protocolHash: "h", mode: .practice, start: "\(day)T09:00:00.000Z",
                                 end: "\(day)T09:01:00.000Z", planned: .seconds(63), actual: .seconds(60), outcome: .completed,
                                 pauses: 0, skips: 0, extensions: 0)
        entry.practice = .init(mape: mape, rating: rating, segments: segments.enumerated().map { position, segment in
            .init(identity: .init(drill, index: segment.0), position: position, planned: drill.segments[segment.0].plannedDuration,
                  actual: .milliseconds(Int64(segment.1 * 1000)), missed: false)
        })
        return entry
    }

    /// Direction and habit (issue 24): the signed bias and its spread per segment, in words, a grade
    /// per segment, a level once three practices are steady, the rating as a dated chart.
    @Test func biasSpreadGradesLevelAdviceAndChart() throws {
        // Warm (10 s) held long every time: +30 %, +40 %, +35 %; the left side (8 s) rushed: -10 %, -15 %, -5 %.
        let entries = [
            Self.practice("2026-11-20", mape: 20, rating: 60, segments: [(0, 13), (1, 7.2)]),
            Self.practice("2026-11-21", mape: 27.5, rating: 45, segments: [(0, 14), (1, 6.8)]),
            Self.practice("2026-11-22", mape: 20, rating: 60, segments: [(0, 13.5), (1, 7.6)]),
        ]
        let stats = try #require(PracticeStats.compute(entries, today: "2026-11-22").first)
        let warm = stats.segmentErrors[0]
        #expect(abs(warm.bias - 35) < 1e-9 && abs(warm.biasSeconds - 3.5) < 1e-9)
        #expect(abs(warm.spread - (50.0 / 3).squareRoot()) < 1e-9)
        #expect(warm.grade == .d)
        let side = stats.segmentErrors[1]
        #expect(abs(side.bias - -10) < 1e-9 && abs(side.biasSeconds - -0.8) < 1e-9 && side.grade == .b)
        #expect(stats.weakest?.key == warm.key)
        #expect(PracticeStats.advice(warm, title: "Warm") == "you hold Warm 35.0 % too long (+3.5 s)")
        #expect(PracticeStats.advice(side, title: "Jawline: Left side") == "you rush Jawline: Left side by 0.8 s (10.0 % short)")
        var even = side
        (even.bias, even.spread) = (1, 25)
        #expect(PracticeStats.advice(even, title: "Lift").hasPrefix("Lift: uneven"))
        (even.bias, even.spread) = (2, 3)
        #expect(PracticeStats.advice(even, title: "Lift") == "Lift: on time (within 5 %)")
        #expect(stats.level == .d, "the last 3 practices within 35 %, not all within 20 %")
        #expect([2.0, 5, 7, 10, 20, 35, 36].map { PracticeStats.Grade(percent: $0).rawValue } == ["A", "A", "B", "B", "C", "D", "F"])
        let chart = PracticeStats.chart(stats.points, width: 40)
        // 60, 45, 60: rows every 10 from 100 down to 40, each rating on its nearest ten.
        #expect(chart.count == 7 + 2, "\(chart)")
        #expect(chart[0] == " 100 │      " && chart[2] == "  80 │      ", "\(chart)")
        #expect(chart[4] == "  60 │●   ● ", "\(chart)")
        #expect(chart[5] == "     │  ●   ", "45 is nearest 50 (rounded up): \(chart)")
        #expect(chart[6] == "  40 │      ", "\(chart)")
        #expect(chart[8] == "      11-20  11-22", "\(chart)")
        let rising = PracticeStats.chart([.init(day: "2026-11-20", rating: 0, mape: 50), .init(day: "2026-11-21", rating: 100, mape: 0)], width: 40)
        #expect(rising.first == " 100 │  ● " && rising[10] == "   0 │●   ", "\(rising)")
        #expect(PracticeStats.chart([], width: 40).isEmpty)
    }

    @Test func perSegmentErrorTrendBestAndStreaks() {
        // Warm is 10 s, the jawline's left side 8 s.
        let entries = [
            Self.practice("2026-11-20", mape: 30, rating: 40, segments: [(0, 13), (1, 6)]),
            Self.practice("2026-11-23", mape: 20, rating: 60, segments: [(0, 11), (1, 9)]),
            Self.practice("2026-11-24", mape: 10, rating: 80, segments: [(0, 10.5)]),
            Self.practice("2026-11-25", mape: 5, rating: 90, segments: [(0, 10), (1, 8.4)]),
            Self.practice("2026-11-25", mape: 8, rating: 84, segments: [(0, 9), (1, 8)], id: "other"),
        ]
        let stats = PracticeStats.compute(entries, today: "2026-11-25")
        #expect(stats.map(\.protocolID) == ["trainee-drill", "other"])
        let drill = stats[0]
        #expect(drill.practices == 4)
        #expect(drill.trend == [30, 20, 10, 5])
        #expect(drill.bestRating == 90)
        // Warm: 30, 10, 5, 0 % over 4 practices; the left side: 25, 12.5, 5 % over the 3 that reached it.
        #expect(drill.segmentErrors.map(\.key) == ["warm/phase", "jawline/step/0"])
        #expect(drill.segmentErrors.map(\.practices) == [4, 3])
        #expect(abs(drill.segmentErrors[0].meanAbsoluteError - 11.25) < 1e-9)
        #expect(abs(drill.segmentErrors[1].meanAbsoluteError - 42.5 / 3) < 1e-9)
        #expect(drill.segmentErrors.map(\.title) == ["Warm", "Jawline: Left"])
        #expect(drill.currentStreak == 3 && drill.longestStreak == 3)
    }

    @Test func segmentsMatchByIdentityNotPosition() {
        // The second practice skipped warm: its first row is the jawline, which must not count as warm.
        let entries = [
            Self.practice("2026-11-24", mape: 0, rating: 100, segments: [(0, 10), (1, 8)]),
            Self.practice("2026-11-25", mape: 50, rating: 0, segments: [(1, 12)]),
        ]
        let rows = PracticeStats.compute(entries, today: "2026-11-25")[0].segmentErrors
        #expect(rows.map(\.key) == ["warm/phase", "jawline/step/0"])
        #expect(rows.map(\.meanAbsoluteError) == [0, 25])
        #expect(rows.map(\.practices) == [1, 2], "warm was reached once")
    }

    @Test func linesWithoutIdentityMatchByPosition() throws {
        let old = try HistoryEntry.parse(#"{"protocol":"p","hash":"h","mode":"practice","start":"2026-11-20T09:00:00.000Z","end":"2026-11-20T09:01:00.000Z","planned":63,"actual":60,"outcome":"completed","pauses":0,"skips":0,"extensions":0,"mape":20,"rating":60,"segments":[{"planned":10,"actual":12,"missed":false}]}"#)
        let rows = PracticeStats.compute([old], today: "2026-11-25")[0].segmentErrors
        #expect(rows.map(\.key) == ["#0"] && rows.map(\.title) == [nil] && rows.map(\.meanAbsoluteError) == [20])
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
        var entries = (0..<5).map { _ in Self.practice("2026-11-01", mape: 100, rating: 0, segments: [(0, 20)]) }
        entries += (0..<10).map { _ in Self.practice("2026-11-02", mape: 0, rating: 100, segments: [(0, 10)]) }
        #expect(PracticeStats.compute(entries, today: "2026-11-25")[0].segmentErrors.map(\.meanAbsoluteError) == [0])
    }
}

/// `practice --focus` (issue 24): one segment drilled after its neighbour, recorded as the original's.
@Suite struct FocusDrillTests {
    @Test func aDrillIsTheSegmentAfterItsNeighbourFiveTimesRecordedAsTheOriginal() throws {
        let timeline = PracticeStatsTests.drill
        let stillness = try #require(timeline.segments.indices.first { timeline.title(of: timeline.segments[$0]) == "Jawline: stillness" })
        let drill = try #require(FocusDrill(timeline, focus: stillness))
        #expect(drill.origins == Array(repeating: [stillness - 1, stillness], count: 5).flatMap { $0 })
        let practised = Timeline(drill.treatment)
        #expect(practised.segments.count == 10)
        #expect(practised.segments.map(\.plannedDuration) == Array(repeating: [.seconds(8), .seconds(4)], count: 5).flatMap { $0 })
        #expect(practised.title(of: practised.segments[1]) == "Jawline: stillness" && practised.segments[1].isStillness)
        #expect(drill.identity(of: 3)?.key == HistoryEntry.SegmentIdentity(timeline, index: stillness).key)
        #expect(drill.identity(of: 2)?.title == "Jawline: Left side" || drill.identity(of: 2)?.title == timeline.title(of: timeline.segments[stillness - 1]))
        // The first segment has no neighbour: it is drilled alone.
        #expect(FocusDrill(timeline, focus: 0)?.origins == [0, 0, 0, 0, 0])
    }

    @Test func theWeakestIsTheSegmentFurthestOffLately() throws {
        let timeline = PracticeStatsTests.drill
        let entries = [PracticeStatsTests.practice("2026-11-20", mape: 20, rating: 60, segments: [(0, 10.2), (1, 11)]),
                       PracticeStatsTests.practice("2026-11-21", mape: 20, rating: 60, segments: [(0, 9.9), (1, 10.5)])]
        let stats = PracticeStats.compute(entries, today: "2026-11-21").first
        #expect(FocusDrill.weakest(in: timeline, stats: stats) == 1)
        let steady = PracticeStats.compute([PracticeStatsTests.practice("2026-11-20", mape: 1, rating: 98, segments: [(0, 10.1), (1, 8)])],
                                           today: "2026-11-21").first
        #expect(FocusDrill.weakest(in: timeline, stats: steady) == nil, "nothing off: nothing to drill")
    }
}
