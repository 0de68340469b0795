import ArgumentParser
import Dispatch
import Synchronization
import TouchtimeAudio
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// The one session shell: what every session has, written once. `run`, `practice` and the
/// stroke drill are `SessionMode`s that supply only what differs.
///
/// In order: the outputs and the history's place are checked (refused before the session, never
/// found broken after it), the sound opened, the lead-in counted, the display and the keys
/// started, the runner run; then the record is written first of all, the summary shown, the
/// terminal given back, and only then the report, every deferred warning and the exit status.
///
/// Signals are watched from the command's first instruction (`SignalWatcher.install()`): an
/// ending signal at any moment, a burst of them, or one while the device opens, ends the
/// session in order with its record and exit status 128 + the signal's number. A side output
/// that fails (a reader gone, a full disk) never ends the session; it is reported once, after,
/// and the exit status is 74.
struct SessionHost<Mode: SessionMode> {
    let mode: Mode
    let options: SessionOptions
    let speed: Double
    /// Seconds of countdown before the session.
    var leadIn = Settings.standardLeadIn
    /// The key map, the debounce, and the pedal if any.
    var keys = KeySettings()
    /// The ALSA device, when the mode has chimes.
    var device = "default"
    /// Close the full screen at the end without waiting for a key.
    var exitAtEnd = false

