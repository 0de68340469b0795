import ArgumentParser
import TouchtimeAudio
import TouchtimeCore

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write a session's audio guide to a WAV file: every chime on its planned boundary, silence between.",
        discussion: "Each chime's first sample is at round(planned x 48000). A trainee can play the file on any player."
    )

    @Argument(help: ArgumentHelp("A protocol file, or the id of a known protocol.", valueName: "protocol"))
    var protocolName: String = BundledProtocols.defaultID

    @Option(help: ArgumentHelp("The WAV file to write.", valueName: "file.wav"))
    var out: String

    @Option(parsing: .unconditional, help: ArgumentHelp("Chime volume, 0 to 100.", valueName: "0-100"))
    var volume: Int = 100

    @Flag(name: .customLong("no-pace"), help: "No stroke-pacing ticks.")
    var noPace = false

    func validate() throws {
        guard (0...100).contains(volume) else {
            throw ValidationError("--volume must be between 0 and 100, got \(volume)")
        }
    }

    func run() throws {
        let (treatment, _) = try ProtocolCatalog.current.resolveOrExit(protocolName)
        let rendering = SessionRenderer.render(ChimePlan(timeline: Timeline(treatment), volume: volume, pace: !noPace))
        do {
            try WAVFile.write(rendering.samples, sampleRate: rendering.sampleRate, to: out)
        } catch {
            reportError(error.description)
            throw ExitStatus.cannotCreate
        }
        let counts = Dictionary(grouping: rendering.cues, by: \.voice.kind).mapValues(\.count)
        let detail = ChimeKind.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }.joined(separator: ", ")
        StandardStream.output.write("wrote \(out): \(DurationText.clock(rendering.duration)) (\(DurationText.format(rendering.duration))), \(rendering.cues.count) chimes (\(detail)), 48 kHz mono 16-bit\n")
    }
}
