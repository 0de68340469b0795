import ArgumentParser
import TouchtimeCore

/// `--history FILE` for the commands that read the history, and the reading itself.
struct HistoryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The history file (default $XDG_DATA_HOME/touchtime/history.jsonl).", valueName: "file"))
    var history: String?

    var path: String? { history ?? HistoryFile.defaultPath(environment: Environment.variables) }

    /// The history's entries; each unreadable line is reported on standard error and skipped.
    func read() throws -> HistoryFile.Reading {
        guard let path else {
            throw ValidationError("no history file: set HOME or XDG_DATA_HOME, or pass --history")
        }
        let reading = HistoryFile.read(path, name: path.split(separator: "/").last.map(String.init) ?? path)
        for line in reading.skipped { reportError(line) }
        return reading
    }
}
