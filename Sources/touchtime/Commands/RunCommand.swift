import ArgumentParser
import Dispatch
import Synchronization
import TouchtimeAudio
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

    @OptionGroup var sound: SoundOptions

    @Flag(name: .customLong("no-pace"), help: "No stroke-pacing ticks (phases with strokeSeconds).")
    var noPace = false

    func validate() throws {
        guard speed.isFinite, (0.1...1000).contains(speed) else {
            throw ValidationError("--speed must be between 0.1 and 1000, got \(speed)")
        }
        guard leadIn.isFinite, (0...600).contains(leadIn) else {
            throw ValidationError("--lead-in must be between 0 and 600 seconds, got \(leadIn)")
        }
        try sound.validate()
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
        let startTime = StartTime()
        let plan = ChimePlan(timeline: timeline, volume: sound.volume, pace: !noPace)
        var chimes: SessionSound?
        var unavailable: String?
        if !sound.noSound {
            do throws(ALSAError) {
                chimes = try SessionSound(plan: plan, device: sound.device) { error in
                    // The device was lost mid-session: one line, and the session goes on silently.
                    reportError("sound lost on '\(sound.device)': \(error); the session goes on without chimes")
                    if let start = startTime.value {
                        output.emit(.init(event: SessionEvent(kind: .audioUnavailable, planned: .zero, due: .zero, reason: error.description),
                                          elapsed: start.duration(to: clock.now)))
                    }
                }
            } catch {
                unavailable = error.description
                reportError("sound unavailable on '\(sound.device)': \(error); the session goes on without chimes")
            }
        }

        // With sound, the first boundary must lie beyond the audio buffer for its chime to be on time.
        let start = clock.now.advanced(by: max(.seconds(leadIn), chimes?.minimumLead ?? .zero))
        startTime.set(start)
        if leadIn > 0 {
            output.note("\(TimeText.elapsed(.zero - .seconds(leadIn)))  lead-in         \(treatment.title.terminalSafe) begins in \(DurationText.format(.seconds(leadIn)))")
        }
        let inbox = CommandInbox()
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP]) { _ in inbox.send(.finish) }
        let engine = SessionEngine(timeline: timeline, speed: speed)
        chimes?.predict(engine, start: start)
        _ = await SessionRunner(clock: clock).run(engine, startingAt: start, inbox: inbox, onEvent: { stamped in
            output.emit(stamped)
            if stamped.event.kind == .sessionStart, let unavailable {
                output.emit(.init(event: SessionEvent(kind: .audioUnavailable, planned: .zero, due: .zero, reason: unavailable),
                                  elapsed: stamped.elapsed))
            }
            if let cue = chimes?.observe(stamped.event, start: start) {
                output.emit(.init(event: SessionEvent(kind: .chime, segmentIndex: cue.segmentIndex, phaseID: cue.phaseID,
                                                      planned: cue.planned, due: cue.due, chime: cue.voice.kind),
                                  elapsed: stamped.elapsed))
            }
        }, onUpdate: { engine, start in
            chimes?.predict(engine, start: start)
        })
        signals.stop()
        if let signal = signals.received {
            chimes?.stop()
            throw ExitStatus.signal(signal)
        }
        chimes?.finish()
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
