import ArgumentParser
import TouchtimeCore

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
        var rows = [["START (UTC)", "PROTOCOL", "MODE", "PLANNED", "ACTUAL", "OUTCOME", "PAUSES", "SKIPS", "EXTENSIONS"]]
        for entry in entries {
            // A rehearsal is told from a treatment: its speed follows the mode.
            let mode = entry.speed == 1 ? entry.mode.rawValue : "\(entry.mode.rawValue) x\(JSONText.number(entry.speed))"
            rows.append([String(entry.start.prefix(16).map { $0 == "T" ? " " : $0 }), entry.protocolID,
                         mode, DurationText.clock(entry.planned), DurationText.clock(entry.actual), Self.outcome(entry),
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
}
