import Synchronization
import TouchtimeCore

/// What one running session shares between its stages and the threads that tell it things (keys,
/// a pedal, listening, signals, a lost sound device): one lock around one state.
final class SessionContext<Mode: SessionMode, C: Clock & Sendable>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    struct Shared {
        var controller: KeyController
        var sound: (any SessionSound<C.Instant>)?
        /// The session's start: until the sound is ready, the lead-in's end (what the screen counts down to).
        var start: C.Instant?
        var quitAsked = false
        var tally = SessionTally()
        var startedWall: String
        /// Why sound could not be had at the start, reported once the session starts.
        var unavailableAtStart: String?
        /// Trouble with the sound said before the session started, reported once it starts.
        var troubleAtStart: [String] = []
        /// The model as last run, for what is reported between its events (a lost device).
        var latest: any SessionModel
        /// The record could not be written: said with the other problems at the end.
        var recordProblem: String?
    }

    let mode: Mode
    let settings: Session<Mode, C>.Settings
    let parts: Session<Mode, C>.Parts
    let inbox = CommandInbox()
    /// Opened by a key on the summary, or an ending signal.
    let summaryClosed = Latch()
    let warnings: DeferredWarnings
    let soundLost: DeferredWarnings
    let shared: Mutex<Shared>

    init(mode: Mode, settings: Session<Mode, C>.Settings, parts: Session<Mode, C>.Parts) {
        self.mode = mode
        self.settings = settings
        self.parts = parts
        warnings = DeferredWarnings(say: parts.warn)
        soundLost = DeferredWarnings(say: parts.warn)
        // Only a terminal repeats a held key: keys from a pipe (a script, a pedal daemon) are taken as sent.
        let debounce = settings.keysAreTerminal ? min(settings.debounce, mode.maximumDebounce ?? settings.debounce) : .zero
        shared = Mutex(Shared(controller: KeyController(mode: mode.controls, map: settings.keyMap, debounce: debounce),
                              startedWall: parts.wallNow(), latest: mode.model))
    }

    var clock: C { parts.clock }
    var sound: (any SessionSound<C.Instant>)? { shared.withLock { $0.sound } }

    /// Session time now: negative during the lead-in.
    var elapsedNow: Duration {
        let now = clock.now
        return (shared.withLock { $0.start } ?? now).duration(to: now)
    }

    // MARK: Stages

    /// Ctrl-Z pauses and gives the terminal back; fg takes it again; a resize redraws; an ending
    /// signal ends the session (and closes its summary) in order.
    func watchSignals() {
        let screen = parts.screen
        parts.signals.watch { [self] signal in
            switch signal {
            case .suspend:
                inbox.send(.pause)
                screen.suspend()
                parts.signals.stopProcess()
            case .resume:
                screen.resume()
                screen.redraw()
                if mode.resumesAfterStop { inbox.send(.resume) }
            case .resize:
                screen.redraw()
            case .ending:
                inbox.send(.finish)
                summaryClosed.open()
            }
        }
    }

    /// The screen and the lead-in first: preparing the sound can take seconds, and the screen is
    /// never blank meanwhile. The lead-in counts down from now.
    func beginLeadIn() {
        let leadInEnds = clock.now.advanced(by: settings.leadIn)
        let controls = shared.withLock { shared in
            shared.start = leadInEnds
            return shared.controller
        }
        if parts.screen.isFullScreen {
            warnings.deferUntilFlushed()
            soundLost.deferUntilFlushed()
        }
        if let introduction = mode.introduction { parts.log.note(introduction.terminalSafe) }
        if settings.leadIn > .zero {
            let title = mode.model.timeline.treatment.title.terminalSafe
            parts.log.note("\(TimeText.elapsed(.zero - settings.leadIn))  lead-in         \(title) begins in \(DurationText.format(settings.leadIn))")
        }
        parts.screen.open(model: mode.model, controls: controls, leadInEnds: leadInEnds)
    }

    /// Opens the sound when the mode has some, unless an ending signal came first.
    func openSound() async {
        guard mode.hasSound, parts.signals.firstEnding == nil else { return }
        let notices = SoundNotices(warn: { [self] line in warnings.post(line) },
                                   lost: { [self] warning, reason in lost(warning: warning, reason: reason) },
                                   trouble: { [self] warning in trouble(warning) })
        switch await parts.openSound(parts.signals.ended, notices) {
        case .opened(let sound):
            shared.withLock { $0.sound = sound }
        case .unavailable(let warning, let reason):
            shared.withLock { $0.unavailableAtStart = reason }
            warnings.post(warning)
            // The screen says it in the warning's plain words (what to do follows after the session).
            let said = warning.ranges(of: "; the session goes on").first.map { String(warning[..<$0.lowerBound]) } ?? warning
            parts.screen.showSoundProblem(said.isEmpty ? reason : said)
        case .none:
            break
        }
    }

    /// The device was lost mid-session: one line, on the screen, and in the events; the session
    /// goes on silently.
    func lost(warning: String, reason: String) {
        soundLost.post(warning)
        parts.screen.showSoundProblem(reason)
        let (latest, started) = shared.withLock { ($0.latest, $0.start.map { clock.now >= $0 } ?? false) }
        guard started else { return }
        parts.log.emit(StampedReport(report: SessionReport(.audioUnavailable(reason: reason), model: latest, at: elapsedNow),
                                     elapsed: elapsedNow))
    }

    /// The sound plays, but not as it should: one line, and an event (kept for the session's
    /// start when it has not started yet).
    func trouble(_ warning: String) {
        soundLost.post(warning)
        let (latest, started) = shared.withLock { shared -> (any SessionModel, Bool) in
            let started = shared.start.map { clock.now >= $0 } ?? false
            if !started { shared.troubleAtStart.append(warning) }
            return (shared.latest, started)
        }
        guard started else { return }
        parts.log.emit(StampedReport(report: SessionReport(.audioTrouble(reason: warning), model: latest, at: elapsedNow),
                                     elapsed: elapsedNow))
    }

    /// The session starts when the lead-in ends, or once the sound can be on time if that is later:
    /// its first boundary must lie beyond what is queued ahead of its chime.
    func startInstant() -> C.Instant {
        let now = clock.now
        let start = shared.withLock { shared -> C.Instant in
            let lead = shared.sound?.minimumLead ?? .zero
            let start = max(shared.start ?? now, now.advanced(by: lead))
            shared.start = start
            return start
        }
        parts.screen.begin(at: start)
        return start
    }

    /// Runs the model to its end, every event and report handed to the observers.
    func runModel(from start: C.Instant, inputs: any SessionInputs) async -> Mode.Model {
        let observers = SessionObservers(context: self, start: start, inputs: inputs)
        sound?.predict(mode.model, start: start)
        return await SessionRunner(clock: clock).run(
            mode.model, startingAt: start, inbox: inbox,
            onEvent: { observers.observe(.event($0)) }, onReport: { observers.observe(.report($0)) },
            onUpdate: { [self] model, start in
                sound?.predict(model, start: start)
                parts.screen.show(model)
                shared.withLock { $0.latest = model }
            })
    }

    /// The record, before anything else: whatever happens next, it is written.
    func record(_ final: Mode.Model) async -> (HistoryEntry, recorded: Bool) {
        let signal = parts.signals.firstEnding
        if signal != nil { await sound?.stop() }
        let timeline = final.timeline
        let (tally, started) = shared.withLock { ($0.tally, $0.startedWall) }
        var entry = HistoryEntry(
            protocolID: timeline.treatment.id, protocolHash: HistoryEntry.hash(of: timeline), mode: mode.historyMode,
            start: started, end: parts.wallNow(), planned: timeline.totalDuration, actual: max(tally.ended?.at ?? .zero, .zero),
            speed: settings.speed, outcome: signal != nil ? .aborted : final.state == .finished(completed: true) ? .completed : .quit,
            pauses: tally.pauses, skips: tally.skips, extensions: tally.extensions)
        mode.record(final, into: &entry)
        guard let history = parts.history else { return (entry, false) }
        if let problem = history.append(entry) {
            shared.withLock { $0.recordProblem = problem }
            return (entry, false)
        }
        return (entry, true)
    }

    /// The summary (which waits for a key while the finish bell rings out), the sound ended or
    /// faded, and the terminal given back.
    func close(_ final: Mode.Model, entry: HistoryEntry, recorded: Bool) async {
        let screen = parts.screen
        screen.show(final)
        if mode.showsSummary, parts.signals.firstEnding == nil, screen.isFullScreen {
            let controls = shared.withLock { shared in
                shared.controller.showSummary()
                return shared.controller
            }
            var summary = shared.withLock { $0.tally }.summary(planned: final.timeline.totalDuration)
            if let stopped = entry.stoppedAt {
                summary.stoppedAt = stopped.text.terminalSafe
                // Resumed from the history it was just written to.
                if recorded, entry.mode == .run { summary.resumeCommand = "touchtime run \(entry.protocolID.terminalSafe) --resume" }
            }
            screen.showSummary(summary)
            screen.show(controls)
            if !settings.exitAtEnd, settings.keysAreTerminal, parts.signals.firstEnding == nil {
                let sound = sound
                let ringing = sound.map { sound in Task { await sound.ringOut() } }
                await summaryClosed.wait()
                await sound?.fadeOut()
                await ringing?.value
            }
        }
        // Ended by a signal: silence at once. Quit: what rings fades out (the user is done).
        if parts.signals.firstEnding != nil {
            await sound?.stop()
        } else if final.state != .finished(completed: true) {
            await sound?.fadeOut()
        }
        screen.close()
    }

    /// With the terminal back: the report, then whatever went wrong, one line each; a completed
    /// session's last bell rings out after it (a signal meanwhile cuts it short).
    func report(_ final: Mode.Model, entry: HistoryEntry, recorded: Bool) async -> SessionOutcome {
        if let report = mode.report(final, entry: entry, history: recorded ? parts.history : nil) { parts.log.report(report) }
        warnings.flush()
        soundLost.flush()
        let problems = await parts.log.finish() + (shared.withLock { $0.recordProblem }.map { [$0] } ?? [])
        for problem in problems { parts.warn(problem) }
        if let sound {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await sound.ringOut() }
                group.addTask { [parts] in await parts.signals.ended.wait() }
                _ = await group.next()
                group.cancelAll()
            }
            if parts.signals.firstEnding != nil { await sound.stop() }
        }
        return SessionOutcome(signal: parts.signals.firstEnding, problems: problems)
    }
}
