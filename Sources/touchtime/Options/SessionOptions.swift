import ArgumentParser
import TouchtimeCore

#if canImport(Glibc)
import Glibc
import SystemPackage
import TouchtimeSystem
#endif

/// The options of every session command: `run`, `practice` and its stroke drill.
struct SessionOptions: ParsableArguments {
    // Unconditional: `--lead-in -1` is a number to refuse with a reason, not a missing value.
    @Option(name: .customLong("lead-in"), parsing: .unconditional,
            help: ArgumentHelp("Seconds of countdown before the first phase (0 to 600; default 3, or the configuration's).", valueName: "seconds"))
    var leadInNumber: DecimalNumber?

    var leadIn: Double? { leadInNumber?.value }

    @Option(help: ArgumentHelp("Read keys and buttons from this Linux input device too (a foot pedal, such as "
                               + "/dev/input/by-id/usb-...-event-kbd; see 'touchtime config').", valueName: "device"))
    var pedal: String?

    @OptionGroup var configOptions: ConfigOptions

    @Flag(help: "One line per event (the default when standard output is not a terminal).")
    var plain = false

    @Option(help: ArgumentHelp("Append every event as JSON Lines to FILE ('-' for standard output, which then carries only JSON).", valueName: "file"),
            completion: .file())
    var events: String?

    @Option(help: ArgumentHelp("Append the session to this history file instead of the default ($XDG_DATA_HOME/touchtime/history.jsonl).", valueName: "file"),
            completion: .file())
    var history: String?

    @Flag(name: .customLong("no-history"), help: "Do not record the session in the history.")
    var noHistory = false

    func validate() throws {
        if let leadIn, !(leadIn.isFinite && (0...600).contains(leadIn)) {
            throw ValidationError("--lead-in must be between 0 and 600 seconds, got \(leadIn)")
        }
        if pedal?.isEmpty == true {
            throw ValidationError("--pedal needs an input device, such as /dev/input/by-id/usb-...-event-kbd")
        }
        if events?.isEmpty == true {
            throw ValidationError("--events needs a file name, or '-' for standard output")
        }
    }

    /// Where the session is recorded.
    enum HistoryPlace {
        /// `--no-history`.
        case off
        /// A file, and the folder that must be there for it (none for `--history FILE`).
        case file(path: String, root: String?)
        /// Neither XDG_DATA_HOME nor HOME is set and no `--history` is given.
        case unknown
    }

    var historyPlace: HistoryPlace {
        if noHistory { return .off }
        if let history { return .file(path: history, root: nil) }
        guard let place = HistoryFile.defaultPlace(environment: Environment.variables) else { return .unknown }
        return .file(path: place.path, root: place.root)
    }

    /// Where the session is recorded, or nil with --no-history (or nowhere known).
    var historyPath: String? {
        if case .file(let path, _) = historyPlace { return path }
        return nil
    }

    /// The full-screen display, when standard output is a terminal and nothing asked for lines.
    var usesDisplay: Bool {
        !plain && events != "-" && StandardStream.output.isTerminal
    }

    /// Plain lines (unless the display or `--events -` has standard output) and the events
    /// stream. A file that cannot be written safely is refused before the session: exit 73.
    func makeOutput(_ timeline: Timeline, speed: Double) throws -> SessionOutput {
        var eventChannel: OutputChannel?
        switch events {
        case nil:
            break
        case "-":
            eventChannel = .standardOutput(role: "events")
        case let path?:
            switch Self.openForAppending(path) {
            case .success(let descriptor):
                eventChannel = OutputChannel(descriptor: descriptor, name: path, role: "events", closesDescriptor: true)
            case .failure(let failure):
                reportError("\(path): cannot write events: \(failure.reason)")
                throw ExitStatus.cannotCreate
            }
        }
        return SessionOutput(timeline: timeline, speed: speed,
                             plain: events == "-" || usesDisplay ? nil : .standardOutput(role: "plain lines"), events: eventChannel)
    }

    /// Opens a file for appending (earlier sessions' lines are kept), creating it private to
    /// its owner. Never blocks: a FIFO with no reader is refused, not waited for.
    static func openForAppending(_ path: String) -> Result<Int32, OpenFailure> {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0o600)
        guard descriptor >= 0 else {
            return .failure(OpenFailure(reason: errno == ENXIO ? "a FIFO that no process is reading" : Errno.text(errno)))
        }
        // Open, it is written from a thread of its own: blocking writes are what that thread wants.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return .success(descriptor)
    }
}

struct OpenFailure: Error {
    var reason: String
}
