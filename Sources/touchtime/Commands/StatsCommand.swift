import ArgumentParser
import TouchtimeCore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Practice progress per protocol: each segment's mean absolute error lately, the score's trend, best rating, streaks.",
        discussion: """
            Each segment's error is averaged over those of the last 10 practices that reached it (OVER says how \
            many); segments are matched by phase and step, not by position, so a segment skipped in one practice \
            shifts nothing. The trend sparkline runs oldest to newest (lower is better).
            """
    )

    @Option(help: ArgumentHelp("Only this protocol.", valueName: "id"), completion: ProtocolCompletion.ids)
    var `protocol`: String?

    @Flag(help: "Print comma-separated values: protocol, segment, title, mean absolute error %, practices that reached it.")
    var csv = false

    @OptionGroup var history: HistoryOptions

    func run() throws {
        // One pass over the history, keeping only what the stats need: any length in bounded memory.
        var accumulator = PracticeStats.Accumulator()
        try history.reader().forEach { accumulator.add($0) }
        let today = String(SessionOutput.wallNow().prefix(10))
        let all = accumulator.stats(today: today)
        let stats = all.filter { self.protocol == nil || $0.protocolID == self.protocol }
        if csv {
            StandardStream.output.write("protocol,segment,title,mean_abs_error_percent,practices\n")
        } else if stats.isEmpty {
            StandardStream.output.write("No practices yet\(self.protocol.map { " of \($0)" } ?? ""): try 'touchtime practice'.\n")
            return
        }
        for stat in stats {
            // Titles as recorded; old lines named no segment: their position names one in the protocol as it is now.
            let timeline = (try? ProtocolCatalog.current.resolve(stat.protocolID)).map { Timeline($0.0) }
            func title(_ row: PracticeStats.SegmentError) -> String {
                if let title = row.title { return title.terminalSafe }
                guard let timeline, timeline.segments.indices.contains(row.position) else { return "segment \(row.position + 1)" }
                return timeline.title(of: timeline.segments[row.position]).terminalSafe
            }
            func percent(_ value: Double) -> String {
                TimeText.seconds(.milliseconds(Int64((value * 1000).rounded())), decimals: 1)
            }
            if csv {
                for row in stat.segmentErrors {
                    let name = title(row)
                    let quoted = name.contains(",") || name.contains("\"") ? "\"" + name.replacing("\"", with: "\"\"") + "\"" : name
                    StandardStream.output.write("\(stat.protocolID.terminalSafe),\(row.position + 1),\(quoted),\(percent(row.meanAbsoluteError)),\(row.practices)\n")
                }
                continue
            }
            StandardStream.output.write("""
                \(stat.protocolID.terminalSafe): \(Counted.text(stat.practices, "practice")), best rating \(stat.bestRating)/100
                  score trend (\(stat.practices > stat.trend.count ? "the last \(stat.trend.count), " : "")oldest to newest, lower is better): \(PracticeStats.sparkline(stat.trend)) \(stat.trend.last.map { "last " + percent($0) + " %" } ?? "")
                  streak: \(Counted.text(stat.currentStreak, "day")) now, longest \(stat.longestStreak)

                """)
            var rows = [["  SEGMENT", "MEAN ABS ERROR", "OVER"]]
            for row in stat.segmentErrors {
                rows.append(["  " + title(row), percent(row.meanAbsoluteError) + " %",
                             "\(Counted.text(row.practices, "practice"))"])
            }
            StandardStream.output.write(TextTable.render(rows) + "\n")
        }
    }
}
