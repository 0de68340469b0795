import ArgumentParser
import TouchtimeCore

/// `--history FILE` for the commands that read the history (`history`, `stats`), and the reading.
struct HistoryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The history file (default $XDG_DATA_HOME/touchtime/history.jsonl).", valueName: "file"), completion: .file())
    var history: String?

    func validate() throws {
        if history?.isEmpty == true { throw ValidationError("--history needs a file name") }
    }

    func reader() throws -> HistoryReader {
        guard let path = history ?? HistoryFile.defaultPath(environment: Environment.variables) else {
            throw ValidationError("no history file: set HOME or XDG_DATA_HOME, or pass --history")
        }
        return HistoryReader(path: path)
    }
}

/// Reads the history for a command: each line that cannot be read is reported on standard error
/// (`history.jsonl:LINE: skipped: REASON`) and skipped; a history that cannot be read at all is
/// one line and exit 66.
struct HistoryReader {
    let path: String

    var name: String { path.split(separator: "/").last.map(String.init) ?? path }

    /// What stats and reports take from the history, read once through; a long history's summary
    /// is kept in `$XDG_CACHE_HOME/touchtime` (default `~/.cache/touchtime`), so the next reading
    /// reads only what was written since. Each line that cannot be read is reported, as always.
    func summary() throws -> HistorySummary {
        let cache = BaseDirectory.cache.place("touchtime", environment: Environment.variables)
        var summary = HistorySummary()
        try reading { () throws(HistoryFile.ReadError) in
            summary = try HistoryFile.summarize(path, name: name, cache: cache?.path, cacheRoot: cache?.root)
        }
        for skipped in summary.skipped { reportError(skipped) }
        return summary
    }

    /// Every entry in file order, each handed to `body` as it is read.
    func forEach(_ body: (HistoryEntry) -> Void) throws {
        try reading { () throws(HistoryFile.ReadError) in
            try HistoryFile.scan(path, name: name) { _, result in
                switch result {
                case .success(let entry): body(entry)
                case .failure(let skipped): reportError(skipped.description)
                }
                return true
            }
        }
    }

    /// The same, with lines that cannot be read passed over silently: a second pass over a history
    /// whose first pass already reported them.
    func forEachQuietly(_ body: (HistoryEntry) -> Void) throws {
        try reading { () throws(HistoryFile.ReadError) in
            try HistoryFile.scan(path, name: name) { _, result in
                if case .success(let entry) = result { body(entry) }
                return true
            }
        }
    }

    /// Entries from the newest back, until `body` returns false.
    func newestFirst(_ body: (HistoryEntry) -> Bool) throws {
        try reading { () throws(HistoryFile.ReadError) in
            try HistoryFile.scanBackward(path, name: name) { result in
                switch result {
                case .success(let entry): return body(entry)
                case .failure(let skipped):
                    reportError(skipped.description)
                    return true
                }
            }
        }
    }

    /// The protocol practised last (a practice or a stroke drill), read from the end; nil with none.
    func lastPractised() throws -> String? {
        try newest { $0.mode == .practice || $0.mode == .strokes }?.protocolID
    }

    /// The newest entry that `matches`, read from the end.
    func newest(where matches: (HistoryEntry) -> Bool) throws -> HistoryEntry? {
        var found: HistoryEntry?
        try newestFirst { entry in
            if matches(entry) { found = entry }
            return found == nil
        }
        return found
    }

    private func reading(_ body: () throws(HistoryFile.ReadError) -> Void) throws {
        do {
            try body()
        } catch {
            reportError(error.description)
            throw ExitStatus.noInput
        }
    }
}
