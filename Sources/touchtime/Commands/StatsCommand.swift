import ArgumentParser
import TouchtimeCore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Practice progress per protocol: what to change, each segment's grade and bias lately, the rating over time, streaks.",
        discussion: """
            Each segment's error is averaged over those of the last 10 practices that reached it (OVER says how \
            many); segments are matched by phase and step, not by position, so a segment skipped in one practice \
            shifts nothing. BIAS is the mean signed error (+ held too long, - rushed), SPREAD how much it varies \
            from one practice to the next. GRADE is the band of the mean absolute error, as a share of the \
            segment's own length: A within 5 %, B 10 %, C 20 %, D 35 %, F beyond. The level is the tightest band \
            the last 3 practices all scored within. The chart is the rating of the last practices, oldest first, \
            with their days (UTC). The stroke drill (practice --strokes) is counted too.
            """
    )

    @Option(help: ArgumentHelp("Only this protocol.", valueName: "id"), completion: ProtocolCompletion.ids)
    var `protocol`: String?

    @Flag(help: "Print comma-separated values: protocol, segment, title, mean absolute error %, practices that reached it, grade, bias %, bias s, spread %.")
    var csv = false

    @Flag(help: "Print one protocol's practices as a dated series for a spreadsheet, one comma-separated row each, oldest first: start, day, kind (practice, drill, strokes), focus, support, rating, grade, mean absolute error %, cadence error %, and each segment's signed error %. Without --protocol, the protocol practised last.")
    var series = false

    @OptionGroup var history: HistoryOptions

    func validate() throws {
        if series, csv { throw ValidationError("--series is comma-separated already: leave out --csv") }
    }

    func run() throws {
        if series { return try printSeries() }
        // One pass over the history (over what was written since, when its summary was kept),
        // keeping only what the stats need: any length in bounded memory.
        let summary = try history.reader().summary()
        let today = String(SessionOutput.wallNow().prefix(10))
        let all = summary.stats.stats(today: today)
        let stats = all.filter { self.protocol == nil || $0.protocolID == self.protocol }
        if csv {
            StandardStream.output.write("protocol,segment,title,mean_abs_error_percent,practices,grade,bias_percent,bias_seconds,spread_percent\n")
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
            if csv {
                for row in stat.segmentErrors {
                    let quoted = CSV.field(title(row))
                    StandardStream.output.write("\(stat.protocolID.terminalSafe),\(row.position + 1),\(quoted),\(Self.number(row.meanAbsoluteError)),"
                                                + "\(row.practices),\(row.grade.rawValue),\(Self.number(row.bias)),\(Self.number(row.biasSeconds)),\(Self.number(row.spread))\n")
                }
                continue
            }
            StandardStream.output.write(Self.text(stat, title: title) + "\n")
        }
    }

    /// `--series`: two passes over the history (the columns, then the rows), so memory stays
    /// bounded however long it is.
    private func printSeries() throws {
        let reader = try history.reader()
        let id = try self.protocol ?? reader.lastPractised()
        guard let id else {
            throw CommandFailure("no practice in \(reader.path.escapingUnsafe): try 'touchtime practice'", status: ExitStatus.noInput)
        }
        var series = PracticeSeries(protocolID: id)
        try reader.forEach { series.collect($0) }
        guard series.count > 0 else {
            throw CommandFailure("no practice of '\(id.terminalSafe)' in \(reader.path.escapingUnsafe)", status: ExitStatus.noInput)
        }
        series.ordered()
        var output = series.header + "\n"
        // The rows a block at a time: a long history is never one string.
        try reader.forEachQuietly { entry in
            guard let row = series.row(entry) else { return }
            output += row + "\n"
            if output.utf8.count > 1 << 16 {
                StandardStream.output.write(output)
                output = ""
            }
        }
        StandardStream.output.write(output)
    }

    /// One protocol's progress, for a person: the figures, the chart, the table, what to change.
    static func text(_ stat: PracticeStats, title: (PracticeStats.SegmentError) -> String) -> String {
        var lines: [String] = []
        var head = "\(stat.protocolID.terminalSafe): \(Counted.text(stat.practices, "practice"))"
        if stat.practices > 0 { head += ", best rating \(stat.bestRating)/100" }
        if let level = stat.level {
            // With less help the level says so: "level B (the last 3 within 10 %, blind)".
            let help = stat.levelSupport.map { $0 == .prompts ? "" : ", \($0 == .blind ? "blind" : "without prompts")" } ?? ""
            head += ", level \(level.rawValue)" + (level.limit.map { " (the last 3 within \(Int($0)) %\(help))" } ?? " (the last 3 beyond 35 %\(help))")
        }
        lines.append(head)
        if stat.practices > 0 {
            lines.append("  rating, oldest to newest\(stat.practices > stat.points.count ? " (the last \(stat.points.count))" : "")"
                         + (stat.trend.last.map { "; last score " + number($0) + " % off" } ?? "") + ":")
            lines += PracticeStats.chart(stat.points, width: 78).map { "  " + $0 }
            lines.append("  streak: \(Counted.text(stat.currentStreak, "day")) now, longest \(stat.longestStreak)")
        }
        if stat.focusDrills > 0 {
            lines.append("  drills of one segment: \(stat.focusDrills) (their presses count in the table below)")
        }
        if stat.drills > 0 {
            var drill = "  stroke drill: \(Counted.text(stat.drills, "drill"))"
            if let last = stat.drillErrors.last {
                drill += ", the last \(number(last)) % off the cadence"
                if stat.drillErrors.count > 1 { drill += " (before: \(number(stat.drillErrors[stat.drillErrors.count - 2])) %)" }
            }
            lines.append(drill)
        }
        guard !stat.segmentErrors.isEmpty else { return lines.joined(separator: "\n") + "\n" }
        let weakest = stat.weakest
        var rows = [["    SEGMENT", "GRADE", "MEAN ABS ERROR", "BIAS", "SPREAD", "OVER"]]
        for row in stat.segmentErrors {
            // The one to work on is marked.
            let mark = row.key == weakest?.key && row.grade > .a ? "> " : "  "
            rows.append(["  " + mark + title(row), row.grade.rawValue, number(row.meanAbsoluteError) + " %", signed(row.bias) + " %",
                         "±" + number(row.spread) + " %", Counted.text(row.practices, "practice")])
        }
        lines.append("")
        lines.append(TextTable.render(rows).split(separator: "\n").joined(separator: "\n"))
        if let weakest {
            lines.append("")
            if weakest.grade == .a {
                lines.append("  every segment within 5 %: keep it steady, one practice a day keeps the streak")
            } else {
                lines.append("  to change: " + PracticeStats.advice(weakest, title: title(weakest)))
                let others = stat.segmentErrors.filter { $0.key != weakest.key && $0.grade >= .c }.prefix(2)
                for other in others { lines.append("             " + PracticeStats.advice(other, title: title(other))) }
                lines.append("  next: drill \(title(weakest)), \(FocusDrill.rounds) times in a row: "
                             + "touchtime practice \(stat.protocolID.terminalSafe) --weakest")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One decimal; a minus only when it survives the rounding ("-0.0" never shows).
    static func number(_ value: Double) -> String {
        (value < 0 && (abs(value) * 10).rounded() > 0 ? "-" : "")
            + TimeText.seconds(.milliseconds(Int64((abs(value) * 1000).rounded())), decimals: 1)
    }

    static func signed(_ value: Double) -> String {
        (value >= 0 || (abs(value) * 10).rounded() == 0 ? "+" : "") + number(value)
    }
}
