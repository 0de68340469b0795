import Testing
@testable import TouchtimeCore

/// `stats --series` (issue 24): a dated row per practice for a spreadsheet.
@Suite struct PracticeSeriesTests {
    @Test func eachPracticeIsADatedRowWithItsScoreAndEachSegmentsSignedError() throws {
        var first = PracticeStatsTests.practice("2026-11-20", mape: 20, rating: 60, segments: [(2, 6), (0, 13)])
        first.support = .blind
        var drill = PracticeStatsTests.practice("2026-11-21", mape: 10, rating: 80, segments: [(1, 8), (2, 4.4)])
        drill.focus = drill.practice?.segments.last?.identity
        var strokes = HistoryEntry(protocolID: "trainee-drill", protocolHash: "h", mode: .strokes, start: "2026-11-22T10:00:00.000Z",
                                   end: "2026-11-22T10:01:00.000Z", planned: .seconds(60), actual: .seconds(60), outcome: .completed,
                                   pauses: 0, skips: 0, extensions: 0)
        let drillTimeline = Timeline(try #require(try BundledProtocols.load("trainee-drill")))
        strokes.strokes = [.init(identity: .init(drillTimeline, index: 1), target: .seconds(4), taps: 5, meanPeriod: .milliseconds(4_500),
                                 spread: .milliseconds(100))]
        let other = PracticeStatsTests.practice("2026-11-22", mape: 5, rating: 90, segments: [(0, 10)], id: "other")
        let run = HistoryEntry(protocolID: "trainee-drill", protocolHash: "h", mode: .run, start: "2026-11-23T10:00:00.000Z",
                               end: "2026-11-23T10:01:00.000Z", planned: .seconds(63), actual: .seconds(63), outcome: .completed,
                               pauses: 0, skips: 0, extensions: 0)
        let entries = [first, drill, strokes, other, run]
        var series = PracticeSeries(protocolID: "trainee-drill")
        for entry in entries { series.collect(entry) }
        series.ordered()
        #expect(series.count == 3)
        #expect(series.header == "start,day,kind,focus,support,rating,grade,mape_percent,cadence_error_percent,"
                + "Warm bias %,Jawline: Left bias %,Jawline: stillness bias %", "columns in the protocol's order")
        let rows = entries.compactMap(series.row)
        #expect(rows == [
            "2026-11-20T09:00:00.000Z,2026-11-20,practice,,blind,60,C,20,,30,,50",
            "2026-11-21T09:00:00.000Z,2026-11-21,drill,Jawline: stillness,prompts,80,B,10,,,0,10",
            "2026-11-22T10:00:00.000Z,2026-11-22,strokes,,,75,C,,12.5,,,",
        ])
    }

    @Test func aFieldWithACommaOrAQuoteIsQuoted() {
        #expect(CSV.field("Lift, upward") == "\"Lift, upward\"")
        #expect(CSV.field("the \"pause\"") == "\"the \"\"pause\"\"\"")
        #expect(CSV.field("Warm") == "Warm")
        // A comma or a quote with a combining mark after it is one character, and still a comma or a quote.
        #expect(CSV.field("Lift,\u{301}hold") == "\"Lift,\u{301}hold\"")
        #expect(CSV.field("a\"\u{301}b") == "\"a\"\"\u{301}b\"")
    }
}
