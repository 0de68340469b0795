import ArgumentParser
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List past sessions, newest first.",
        discussion: "Lines of the history that cannot be read are reported as 'history.jsonl:LINE: skipped: REASON' and never stop the listing."
    )

    @Option(parsing: .unconditional, help: ArgumentHelp("Show at most N sessions.", valueName: "n"))
    var last: Int?

    @Flag(help: "Print the sessions as JSON Lines.")
    var json = false

    @Flag(help: "Show times in UTC (default: local time, as TZ says).")
    var utc = false

    @OptionGroup var history: HistoryOptions

    func validate() throws {
        if let last, last < 1 { throw ValidationError("--last must be at least 1, got \(last)") }
    }

    func run() throws {
        let reader = try history.reader()
        var entries: [HistoryEntry] = []
        var shown = 0
        // From the end of the file: --last 10 reads the last ten lines, however long the history.
        try reader.newestFirst { entry in
            shown += 1
            if json {
                StandardStream.output.write(entry.jsonLine + "\n")
            } else {
                entries.append(entry)
            }
            return last.map { shown < $0 } ?? true
        }
        if json { return }
        guard !entries.isEmpty else {
            StandardStream.output.write("No sessions yet in \(reader.path.escapingUnsafe).\n")
            return
        }
        let zone = utc ? "UTC" : Self.localZoneName()
        var rows = [["START (\(zone))", "PROTOCOL", "MODE", "PLANNED", "ACTUAL", "OUTCOME", "SCORE", "PAUSES", "SKIPS", "EXTENSIONS"]]
        for entry in entries {
            // A rehearsal is told from a treatment: its speed follows the mode.
            var mode = entry.speed == 1 ? entry.mode.rawValue : "\(entry.mode.rawValue) x\(JSONText.number(entry.speed))"
            // A practice with less than full support says how much it had.
            if let support = entry.support, support != .prompts { mode += " \(support.rawValue)" }
            rows.append([Self.startTime(entry.start, utc: utc), entry.protocolID.terminalSafe,
                         mode, DurationText.clock(entry.planned), DurationText.clock(entry.actual), Self.outcome(entry), Self.score(entry),
                         "\(entry.pauses)", "\(entry.skips)", "\(entry.extensions)"])
        }
        StandardStream.output.write(TextTable.render(rows))
    }

    /// "quit at Lift: Cheeks, 0:40 in", "completed, from Lift": where a session that did not run
    /// whole began and stopped.
    static func outcome(_ entry: HistoryEntry) -> String {
        var text = entry.outcome.rawValue
        if let stopped = entry.stoppedAt { text += " at \(stopped.text)" }
        if let started = entry.startedAt { text += (entry.stoppedAt == nil ? ", " : "; ") + "from \(started.text)" }
        return text.terminalSafe
    }

    /// A practice's rating and grade ("72/100 C"); a drill's distance from the cadence; "-" for a session.
    static func score(_ entry: HistoryEntry) -> String {
        if let practice = entry.practice {
            return "\(practice.rating)/100 \(PracticeStats.Grade(percent: practice.mape).rawValue)"
        }
        if let strokes = entry.strokes {
            return HistoryEntry.cadenceError(strokes).map { "cadence \(StatsCommand.number($0)) % off" } ?? "-"
        }
        return "-"
    }

    /// `2026-12-07 10:31`: an ISO 8601 UTC time from the history, in local time (TZ) unless `utc`.
    static func startTime(_ iso: String, utc: Bool) -> String {
        let plain = String(iso.prefix(16).map { $0 == "T" ? " " : $0 })
        guard !utc else { return plain }
        let digits = iso.utf8.map { Int($0) - 48 }
        func value(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= digits.count, digits[range].allSatisfy({ (0...9).contains($0) }) else { return nil }
            return digits[range].reduce(0) { $0 * 10 + $1 }
        }
        guard let year = value(0..<4), let month = value(5..<7), let day = value(8..<10), let hour = value(11..<13),
              let minute = value(14..<16), let second = value(17..<19) else { return plain }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        var seconds = timegm(&parts)
        var local = tm()
        guard localtime_r(&seconds, &local) != nil else { return plain }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(local.tm_year + 1900)-\(two(local.tm_mon + 1))-\(two(local.tm_mday)) \(two(local.tm_hour)):\(two(local.tm_min))"
    }

    /// The local zone's abbreviation now ("CET"), as TZ says.
    static func localZoneName() -> String {
        tzset()
        var now = Glibc.time(nil)
        var local = tm()
        guard localtime_r(&now, &local) != nil, let zone = local.tm_zone else { return "local" }
        return String(cString: zone)
    }
}
