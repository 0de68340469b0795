import ArgumentParser
import Dispatch
import Synchronization
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a session: every phase, step and stillness announced the moment it begins.",
        discussion: """
            Boundaries are kept against absolute deadlines on the monotonic clock, so a session does not \
            drift however long it runs. Plain mode writes one line per event: the session time MM:SS.mmm, \
            the event, the phase (and step) and its cue. Ctrl-C ends the session early (exit 130).
            """
    )

    @Argument(help: ArgumentHelp("A protocol file, or the id of a known protocol (see 'touchtime list').", valueName: "protocol"))
    var protocolName: String = BundledProtocols.defaultID

    @Option(help: "Rehearsal speed: run X times faster (0.1 to 1000).")
    var speed: Double = 1

    @Option(name: .customLong("lead-in"), help: ArgumentHelp("Seconds of countdown before the first phase (0 to 600).", valueName: "seconds"))
    var leadIn: Double = 3

    @Flag(help: "One line per event (the default when standard output is not a terminal).")
    var plain = false

    @Option(help: ArgumentHelp("Append every event as JSON Lines to FILE ('-' for standard output, which then carries only JSON).", valueName: "file"))
    var events: String?

    @Flag(name: .customLong("no-sound"), help: "Do not play chimes.")
    var noSound = false

    func validate() throws {
        guard speed.isFinite, (0.1...1000).contains(speed) else {
            throw ValidationError("--speed must be between 0.1 and 1000, got \(speed)")
        }
        guard leadIn.isFinite, (0...600).contains(leadIn) else {
            throw ValidationError("--lead-in must be between 0 and 600 seconds, got \(leadIn)")
        }
        if events?.isEmpty == true {
            throw ValidationError("--events needs a file name, or '-' for standard output")
        }
    }

    func run() async throws {
        let (treatment, _) = try ProtocolCatalog.current.resolveOrExit(protocolName)
        let timeline = Timeline(treatment)
        let output = try makeOutput(timeline)
        defer { if events != "-" { output.events?.close() } }

        let clock = ContinuousClock()
        if leadIn > 0 {
            output.note("\(TimeText.elapsed(.zero - .seconds(leadIn)))  lead-in         \(treatment.title.terminalSafe) begins in \(DurationText.format(.seconds(leadIn)))")
            try? await clock.sleep(until: clock.now.advanced(by: .seconds(leadIn)), tolerance: nil)
        }

        let inbox = CommandInbox()
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP]) { _ in inbox.send(.finish) }
        let engine = SessionEngine(timeline: timeline, speed: speed)
        _ = await SessionRunner(clock: clock).run(engine, inbox: inbox, onEvent: output.emit)
        signals.stop()
        if let signal = signals.received {
            throw ExitStatus.signal(signal)
        }
    }

    private func makeOutput(_ timeline: Timeline) throws -> SessionOutput {
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
                             plain: events == "-" ? nil : .output, events: eventStream)
    }
}
