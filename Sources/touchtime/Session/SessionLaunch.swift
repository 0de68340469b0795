import ArgumentParser
import TouchtimeAudio
import TouchtimeCore
import TouchtimeSession
import TouchtimeSystem

#if canImport(Glibc)
import Glibc
#endif

/// What a session command hands over: the mode, its options and settings, and its sound (when it
/// has some). `run` builds a `Session` with the real parts (the log's channels, the bedside
/// display or the plain terminal, the history file, the signal watcher, ALSA, the keys, a pedal
/// and listening), runs it, and turns its outcome into the exit status.
struct SessionLaunch<Mode: SessionMode> {
    /// A session's sound: its chimes, its prompts when it speaks, and the device.
    struct Sound {
        var plan: ChimePlan
        var speech: SpeechPlan?
        var device: String
        /// How commands are confirmed (a guided session's; nil: they are not).
        var confirmations: ConfirmationPlan?
    }

    let mode: Mode
    let options: SessionOptions
    let settings: Settings
    let speed: Double
    var sound: Sound?

    func run() async throws {
        SignalWatcher.install()
        let timeline = mode.model.timeline
        let output = try options.makeOutput(timeline, speed: speed)
        let session = Session(mode: mode, settings: sessionSettings, parts: parts(output))
        let outcome = await session.run()
        if let refusal = outcome.refusal { throw CommandFailure(refusal, status: ExitStatus.cannotCreate) }
        if let signal = outcome.signal { throw ExitStatus.signal(signal) }
        if !outcome.problems.isEmpty { throw ExitStatus.ioError }
    }

    private var sessionSettings: Session<Mode, ContinuousClock>.Settings {
        let keys = settings.keys
        return .init(leadIn: .seconds(settings.leadIn.value), keyMap: keys.map, debounce: keys.debounce,
                     keysAreTerminal: Terminal.inputIsTerminal, exitAtEnd: settings.exitAtEnd.value, speed: speed)
    }

    private func parts(_ output: SessionOutput) -> Session<Mode, ContinuousClock>.Parts {
        let screen: any SessionScreen<ContinuousClock.Instant> = options.usesDisplay
            ? BedsideDisplay(model: mode.model, controls: KeyController(mode: mode.controls), color: BedsideDisplay.wantsColor(Environment.variables),
                             preparingSound: sound != nil)
            : PlainScreen(terminal: .shared)
        let (sound, keys, leadIn, mode) = (self.sound, settings.keys, Duration.seconds(settings.leadIn.value), self.mode)
        return .init(
            clock: ContinuousClock(), log: output, screen: screen, history: HistoryPlaceRecorder(options.historyPlace),
            signals: WatchedSignals(),
            openSound: { giveUp, notices in
                guard let sound else { return .none }
                return await PlayedSound.open(plan: sound.plan, speech: sound.speech, confirmations: sound.confirmations, device: sound.device,
                                              startIndex: mode.model.currentIndex, leadIn: leadIn, giveUp: giveUp, notices: notices)
            },
            startInputs: { sink in
                await StartedInputs.start(sink, keysFromPipe: mode.keysFromPipe, keysFromFile: mode.keysFromFile, keys: keys,
                                          ended: SignalWatcher.ended)
            },
            wallNow: SessionOutput.wallNow, warn: reportError)
    }
}

/// The keys, a pedal and listening, started for a session.
struct StartedInputs: SessionInputs {
    let listener: Listener?

    func quiet(for length: Duration) { listener?.suppress(for: length) }
    func stop() { listener?.stop() }

    /// Keys from the first moment (before the start they can quit, mute or ask for help), a pedal,
    /// and spoken commands: a listener that cannot start is one warning, and keys and pedals go on;
    /// an ending signal while it loads ends the wait.
    static func start(_ sink: any SessionInputSink, keysFromPipe: Bool, keysFromFile: Bool, keys: KeySettings, ended: Latch) async -> StartedInputs {
        KeyReader.start(fromPipe: keysFromPipe, fromFile: keysFromFile) { key in sink.key(key) }
        if let pedal = keys.pedal {
            PedalReader.start(pedal, warn: { sink.warn($0) }) { action in sink.action(action) }
        }
        guard let listen = keys.listen, !ended.isOpen else { return StartedInputs(listener: nil) }
        let listener: Listener? = await withTaskGroup(of: Listener??.self) { group in
            group.addTask {
                do throws(ListenError) {
                    return .some(try await Listener.start(
                        device: listen.device, thresholds: listen.thresholds, helper: PromptsCommand.executablePath,
                        modelDirectory: Listener.modelDirectory(environment: Environment.variables),
                        heard: { sink.heard(phrase: $0.command.phrase, score: $0.score, command: $0.command.command) },
                        lost: { sink.warn($0) }))
                } catch {
                    if !ended.isOpen { sink.warn("not listening: \(error); keys and pedals still work") }
                    return .some(nil)
                }
            }
            group.addTask {
                await ended.wait()
                return .none
            }
            let first = await group.next() ?? .none
            group.cancelAll()
            // A listener that started after all while the session was ending is stopped.
            for await late in group { if case .some(.some(let listener)) = late { listener.stop() } }
            return first ?? nil
        }
        return StartedInputs(listener: listener)
    }
}

/// The process's signals (`SignalWatcher`), as a session sees them.
struct WatchedSignals: SessionSignals {
    var ended: Latch { SignalWatcher.ended }
    var firstEnding: Int32? { SignalWatcher.firstEnding }

    func watch(_ handler: @escaping @Sendable (SessionSignal) -> Void) {
        SignalWatcher.watch { number in
            switch number {
            case SIGTSTP: handler(.suspend)
            case SIGCONT: handler(.resume)
            case SIGWINCH: handler(.resize)
            default: handler(.ending(number))
            }
        }
    }

    /// Ctrl-Z: the terminal was given back; the process stops here until it is continued.
    func stopProcess() {
        kill(getpid(), SIGSTOP)
    }
}

/// The history file a session is recorded in (nil with `--no-history`).
struct HistoryPlaceRecorder: SessionHistory {
    let place: SessionOptions.HistoryPlace

    init?(_ place: SessionOptions.HistoryPlace) {
        if case .off = place { return nil }
        self.place = place
    }

    func check() -> String? {
        switch place {
        case .off:
            return nil
        case .unknown:
            // A record silently dropped is a record lost: refused before the session.
            return "no place for the history: neither HOME nor XDG_DATA_HOME is set; set one, or pass --history FILE "
                + "(or --no-history to record nothing)"
        case .file(let path, let root):
            do throws(HistoryFile.WriteError) {
                try HistoryFile.checkDestination(path, root: root)
                return nil
            } catch {
                return error.description + "; record elsewhere with --history FILE, or not at all with --no-history"
            }
        }
    }

    func append(_ entry: HistoryEntry) -> String? {
        guard case .file(let path, let root) = place else { return nil }
        do throws(HistoryFile.WriteError) {
            try HistoryFile.append(entry, to: path, root: root)
            return nil
        } catch {
            return error.description
        }
    }

    func newest(where matches: (HistoryEntry) -> Bool) -> HistoryEntry? {
        guard case .file(let path, _) = place else { return nil }
        return try? HistoryReader(path: path).newest(where: matches)
    }
}