    func run() async throws {
        SignalWatcher.install()
        let timeline = mode.model.timeline
        let output = try options.makeOutput(timeline, speed: speed)
        switch options.historyPlace {
        case .off:
            break
        case .unknown:
            // A record silently dropped is a record lost: refused before the session.
            reportError("no place for the history: neither HOME nor XDG_DATA_HOME is set; set one, or pass --history FILE "
                        + "(or --no-history to record nothing)")
            throw ExitStatus.cannotCreate
        case .file(let path, let root):
            do throws(HistoryFile.WriteError) {
                try HistoryFile.checkDestination(path, root: root)
            } catch {
                reportError(error.description + "; record elsewhere with --history FILE, or not at all with --no-history")
                throw ExitStatus.cannotCreate
            }
        }

        let clock = ContinuousClock()
        let inbox = CommandInbox()
        let closeSummary = CommandInbox()
        let screen = Mutex<BedsideDisplay?>(nil)
        // Only a terminal repeats a held key: keys from a pipe (a script, a pedal daemon) are taken as sent.
        let debounce = Terminal.inputIsTerminal ? mode.maximumDebounce.map { min($0, keys.debounce) } ?? keys.debounce : .zero
        let controller = Mutex(KeyController(mode: mode.controls, map: keys.map, debounce: debounce))
        let resumes = mode.resumesAfterStop
        SignalWatcher.watch { signal in
            switch signal {
            case SIGTSTP:
                // Ctrl-Z: the clock stops, the terminal is given back, then the process stops.
                inbox.send(.pause)
                Terminal.shared.suspend()
                kill(getpid(), SIGSTOP)
            case SIGCONT:
                Terminal.shared.resume()
                screen.withLock { $0 }?.redrawAll()
                if resumes { inbox.send(.resume) }
            case SIGWINCH:
                screen.withLock { $0 }?.redrawAll()
            default:
                inbox.send(.finish)
                closeSummary.send(.finish)
            }
        }

        // The screen and the lead-in first: preparing the sound (prompts rendered, the device opened,
        // a sound server starting the stream) can take seconds, and the screen is never blank
        // meanwhile. The lead-in counts down from now; the session starts when it ends, or once
        // the sound is ready if that is later: its clock never runs before its sound can.
        let startTime = StartTime()
        startTime.set(clock.now.advanced(by: .seconds(leadIn)))
        let soundLost = DeferredWarning()
        let warnings = DeferredWarning()
        if options.usesDisplay {
            soundLost.deferUntilFlushed()
            warnings.deferUntilFlushed()
        }
        let unavailable = Mutex<String?>(nil)
        if let introduction = mode.introduction { output.note(introduction.terminalSafe) }
        if leadIn > 0 {
            output.note("\(TimeText.elapsed(.zero - .seconds(leadIn)))  lead-in         "
                        + "\(timeline.treatment.title.terminalSafe) begins in \(DurationText.format(.seconds(leadIn)))")
        }
        let display: BedsideDisplay? = options.usesDisplay
            ? BedsideDisplay(model: mode.model, controls: controller.withLock { $0 }, start: startTime,
                             color: BedsideDisplay.wantsColor(Environment.variables), preparingSound: mode.chimes != nil,
                             soundUnavailable: { unavailable.withLock { $0 != nil } || soundLost.isSet })
            : nil
        screen.withLock { $0 = display }
        defer {
            // A thrown error or any early way out: the terminal is given back all the same.
            display?.close()
            Terminal.shared.restore()
        }
        if let display { display.open() } else { Terminal.shared.takeKeys() }

        // Keys from the first moment: before the start they can quit, mute or ask for help; a press
        // then is before the session (nothing to measure), never counted later.
        let plainPrompt = output.plain != nil
        let quitAsked = Mutex(false)
        let soundBox = Mutex<SessionSound?>(nil)
        let act: @Sendable (KeyController.Outcome, KeyController) -> Void = { outcome, controls in
            display?.update(controls)
            if outcome.overlay == .confirmQuit, plainPrompt, !outcome.repeated, outcome.settleAt == nil {
                output.note("press q (or y) again within 3 s to quit")
            }
            if outcome.close { closeSummary.send(.finish) }
            if outcome.volumeStep != 0, let sound = soundBox.withLock({ $0 }) {
                let volume = sound.changeVolume(by: outcome.volumeStep)
                display?.showVolume(volume)
                output.note("volume \(volume)")
            }
            if let command = outcome.command {
                if command == .quit { quitAsked.withLock { $0 = true } }
                inbox.send(command)
            }
        }
        // A second press of one key is held back a moment to tell it from a held key's repeat
        // (KeyController); it is settled when no repeat followed.
        @Sendable func settle(after delay: Duration) {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(delay.milliseconds) + 1)) {
                let now = (startTime.value ?? clock.now).duration(to: clock.now)
                let (outcomes, controls) = controller.withLock { controller in (controller.settle(at: now), controller) }
                for outcome in outcomes { act(outcome, controls) }
            }
        }
        KeyReader.start(fromPipe: mode.keysFromPipe, fromFile: mode.keysFromFile) { key in
            let now = (startTime.value ?? clock.now).duration(to: clock.now)
            let (outcomes, controls) = controller.withLock { controller in (controller.handle(key, at: now), controller) }
            for outcome in outcomes {
                act(outcome, controls)
                if let settleAt = outcome.settleAt { settle(after: settleAt - now) }
            }
        }
        if let pedal = keys.pedal {
            PedalReader.start(pedal, warn: { warnings.post($0) }) { action in
                let now = (startTime.value ?? clock.now).duration(to: clock.now)
                let (outcome, controls) = controller.withLock { controller in (controller.handle(action: action, at: now), controller) }
                act(outcome, controls)
            }
        }

        // Sound: every chime rendered and the stream running before the session starts.
        var sound: SessionSound?
        var prompts: PromptSupply?
        var firstPrompts: [String] = []
        defer { prompts?.stop() }
        if let plan = mode.chimes, SignalWatcher.firstEnding == nil {
            let device = device
            let giveUp = { SignalWatcher.firstEnding != nil || quitAsked.withLock { $0 } }
            // The first prompts are asked for at once, the rest as the session moves (a helper renders
            // them); without speech, the session goes on with its chimes.
            if let speechPlan = mode.speech {
                let supply = PromptSupply(options: speechPlan.options, volume: plan.volume, helper: PromptsCommand.executablePath,
                                          onProblem: { warnings.post($0) })
                firstPrompts = SpeechPlan.Order(speechPlan).upcoming(from: mode.model.currentIndex, count: 2)
                supply.want(firstPrompts)
                prompts = supply
            }
            do throws(ALSAError) {
                sound = try SessionSound(plan: plan, speech: mode.speech.flatMap { plan in prompts.map { (plan, $0) } },
                                         device: device, giveUp: giveUp) { error in
                    // The device was lost mid-session: one line, a badge, and the session goes on silently.
                    soundLost.post("sound lost on '\(device)': \(error); the session goes on without chimes")
                    if let start = startTime.value {
                        let event = SessionEvent(kind: .audioUnavailable(reason: error.description), planned: .zero, due: .zero)
                        output.emit(StampedEvent(event: event, elapsed: start.duration(to: clock.now)))
                    }
                }
            } catch {
                unavailable.withLock { $0 = error.description }
                warnings.post("\(SoundProblem(error, device: device, environment: Environment.variables).reason); the session goes on without chimes")
            }
        }

        soundBox.withLock { $0 = sound }
        // The first prompts, while the lead-in runs (at most a second past it): a session whose
        // speech is late starts with its chimes, and an ending signal is acted on at once.
        if let prompts, sound != nil {
            let firstPrompts = firstPrompts
            let wait = clock.now.duration(to: max(startTime.value ?? clock.now, clock.now).advanced(by: .seconds(1)))
            await withTaskGroup(of: Void.self) { group in
                group.addTask { _ = await prompts.ready(firstPrompts, within: wait) }
                group.addTask { await SignalWatcher.ended.wait() }
                _ = await group.next()
                group.cancelAll()
            }
        }

        // Spoken commands (`--listen`): what is heard goes through the inbox as a key would, once the
        // session runs. Without a capture device or the model: one warning, and keys and pedals.
        var listener: Listener?
        if let listen = keys.listen, SignalWatcher.firstEnding == nil {
            do throws(ListenError) {
                listener = try await Listener.start(
                    device: listen.device, thresholds: listen.thresholds, helper: PromptsCommand.executablePath,
                    modelDirectory: Listener.modelDirectory(environment: Environment.variables),
                    heard: { heard in
                        guard let start = startTime.value, clock.now >= start else { return }
                        display?.showHeard(heard.command.phrase)
                        inbox.send(.heard(phrase: heard.command.phrase, score: heard.score, command: heard.command.command))
                    }, lost: { warnings.post($0) })
            } catch {
                warnings.post("not listening: \(error); keys and pedals still work")
            }
        }
        defer { listener?.stop() }
        // With sound, the first boundary must lie beyond the audio queued ahead for its chime to be on time.
        let start = max(startTime.value ?? clock.now, clock.now.advanced(by: sound?.minimumLead ?? .zero))
        startTime.set(start)
        display?.begin()
        let unavailableAtStart = unavailable.withLock { $0 }

        sound?.predict(mode.model, start: start)
        var tally = SessionTally()
        var startedWall = SessionOutput.wallNow()
        let final = await SessionRunner(clock: clock).run(mode.model, startingAt: start, inbox: inbox, onEvent: { stamped in
            output.emit(stamped)
            tally.record(stamped.event, elapsed: stamped.elapsed)
            switch stamped.event.kind {
            case .sessionStart:
                startedWall = SessionOutput.wallNow()
                if let unavailableAtStart {
                    output.emit(StampedEvent(event: SessionEvent(kind: .audioUnavailable(reason: unavailableAtStart), planned: .zero, due: .zero),
                                             elapsed: stamped.elapsed))
                }
            case .muted(let muted):
                sound?.isMuted = muted
            default:
                break
            }
            if let sounded = sound?.observe(stamped.event, start: start) {
                // What touchtime sounds is not searched for commands.
                if let listener, sounded.chime != nil || sounded.utterance != nil, let sound {
                    listener.suppress(for: sound.loudLength(of: sounded))
                }
                if let cue = sounded.chime {
                    let chime = SessionEvent(kind: .chime(cue.voice.kind), segmentIndex: cue.segmentIndex, phaseID: cue.phaseID,
                                             planned: cue.planned, due: cue.due)
                    output.emit(StampedEvent(event: chime, elapsed: stamped.elapsed))
                }
                if let utterance = sounded.utterance {
                    let speech = SessionEvent(kind: .speech(text: utterance.text), segmentIndex: utterance.id.segmentIndex,
                                              phaseID: utterance.phaseID, planned: utterance.planned, due: utterance.id.due)
                    output.emit(StampedEvent(event: speech, elapsed: stamped.elapsed))
                }
            }
            mode.observe(stamped, output: output, screen: display)
        }, onUpdate: { model, start in
            sound?.predict(model, start: start)
            display?.update(model)
        })

        listener?.stop()
        // The record before anything else: whatever happens next, it is written.
        let signal = SignalWatcher.firstEnding
        if signal != nil { sound?.stop() }
        var entry = HistoryEntry(
            protocolID: timeline.treatment.id, protocolHash: HistoryEntry.hash(of: timeline), mode: mode.historyMode,
            start: startedWall, end: SessionOutput.wallNow(), planned: timeline.totalDuration,
            actual: max(tally.ended?.at ?? .zero, .zero),
            speed: speed, outcome: signal != nil ? .aborted : final.state == .finished(completed: true) ? .completed : .quit,
            pauses: tally.pauses, skips: tally.skips, extensions: tally.extensions)
        mode.record(final, into: &entry)
        var problems: [String] = []
        var recorded = false
        if case .file(let path, let root) = options.historyPlace {
            do throws(HistoryFile.WriteError) {
                try HistoryFile.append(entry, to: path, root: root)
                recorded = true
            } catch {
                problems.append(error.description)
            }
        }

        if let display {
            display.update(final)
            if mode.showsSummary, signal == nil {
                display.showSummary(tally.summary(planned: timeline.totalDuration))
                let controls = controller.withLock { controller in
                    controller.showSummary()
                    return controller
                }
                display.update(controls)
                // Wait for a key, unless asked not to or no key can come (standard input is no terminal);
                // the finish bell rings out meanwhile, and what still rings when a key closes it fades out.
                if !exitAtEnd, Terminal.inputIsTerminal, SignalWatcher.firstEnding == nil {
                    let ringing = sound.map { sound in Task.detached { sound.finish(giveUp: { SignalWatcher.firstEnding != nil }) } }
                    _ = await closeSummary.next()
                    sound?.fadeOut()
                    await ringing?.value
                }
            }
        }
        // Ended by a signal: silence at once. Quit: what rings fades out (the user is done).
        let completed = final.state == .finished(completed: true)
        if SignalWatcher.firstEnding != nil { sound?.stop() } else if !completed { sound?.fadeOut() }
        display?.close()
        Terminal.shared.restore()

        // The terminal is back: the report, then whatever went wrong, one line each.
        let history = recorded ? options.historyPath.map(HistoryReader.init(path:)) : nil
        if let report = mode.report(final, entry: entry, history: history) { output.report(report) }
        warnings.flush()
        soundLost.flush()
        problems = output.finish() + problems
        for problem in problems { reportError(problem) }
        let status: ExitCode? = SignalWatcher.firstEnding.map(ExitStatus.signal) ?? (problems.isEmpty ? nil : ExitStatus.ioError)
        // A completed session's last bell rings out after the report (the user has it already);
        // a signal meanwhile cuts it short.
        sound?.finish(giveUp: { SignalWatcher.firstEnding != nil })
        if let status { throw status }
    }
}

/// The session's start instant, set once and read from the audio thread.
final class StartTime: Sendable {
    private let instant = Mutex<ContinuousClock.Instant?>(nil)

    func set(_ value: ContinuousClock.Instant) { instant.withLock { $0 = value } }
    var value: ContinuousClock.Instant? { instant.withLock { $0 } }
}
