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
            instead: tap once per stroke. --support fades the help as you learn (prompts, then chimes, then \
            blind). Every practice, the drill included, is recorded in the history.
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

    @Option(help: ArgumentHelp("How much the practice helps, faded as you learn: prompts (each segment's name and cue, and the chimes), "
                               + "chimes (segments by number, a chime at each press), blind (segments by number, no chime). The "
                               + "target lengths show in all three. Recorded with the practice. Without it: prompts, chimes as --chimes says.",
                               valueName: "prompts|chimes|blind"))
    var support: String?

    /// `--support` as a level; nil when not given (validated in `validate`).
    private var supportLevel: PracticeSupport? { support.flatMap(PracticeSupport.init(rawValue:)) }

    @Option(help: ArgumentHelp("Drill one segment, \(FocusDrill.rounds) times in a row, each after the segment before it: a phase, "
                               + "PHASE/STEP (as run --from) or a segment's title (\"Jawline: stillness\").", valueName: "segment"))
    var focus: String?

    @Flag(help: "Drill the segment furthest off lately (as stats finds it), \(FocusDrill.rounds) times in a row.")
    var weakest = false

    /// Where `--chimes` play.
    @OptionGroup var deviceOption: DeviceOption

    // Hidden: a trainee practises at the speed of life; the tests do not.
    @OptionGroup(visibility: .hidden) var speedOption: SpeedOption

    var speed: Double { speedOption.speed }

    func validate() throws {
        if focus != nil, weakest { throw ValidationError("--focus names the segment to drill, --weakest finds it: choose one") }
        if strokes, focus != nil || weakest { throw ValidationError("--strokes drills the cadence; --focus and --weakest a segment's length: choose one") }
        if let support, PracticeSupport(rawValue: support) == nil {
            let levels = PracticeSupport.allCases.map(\.rawValue)
            var message = "--support must be one of \(levels.joined(separator: ", ")), got '\(support.terminalSafe)'"
            if let near = Suggestion.closest(to: support, in: levels) { message += "; did you mean '\(near)'?" }
            throw ValidationError(message)
        }
        if strokes, support != nil { throw ValidationError("--support fades a practice's prompts; the stroke drill has none: leave it out") }
        if supportLevel == .blind, chimes { throw ValidationError("--support blind plays no chimes: leave out --chimes, or practise with --support chimes") }
    }

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
        var timeline = Timeline(treatment)
        var drill: FocusDrill?
        if let index = try focusIndex(timeline) {
            guard let made = FocusDrill(timeline, focus: index) else {
                throw ValidationError("\(timeline.title(of: timeline.segments[index]).terminalSafe) waits for a press: it has no length to drill")
            }
            drill = made
            timeline = Timeline(made.treatment)
        }
        // With less support, the practice shows the segments by number; the record keeps their names.
        let support = supportLevel ?? .prompts
        let shown = Timeline(support.shown(timeline.treatment))
        let chimes = supportLevel.map { $0 != .blind } ?? chimes
        let mode = PracticeMode(model: PracticeSession(timeline: shown, speed: speed), reveal: reveal, chimes: chimes, focus: drill,
                                support: support, named: timeline)
        let played = chimes ? SessionLaunch<PracticeMode>.Sound(plan: ChimePlan(timeline: shown, volume: settings.volume.value, pace: false),
                                                                speech: nil, device: settings.device.value) : nil
        try await SessionLaunch(mode: mode, options: session, settings: settings, speed: speed, sound: played).run()
    }

    /// The segment `--focus` names or `--weakest` finds, as an index in `timeline`; nil for a whole practice.
    private func focusIndex(_ timeline: Timeline) throws -> Int? {
        if let focus {
            // A segment's title first ("Jawline: stillness", "pause"), then --from's PHASE/STEP.
            let wanted = focus.lowercased()
            if let index = timeline.segments.indices.first(where: { timeline.title(of: timeline.segments[$0]).lowercased() == wanted }) {
                return index
            }
            switch timeline.segmentIndex(from: focus) {
            case .success(let index): return index
            case .failure(let failure): throw ValidationError("--focus: \(timeline.treatment.id.terminalSafe): \(failure.message.terminalSafe)")
            }
        }
        guard weakest else { return nil }
        guard let path = session.history ?? HistoryFile.defaultPlace(environment: Environment.variables)?.path else {
            throw CommandFailure("--weakest reads the history, and there is none: neither HOME nor XDG_DATA_HOME is set (name it with --history FILE)",
                                 status: ExitStatus.noInput)
        }
        // As stats reads it: one pass in bounded memory, or only what was written since its summary was kept.
        let id = timeline.treatment.id
        let stats = (try? HistoryReader(path: path).summary())?.stats.stats(today: "").first { $0.protocolID == id }
        guard let index = FocusDrill.weakest(in: timeline, stats: stats) else {
            throw CommandFailure("nothing to drill in \(id.terminalSafe): no practice yet, or every segment within 5 % lately; "
                                 + "practise it whole with 'touchtime practice \(id.terminalSafe)'", status: ExitStatus.noInput)
        }
        StandardStream.error.write("touchtime: drilling \(timeline.title(of: timeline.segments[index]).terminalSafe), the segment furthest off lately\n")
        return index
    }
}
