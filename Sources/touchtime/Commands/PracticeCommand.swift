import ArgumentParser
import TouchtimeCore
import TouchtimeSession

struct PracticeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "practice",
        abstract: "Practise the timing blind: no countdown; press space (or Enter) when you judge each segment complete.",
        discussion: """
            The screen shows each segment's target length, never the running clock. A segment left running \
            to 3x its planned length ends itself and counts as missed. At the end: each segment's planned \
            and actual time and error, the mean absolute percentage error (MAPE, lower is better), a rating \
            of 0 to 100 (100 - 2 x MAPE, never below 0), the worst segment, and the change against your \
            previous practice of the same protocol. Keys: space or Enter is the press, q quits (confirmed by \
            a second q or y), ? helps; nothing else changes a practice. --strokes drills the stroke cadence \
            instead: tap once per stroke. Every practice, the drill included, is recorded in the history.
            """
    )

    @Argument(help: ArgumentHelp("A protocol file, or the id of a known protocol.", valueName: "protocol"),
              completion: ProtocolCompletion.protocols)
    var protocolName: String = BundledProtocols.defaultID

    @OptionGroup var session: SessionOptions

    @Flag(help: "Stroke cadence drill: through each phase with strokeSeconds, tap space (or Enter) once per stroke.")
    var strokes = false

    @Flag(help: "After each press, show the planned and actual time for a moment.")
    var reveal = false

    @Flag(help: "Play the transition chimes at each press (off by default: the point is to feel the time).")
    var chimes = false

    /// Where `--chimes` play.
    @OptionGroup var deviceOption: DeviceOption

    // Hidden: a trainee practises at the speed of life; the tests do not.
    @OptionGroup(visibility: .hidden) var speedOption: SpeedOption

    var speed: Double { speedOption.speed }

    func run() async throws {
        SignalWatcher.install()
        let (treatment, _) = try ProtocolCatalog.current.resolveOrExit(protocolName)
        let settings = try Settings.load(session.configOptions, flags: Settings.Flags(device: deviceOption.device, leadIn: session.leadIn, pedal: session.pedal))
        if strokes {
            guard let drill = StrokeDrill(treatment: treatment, speed: speed) else {
                throw ValidationError("\(treatment.id.terminalSafe) has no phase with strokeSeconds to drill (the default ritual's jawline has)")
            }
            return try await SessionLaunch(mode: StrokeDrillMode(model: drill), options: session, settings: settings, speed: speed).run()
        }
        let timeline = Timeline(treatment)
        let mode = PracticeMode(model: PracticeSession(timeline: timeline, speed: speed), reveal: reveal, chimes: chimes)
        let played = chimes ? SessionLaunch<PracticeMode>.Sound(plan: ChimePlan(timeline: timeline, volume: settings.volume.value, pace: false),
                                                                speech: nil, device: settings.device.value) : nil
        try await SessionLaunch(mode: mode, options: session, settings: settings, speed: speed, sound: played).run()
    }
}
