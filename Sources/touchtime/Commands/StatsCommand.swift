import ArgumentParser
import TouchtimeCore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Practice progress per protocol: each segment's mean absolute error lately, the score's trend, best rating, streaks.",
        discussion: "Errors are averaged over the last 10 practices; the trend sparkline runs oldest to newest (lower is better)."
    )

    @Option(help: ArgumentHelp("Only this protocol.", valueName: "id"))
    var `protocol`: String?

    @Flag(help: "Print comma-separated values: protocol, segment, title, mean absolute error %, practices.")
    var csv = false

    @OptionGroup var history: HistoryOptions

    func run() throws {
        let reading = try history.read()
        let today = String(SessionOutput.wallNow().prefix(10))
        let all = PracticeStats.compute(reading.entries.map(\.entry), today: today)
        let stats = all.filter { self.protocol == nil || $0.protocolID == self.protocol }
        if csv {
            StandardStream.output.write("protocol,segment,title,mean_abs_error_percent,practices\n")
        } else if stats.isEmpty {
            StandardStream.output.write("No practices yet\(self.protocol.map { " of \($0)" } ?? ""): try 'touchtime practice'.\n")
            return
        }
        for stat in stats {
            let timeline = (try? ProtocolCatalog.current.resolve(stat.protocolID)).map { Timeline($0.0) }
            func title(_ index: Int) -> String {
                guard let timeline, index < timeline.segments.count else { return "segment \(index + 1)" }
                return timeline.title(of: timeline.segments[index]).terminalSafe
            }
            func percent(_ value: Double) -> String {
                TimeText.seconds(.milliseconds(Int64((value * 1000).rounded())), decimals: 1)
            }
            if csv {
                for (index, error) in stat.segmentErrors.enumerated() {
                    let name = title(index).contains(",") ? "\"\(title(index))\"" : title(index)
                    StandardStream.output.write("\(stat.protocolID),\(index + 1),\(name),\(error.map(percent) ?? ""),\(stat.practices)\n")
                }
                continue
            }
            StandardStream.output.write("""
                \(stat.protocolID.terminalSafe): \(stat.practices) practice\(stat.practices == 1 ? "" : "s"), best rating \(stat.bestRating)/100
                  score trend (oldest to newest, lower is better): \(PracticeStats.sparkline(stat.trend)) \(stat.trend.last.map { "last " + percent($0) + " %" } ?? "")
                  streak: \(stat.currentStreak) day\(stat.currentStreak == 1 ? "" : "s") now, longest \(stat.longestStreak)

                """)
            var rows = [["  SEGMENT", "MEAN ABS ERROR (LAST \(PracticeStats.window))"]]
            for (index, error) in stat.segmentErrors.enumerated() {
                rows.append(["  " + title(index), error.map { percent($0) + " %" } ?? "-"])
            }
            StandardStream.output.write(TextTable.render(rows) + "\n")
        }
    }
}
