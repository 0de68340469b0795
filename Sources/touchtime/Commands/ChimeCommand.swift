import ArgumentParser
import Dispatch
import TouchtimeAudio
import TouchtimeCore

struct ChimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chime",
        abstract: "Sound check: play each chime with its name, or write them to a WAV file.",
        discussion: """
            KIND is transition, stillness, warning, finish, pace, or all (the default). With --out, the \
            chimes are written to a 48 kHz mono 16-bit WAV instead of played: a single kind exactly as a \
            session plays it, all kinds in order with half a second of silence between them. \
            Exit code 69 when the device cannot play.
            """
    )

    static let descriptions: [ChimeKind: String] = [
        .transition: "a clear bell: a new phase or step begins",
        .stillness: "a soft low bowl: a pause or stillness begins",
        .warning: "two soft pips: the segment ends soon",
        .finish: "three descending strikes: the session is complete",
        .pace: "a very soft tick: the next stroke",
    ]

    @Argument(help: ArgumentHelp("transition, stillness, warning, finish, pace or all.", valueName: "kind"),
              completion: ProtocolCompletion.chimeKinds)
    var kind: String = "all"

    @OptionGroup var playback: PlaybackOptions

    @OptionGroup var configOptions: ConfigOptions

    @Option(help: ArgumentHelp("Write a WAV file instead of playing.", valueName: "file.wav"), completion: .file(extensions: ["wav"]))
    var out: String?

    var kinds: [ChimeKind] {
        kind == "all" ? ChimeKind.allCases : ChimeKind(rawValue: kind).map { [$0] } ?? []
    }

    func validate() throws {
        guard !kinds.isEmpty else {
            throw ValidationError("unknown chime '\(kind)': expected \(ChimeKind.allCases.map(\.rawValue).joined(separator: ", ")) or all")
        }
    }

    func run() async throws {
        // The sound check plays where, and as loud as, a session would.
        let settings = try Settings.load(configOptions, flags: Settings.Flags(device: playback.device, volume: playback.volume))
        let volume = settings.volume.value
        let device = settings.device.value
        let voices = kinds.map { ChimeVoice(kind: $0, volume: volume) }
        if let out {
            var samples: [Int16] = []
            for (index, voice) in voices.enumerated() {
                if index > 0 { samples += [Int16](repeating: 0, count: ChimeSynthesizer.sampleRate / 2) }
                samples += ChimeSynthesizer.render(voice)
            }
            try SoundCheck.write(samples, to: out)
            let seconds = Double(samples.count) / Double(ChimeSynthesizer.sampleRate)
            StandardStream.output.write("wrote \(out): \(Counted.text(voices.count, "chime")), \(DurationText.format(.milliseconds(Int64((seconds * 1000).rounded())))), 48 kHz mono 16-bit\n")
            return
        }
        // The first chime at once (through the stream kept for what answers a press, where the
        // device has one), the rest placed in the session's stream.
        // (Rendered while the device opens.)
        async let opening = SoundCheck.open(device, waits: false)
        let rendered = voices.map(ChimeSynthesizer.render)
        let player = try await opening
        let clock = ContinuousClock()
        var at = clock.now
        for (index, (voice, samples)) in zip(voices, rendered).enumerated() {
            let id = ChimePlan.Cue.ID(mark: .start, segmentIndex: index, due: clock.now.duration(to: at))
            player.ensure(ChimePlayer.Scheduled(id: id, samples: samples, at: at))
            StandardStream.output.write("\(TextWidth.fit(voice.kind.rawValue, 11)) \(Self.descriptions[voice.kind] ?? "")\n")
            if index == 0 { await SoundCheck.heard(player) }
            // Each rings on under the next: 3 s apart, the last rings out in full.
            let length = min(Duration.seconds(Double(samples.count) / Double(ChimeSynthesizer.sampleRate)), .milliseconds(2400))
            try? await clock.sleep(until: at.advanced(by: length), tolerance: nil)
            at = at.advanced(by: length + .milliseconds(600))
            try SoundCheck.checkNotLost(player)
        }
        await player.ringOut()
    }
}
