import ArgumentParser
import TouchtimeCore
import TouchtimeSession

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

    @Argument(help: ArgumentHelp("A protocol file, or the id of a known protocol (see 'touchtime list').", valueName: "protocol"),
              completion: ProtocolCompletion.protocols)
    var protocolName: String = BundledProtocols.defaultID

    @OptionGroup var speedOption: SpeedOption

    var speed: Double { speedOption.speed }

    @OptionGroup var session: SessionOptions

    @Flag(name: .customLong("exit-at-end"), inversion: .prefixedNo,
          help: "Close the full-screen display when the session ends, without waiting for a key (default: wait, or the configuration's).")
    var exitAtEnd: Bool?

    @Option(help: ArgumentHelp("Start at this phase, or at a step of it: PHASE or PHASE/STEP, by id, title or step number "
                               + "(lift, jawline/2, \"jawline/right side\").", valueName: "phase[/step]"))
    var from: String?

    @Flag(help: ArgumentHelp("Start where the last session of this protocol stopped when it did not complete (its segment, "
                             + "and how far into it), as the history recorded it."))
    var resume = false

    @OptionGroup var sound: SoundOptions

    @Flag(name: .customLong("no-pace"), help: "No stroke-pacing ticks (phases with strokeSeconds).")
    var noPace = false

    @Flag(name: .customLong("no-chimes"), help: "Voice only: speak the prompts (as --voice) and play no chimes.")
    var noChimes = false

    @Option(name: .customLong("confirm"), help: ArgumentHelp(
        "How a command (pause, resume, +/-15 s, mute, volume) is heard to be taken: sound, word (when the voice is on), both or none "
            + "(default: word with the voice, else sound; or the configuration's confirmations).", valueName: "style"))
    var confirm: String?

    func validate() throws {
        if resume, from != nil { throw ValidationError("--resume starts where the last session stopped; --from starts elsewhere: choose one") }
        if let confirm, ConfirmationPlan.Style(rawValue: confirm) == nil {
            let styles = ConfirmationPlan.Style.allCases.map(\.rawValue)
            var message = "--confirm must be one of \(styles.joined(separator: ", ")), got '\(confirm)'"
            if let near = Suggestion.closest(to: confirm, in: styles) { message += "; did you mean '\(near)'?" }
            throw ValidationError(message)
        }
        if noChimes, sound.noSound { throw ValidationError("--no-chimes speaks the prompts; --no-sound silences them too: choose one") }
        if noChimes, voice == false { throw ValidationError("--no-chimes speaks the prompts: it cannot be used with --no-voice") }
    }

    @Flag(inversion: .prefixedNo, help: ArgumentHelp("Speak each phase's and step's title on its boundary, after its chime (off by default: "
                                                     + "the client hears it too; the configuration may turn it on)."))
    var voice: Bool?

    @OptionGroup var listening: ListenOptions

    func run() async throws {
        SignalWatcher.install()
        let (treatment, _) = try ProtocolCatalog.current.resolveOrExit(protocolName)
        let settings = try Settings.load(session.configOptions, flags: Settings.Flags(
            device: sound.playback.device, volume: sound.playback.volume, voice: noChimes ? true : voice, leadIn: session.leadIn, exitAtEnd: exitAtEnd,
            pedal: session.pedal, listen: listening.listening, listenDevice: listening.listenDevice))
        let timeline = Timeline(treatment)
        var startIndex = 0
        var offset = Duration.zero
        if resume { (startIndex, offset) = try resumePlace(timeline) }
        if let from {
            switch timeline.segmentIndex(from: from) {
            case .success(let index): startIndex = index
            case .failure(let failure): throw ValidationError("--from: \(treatment.id.terminalSafe): \(failure.message.terminalSafe)")
            }
        }
        let mode = RunMode(model: SessionEngine(timeline: timeline, speed: speed, startingAt: startIndex, offset: offset),
                           hasSound: !sound.noSound)
        let speaks = settings.voice.value
        var styles = settings.configuration.confirmations
        if let confirm, let style = ConfirmationPlan.Style(rawValue: confirm) {
            for confirmation in Confirmation.allCases { styles[confirmation] = style }
        }
        let played = sound.noSound ? nil : SessionLaunch<RunMode>.Sound(
            plan: ChimePlan(timeline: timeline, volume: settings.volume.value, pace: !noPace, chimes: !noChimes),
            speech: speaks ? SpeechPlan(timeline: timeline) : nil, device: settings.device.value,
            confirmations: ConfirmationPlan(styles: styles, speaks: speaks, language: treatment.voice.language))
        try await SessionLaunch(mode: mode, options: session, settings: settings, speed: speed, sound: played).run()
    }

    /// Where the newest guided session of this protocol stopped (found by its segment's identity, so
    /// an edit that moved it still finds it). Exit 66 when there is nothing to resume.
    private func resumePlace(_ timeline: Timeline) throws -> (index: Int, offset: Duration) {
        let id = timeline.treatment.id
        guard let path = session.history ?? HistoryFile.defaultPlace(environment: Environment.variables)?.path else {
            throw CommandFailure("--resume reads the history, and there is none: neither HOME nor XDG_DATA_HOME is set "
                                 + "(name it with --history FILE)", status: ExitStatus.noInput)
        }
        let last = try? HistoryReader(path: path).newest { $0.mode == .run && $0.protocolID == id }
        guard let last else {
            throw CommandFailure("nothing to resume: no session of '\(id.terminalSafe)' in \(path.escapingUnsafe); start it with "
                                 + "'touchtime run \(id.terminalSafe)'", status: ExitStatus.noInput)
        }
        guard let stopped = last.stoppedAt else {
            throw CommandFailure("nothing to resume: the last session of '\(id.terminalSafe)' (\(last.start)) \(last.outcome == .completed ? "completed" : "left no place to resume from"); "
                                 + "start again with 'touchtime run \(id.terminalSafe)', or part-way with --from", status: ExitStatus.noInput)
        }
        let key = stopped.identity.key
        guard let index = timeline.segments.indices.first(where: { HistoryEntry.SegmentIdentity(timeline, index: $0).key == key }) else {
            throw CommandFailure("cannot resume: '\(id.terminalSafe)' changed since, and its segment '\(stopped.identity.title.terminalSafe)' "
                                 + "is no longer there; start part-way with --from", status: ExitStatus.noInput)
        }
        StandardStream.error.write("touchtime: resuming \(id.terminalSafe) at \(stopped.text.terminalSafe) (stopped \(String(last.end.prefix(16).map { $0 == "T" ? " " : $0 })) UTC)\n")
        return (index, stopped.offset)
    }
}
