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

    @OptionGroup var sound: SoundOptions

    @Flag(name: .customLong("no-pace"), help: "No stroke-pacing ticks (phases with strokeSeconds).")
    var noPace = false

    @Flag(inversion: .prefixedNo, help: ArgumentHelp("Speak each phase's and step's title on its boundary, after its chime (off by default: "
                                                     + "the client hears it too; the configuration may turn it on)."))
    var voice: Bool?

    @OptionGroup var listening: ListenOptions

    func run() async throws {
        SignalWatcher.install()
        let (treatment, _) = try ProtocolCatalog.current.resolveOrExit(protocolName)
        let settings = try Settings.load(session.configOptions, flags: Settings.Flags(
            device: sound.playback.device, volume: sound.playback.volume, voice: voice, leadIn: session.leadIn, exitAtEnd: exitAtEnd,
            pedal: session.pedal, listen: listening.listening, listenDevice: listening.listenDevice))
        let timeline = Timeline(treatment)
        var startIndex = 0
        if let from {
            switch timeline.segmentIndex(from: from) {
            case .success(let index): startIndex = index
            case .failure(let failure): throw ValidationError("--from: \(treatment.id.terminalSafe): \(failure.message.terminalSafe)")
            }
        }
        let mode = RunMode(model: SessionEngine(timeline: timeline, speed: speed, startingAt: startIndex), hasSound: !sound.noSound)
        let played = sound.noSound ? nil : SessionLaunch<RunMode>.Sound(
            plan: ChimePlan(timeline: timeline, volume: settings.volume.value, pace: !noPace),
            speech: settings.voice.value ? SpeechPlan(timeline: timeline) : nil, device: settings.device.value)
        try await SessionLaunch(mode: mode, options: session, settings: settings, speed: speed, sound: played).run()
    }
}
