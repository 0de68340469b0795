import ArgumentParser
import TouchtimeAudio
import TouchtimeCore

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write a session's audio guide to a WAV file: every chime on its planned boundary, silence between.",
        discussion: """
            Each chime's first sample is at round(planned x 48000); with --voice, each prompt starts \
            0.35 s after its boundary and is faded out before the next. Written a block at a time, so a \
            4-hour guide takes little memory. A trainee can play the file on any player.
            """
    )

    @Argument(help: ArgumentHelp("A protocol file, or the id of a known protocol.", valueName: "protocol"),
              completion: ProtocolCompletion.protocols)
    var protocolName: String = BundledProtocols.defaultID

    @Option(help: ArgumentHelp("The WAV file to write.", valueName: "file.wav"), completion: .file(extensions: ["wav"]))
    var out: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Chime volume, 0 to 100.", valueName: "0-100"))
    var volume: Int = 100

    @Flag(name: .customLong("no-pace"), help: "No stroke-pacing ticks.")
    var noPace = false

    @Flag(help: "Speak each phase's and step's title (the protocol's voice options), as 'run --voice' does.")
    var voice = false

    @Option(help: ArgumentHelp("How long each wait for a press (\"until\": \"press\") lasts in the file: nobody can press a recording.",
                               valueName: "duration"))
    var wait: String = "10s"

    /// `--wait` as a duration (0.1 s to 10 minutes).
    var waitLength: Duration? {
        guard let seconds = DurationText.seconds(parsing: wait), (0.1...600).contains(seconds) else { return nil }
        return .microseconds(Int64((seconds * 1_000_000).rounded()))
    }

    func validate() throws {
        guard (0...100).contains(volume) else {
            throw ValidationError("--volume must be between 0 and 100, got \(volume)")
        }
        guard waitLength != nil else {
            throw ValidationError("--wait must be a duration from 0.1s to 10m, such as 10s or 1:30, got '\(wait)'")
        }
    }

    func run() throws {
        let (treatment, _) = try ProtocolCatalog.current.resolveOrExit(protocolName)
        let timeline = Timeline(treatment, waitsLast: waitLength)
        var speech: (plan: SpeechPlan, bank: [String: [Int16]])?
        if voice {
            let plan = SpeechPlan(timeline: timeline)
            do throws(SpeechError) {
                speech = (plan, try SpeechBank.render(plan, volume: volume))
            } catch {
                reportError("cannot speak: \(error)")
                throw ExitStatus.unavailable
            }
        }
        let rendering = SessionRenderer(ChimePlan(timeline: timeline, volume: volume, pace: !noPace), speech: speech)
        do {
            try rendering.write(to: out)
        } catch {
            reportError(error.description)
            throw ExitStatus.cannotCreate
        }
        let counts = Dictionary(grouping: rendering.cues, by: \.voice.kind).mapValues(\.count)
        let detail = ChimeKind.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }.joined(separator: ", ")
        var spoken = voice ? ", \(Counted.text(rendering.utterances.count, "prompt"))" : ""
        let waits = Timeline(treatment).waitCount
        if waits > 0 { spoken += ", \(Counted.text(waits, "wait")) of \(DurationText.format(waitLength ?? .zero)) each" }
        StandardStream.output.write("wrote \(out): \(DurationText.clock(rendering.duration)) (\(DurationText.format(rendering.duration))), "
                                    + "\(Counted.text(rendering.cues.count, "chime")) (\(detail))\(spoken), 48 kHz mono 16-bit\n")
    }
}
