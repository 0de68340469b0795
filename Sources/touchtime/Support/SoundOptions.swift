import ArgumentParser
import TouchtimeCore
import Synchronization

/// The options every session command shares (`run`, `practice`).
struct SessionOptions: ParsableArguments {
    @Option(name: .customLong("lead-in"), help: ArgumentHelp("Seconds of countdown before the first phase (0 to 600).", valueName: "seconds"))
    var leadIn: Double = 3

    @Flag(help: "One line per event (the default when standard output is not a terminal).")
    var plain = false

    @Option(help: ArgumentHelp("Append every event as JSON Lines to FILE ('-' for standard output, which then carries only JSON).", valueName: "file"))
    var events: String?

    @Option(help: ArgumentHelp("Append the session to this history file instead of the default ($XDG_DATA_HOME/touchtime/history.jsonl).", valueName: "file"))
    var history: String?

    @Flag(name: .customLong("no-history"), help: "Do not record the session in the history.")
    var noHistory = false

    func validate() throws {
        guard leadIn.isFinite, (0...600).contains(leadIn) else {
            throw ValidationError("--lead-in must be between 0 and 600 seconds, got \(leadIn)")
        }
        if events?.isEmpty == true {
            throw ValidationError("--events needs a file name, or '-' for standard output")
        }
    }

    /// Where the session is recorded, or nil with --no-history.
    var historyPath: String? {
        noHistory ? nil : history ?? HistoryFile.defaultPath(environment: Environment.variables)
    }

    /// The full-screen display, when standard output is a terminal and nothing asked for lines.
    var usesDisplay: Bool {
        !plain && events != "-" && StandardStream.output.isTerminal
    }

    /// Plain lines (unless the display or `--events -` has standard output) and the events stream.
    func makeOutput(_ timeline: Timeline, speed: Double) throws -> SessionOutput {
        var eventStream: StandardStream?
        switch events {
        case nil:
            break
        case "-":
            eventStream = .output
        case let path?:
            switch StandardStream.appending(to: path) {
            case .success(let stream):
                eventStream = stream
            case .failure(let error):
                reportError("\(path): cannot write events: \(error)")
                throw ExitStatus.cannotCreate
            }
        }
        return SessionOutput(timeline: timeline, speed: speed,
                             plain: events == "-" || usesDisplay ? nil : .output, events: eventStream)
    }
}

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

/// The sound options shared by `run`, `chime` and `render`.
struct SoundOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Chime volume, 0 to 100 (an audio taper: 50 is about -12 dB).", valueName: "0-100"))
    var volume: Int = 100

    @Option(help: ArgumentHelp("The ALSA playback device, such as default, plughw:0,0 or pulse.", valueName: "name"))
    var device: String = "default"

    @Flag(name: .customLong("no-sound"), help: "Do not play chimes.")
    var noSound = false

    func validate() throws {
        guard (0...100).contains(volume) else {
            throw ValidationError("--volume must be between 0 and 100, got \(volume)")
        }
        guard !device.isEmpty else {
            throw ValidationError("--device needs an ALSA device name, such as default")
        }
    }
}

/// A warning that waits: written at once in plain mode, shown as a badge and written after the
/// terminal is restored when the full-screen display is up.
final class DeferredWarning: Sendable {
    private let state = Mutex<(message: String?, deferred: Bool)>((nil, false))

    func deferUntilFlushed() { state.withLock { $0.deferred = true } }

    func post(_ message: String) {
        let writeNow = state.withLock { state -> Bool in
            state.message = message
            return !state.deferred
        }
        if writeNow { reportError(message) }
    }

    var isSet: Bool { state.withLock { $0.message != nil } }

    /// Writes a deferred warning now (the terminal is back).
    func flush() {
        let message = state.withLock { state -> String? in
            defer { state.deferred = false }
            return state.deferred ? state.message : nil
        }
        if let message { reportError(message) }
    }
}

/// Tap times from the key thread, read once the drill is over.
final class TapLog: Sendable {
    private let taps = Mutex<[Duration]>([])
    func add(_ time: Duration) { taps.withLock { $0.append(time) } }
    var values: [Duration] { taps.withLock { $0 } }
}

/// The session's start instant, set once and read from the audio thread.
final class StartTime: Sendable {
    private let instant = Mutex<ContinuousClock.Instant?>(nil)

    func set(_ value: ContinuousClock.Instant) { instant.withLock { $0 = value } }
    var value: ContinuousClock.Instant? { instant.withLock { $0 } }
}
