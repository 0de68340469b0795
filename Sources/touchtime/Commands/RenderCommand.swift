import ArgumentParser
import TouchtimeAudio
import TouchtimeCore

struct RenderCommand: AsyncParsableCommand {
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

    func run() async throws {
        let (treatment, _) = try ProtocolCatalog.current.resolveOrExit(protocolName)
        let timeline = Timeline(treatment, waitsLast: waitLength)
        let speech = voice ? SpeechPlan(timeline: timeline) : nil
        let rendering = SessionRenderer(ChimePlan(timeline: timeline, volume: volume, pace: !noPace), speech: speech)
        // A WAV's sizes are 32-bit: refused before a byte is written, never a file whose header lies.
        guard rendering.longestCount <= WAVFile.mostSamples else {
            let waits = Timeline(treatment).waitCount
            let advice = waits > 0 ? ": give its \(Counted.text(waits, "wait")) a shorter --wait" : ""
            reportError("\(out): the guide would last up to \(DurationText.clock(.seconds(rendering.longestCount / SessionRenderer.sampleRate))), "
                        + "longer than the \(DurationText.clock(.seconds(WAVFile.mostSamples / SessionRenderer.sampleRate))) a WAV file "
                        + "can hold at 48 kHz mono 16-bit\(advice)")
            throw ExitStatus.cannotCreate
        }
        var speaker: SessionRenderer.Speaker?
        if let speech {
            let options = speech.options
            let level = Int((Double(volume) * Double(options.volume) / 100).rounded())
            speaker = { text async throws(SpeechError) in
                try await SpeechSynthesizer.render(text, language: options.language, rate: options.rate, volume: level)
            }
        }
        let count: Int
        do throws(SessionRenderer.Failure) {
            count = try await rendering.write(to: out, speaker: speaker)
        } catch {
            reportError(error.description)
            if case .speech = error { throw ExitStatus.unavailable }
            throw ExitStatus.cannotCreate
        }
        let duration = Duration.milliseconds(Int64(count) * 1000 / Int64(SessionRenderer.sampleRate))
        let counts = Dictionary(grouping: rendering.cues, by: \.voice.kind).mapValues(\.count)
        let detail = ChimeKind.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }.joined(separator: ", ")
        var spoken = voice ? ", \(Counted.text(rendering.utterances.count, "prompt"))" : ""
        let waits = Timeline(treatment).waitCount
        if waits > 0 { spoken += ", \(Counted.text(waits, "wait")) of \(DurationText.format(waitLength ?? .zero)) each" }
        StandardStream.output.write("wrote \(out): \(DurationText.clock(duration)) (\(DurationText.format(duration))), "
                                    + "\(Counted.text(rendering.cues.count, "chime")) (\(detail))\(spoken), 48 kHz mono 16-bit\n")
    }
}
