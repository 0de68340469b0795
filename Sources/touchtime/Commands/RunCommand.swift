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

    @OptionGroup var session: SessionOptions

    @Flag(name: .customLong("exit-at-end"), help: "Close the full-screen display when the session ends, without waiting for a key.")
    var exitAtEnd = false

    @OptionGroup var sound: SoundOptions

    @Flag(name: .customLong("no-pace"), help: "No stroke-pacing ticks (phases with strokeSeconds).")
    var noPace = false

    func validate() throws {
        guard speed.isFinite, (0.1...1000).contains(speed) else {
            throw ValidationError("--speed must be between 0.1 and 1000, got \(speed)")
        }
        try sound.validate()
    }

    func run() async throws {
        let (treatment, _) = try ProtocolCatalog.current.resolveOrExit(protocolName)
        let timeline = Timeline(treatment)
        let output = try session.makeOutput(timeline, speed: speed)
        defer { if events != "-" { output.events?.close() } }

        let clock = ContinuousClock()
        let startTime = StartTime()
        let soundLost = DeferredWarning()
        if usesDisplay { soundLost.deferUntilFlushed() }
        let plan = ChimePlan(timeline: timeline, volume: sound.volume, pace: !noPace)
        var chimes: SessionSound?
        var unavailable: String?
        if !sound.noSound {
            do throws(ALSAError) {
                chimes = try SessionSound(plan: plan, device: sound.device) { error in
                    // The device was lost mid-session: one line, and the session goes on silently.
                    soundLost.post("sound lost on '\(sound.device)': \(error); the session goes on without chimes")
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
        let engine = SessionEngine(timeline: timeline, speed: speed)
        let unavailableAtStart = unavailable != nil
        let display: BedsideDisplay? = !usesDisplay ? nil : BedsideDisplay(
                engine: engine, start: start, inbox: inbox, sound: chimes,
                soundUnavailable: { unavailableAtStart || soundLost.isSet },
                color: Environment.variables["NO_COLOR"] == nil && Environment.variables["TERM"] != "dumb"
            ) { event in
                output.emit(.init(event: event, elapsed: start.duration(to: clock.now)))
            }
        defer {
            display?.close()
            soundLost.flush()
        }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP]) { _ in
            inbox.send(.finish)
            display?.closeInbox.send(.finish)
        }
        var screenSignals: SignalWatcher?
        if let display {
            screenSignals = SignalWatcher(signals: [SIGTSTP, SIGCONT, SIGWINCH]) { signal in
                switch signal {
                case SIGTSTP:
                    // Ctrl-Z: the clock stops, the terminal is given back, then the process stops.
                    inbox.send(.pause)
                    Terminal.shared.leave()
                    kill(getpid(), SIGSTOP)
                case SIGCONT:
                    // Continued (fg): the display comes back, paused.
                    Terminal.shared.enter()
                    display.redrawAll()
                default:
                    display.redrawAll()
                }
            }
            display.start()
        }
        chimes?.predict(engine, start: start)
        var tally = SessionTally()
        var startedWall = SessionOutput.wallNow()
        let final = await SessionRunner(clock: clock).run(engine, startingAt: start, inbox: inbox, onEvent: { stamped in
            output.emit(stamped)
            tally.record(stamped.event, elapsed: stamped.elapsed)
            if stamped.event.kind == .sessionStart { startedWall = SessionOutput.wallNow() }
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
            display?.update(engine)
        })
        if let signal = signals.received {
            chimes?.stop()
            signals.stop()
            record(tally, timeline: timeline, started: startedWall, outcome: .aborted)
            throw ExitStatus.signal(signal)
        }
        record(tally, timeline: timeline, started: startedWall, outcome: tally.ended?.completed == true ? .completed : .quit)
        if let display {
            display.update(final)
            display.showSummary(tally.summary(planned: timeline.totalDuration))
            // Wait for a key, unless asked not to or no key can come (standard input is no terminal).
            if !exitAtEnd, isatty(STDIN_FILENO) == 1 {
                _ = await display.closeInbox.next()
            }
        }
        chimes?.finish()
        screenSignals?.stop()
        signals.stop()
        if let signal = signals.received {
            throw ExitStatus.signal(signal)
        }
    }

    /// Appends the session to the history; a failure is reported, never fatal.
    private func record(_ tally: SessionTally, timeline: Timeline, started: String, outcome: HistoryEntry.Outcome) {
        guard let path = session.historyPath else { return }
        let entry = HistoryEntry(
            protocolID: timeline.treatment.id, protocolHash: HistoryEntry.hash(of: timeline), mode: "run",
            start: started, end: SessionOutput.wallNow(), planned: timeline.totalDuration.seconds,
            actual: (tally.ended?.at ?? .zero).seconds, outcome: outcome, pauses: tally.pauses, skips: tally.skips,
            extensions: tally.extensions)
        do {
            try HistoryFile.append(entry, to: path)
        } catch {
            reportError(error.description)
        }
    }

    private var leadIn: Double { session.leadIn }
    private var events: String? { session.events }
    private var usesDisplay: Bool { session.usesDisplay }

}
