import ArgumentParser
import Dispatch
import TouchtimeAudio
import TouchtimeCore

struct ChimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chime",
        abstract: "Sound check: play each chime with its name, or write them to a WAV file.",
        discussion: """
            KIND is transition, stillness, warning, finish, pace, or all (the default): the chimes that mark a \
            session's moments. A command's confirmation is a KIND too (paused, resumed, longer, shorter, muted, \
            unmuted, volume), and confirmations plays them all. With --out, the sounds are written to a 48 kHz \
            mono 16-bit WAV instead of played: a single kind exactly as a session plays it, several in order with \
            half a second of silence between them. Exit code 69 when the device cannot play.
            """
    )

    static let descriptions: [ChimeKind: String] = [
        .transition: "a clear bell: a new phase or step begins",
        .stillness: "a soft low bowl: a pause or stillness begins",
        .warning: "two soft pips: the segment ends soon",
        .finish: "three descending strikes: the session is complete",
        .pace: "a very soft tick: the next stroke",
    ]

    @Argument(help: ArgumentHelp("transition, stillness, warning, finish, pace or all; a confirmation (paused, resumed, longer, "
                                 + "shorter, muted, unmuted, volume) or confirmations.", valueName: "kind"),
              completion: ProtocolCompletion.chimeKinds)
    var kind: String = "all"

    @OptionGroup var playback: PlaybackOptions

    @OptionGroup var configOptions: ConfigOptions

    @Option(help: ArgumentHelp("Write a WAV file instead of playing.", valueName: "file.wav"), completion: .file(extensions: ["wav"]))
    var out: String?

    static let confirmationDescriptions: [Confirmation: String] = [
        .paused: "two wooden notes falling: paused",
        .resumed: "two wooden notes rising: resumed",
        .longer: "three notes climbing: 15 s more",
        .shorter: "three notes falling: 15 s less",
        .muted: "one low note: the chimes are muted",
        .unmuted: "one middle note: the chimes are back",
        .volume: "one high note, at the new volume",
    ]

    /// A chime of a session's moments, or a command's confirmation.
    enum Sound {
        case chime(ChimeKind)
        case confirmation(Confirmation)

        var name: String {
            switch self {
            case .chime(let kind): return kind.rawValue
            case .confirmation(let confirmation): return confirmation.rawValue
            }
        }

        var description: String {
            switch self {
            case .chime(let kind): return ChimeCommand.descriptions[kind] ?? ""
            case .confirmation(let confirmation): return ChimeCommand.confirmationDescriptions[confirmation] ?? ""
            }
        }

        func render(volume: Int) -> [Int16] {
            switch self {
            case .chime(let kind): return ChimeSynthesizer.render(ChimeVoice(kind: kind, volume: volume))
            case .confirmation(let confirmation): return ChimeSynthesizer.render(confirmation, volume: volume)
            }
        }
    }

    /// What people call the chimes: a typo of one suggests the kind.
    static let aliases: [String: ChimeKind] = ["bell": .transition, "bowl": .stillness, "pips": .warning, "tick": .pace, "end": .finish]

    /// Every name `kind` takes.
    static let names = ChimeKind.allCases.map(\.rawValue) + ["all"] + Confirmation.allCases.map(\.rawValue) + ["confirmations"]

    var sounds: [Sound] {
        switch kind {
        case "all": return ChimeKind.allCases.map(Sound.chime)
        case "confirmations": return Confirmation.allCases.map(Sound.confirmation)
        default:
            if let chime = ChimeKind(rawValue: kind) { return [.chime(chime)] }
            return Confirmation(rawValue: kind).map { [.confirmation($0)] } ?? []
        }
    }

    func validate() throws {
        guard !sounds.isEmpty else {
            var message = "unknown chime '\(kind.terminalSafe)': expected \(ChimeKind.allCases.map(\.rawValue).joined(separator: ", ")) or all, "
                + "or a confirmation (\(Confirmation.allCases.map(\.rawValue).joined(separator: ", ")), confirmations)"
            if let near = Suggestion.closest(to: kind, in: Self.names) {
                message = "unknown chime '\(kind.terminalSafe)': did you mean '\(near)'?"
            } else if let alias = Suggestion.closest(to: kind, in: Array(Self.aliases.keys).sorted()), let near = Self.aliases[alias] {
                message = "unknown chime '\(kind.terminalSafe)': did you mean '\(near.rawValue)' (the \(alias))?"
            }
            throw ValidationError(message)
        }
    }

    func run() async throws {
        // The sound check plays where, and as loud as, a session would.
        let settings = try Settings.load(configOptions, flags: Settings.Flags(device: playback.device, volume: playback.volume))
        let volume = settings.volume.value
        let device = settings.device.value
        let sounds = self.sounds
        if let out {
            var samples: [Int16] = []
            for (index, sound) in sounds.enumerated() {
                if index > 0 { samples += [Int16](repeating: 0, count: ChimeSynthesizer.sampleRate / 2) }
                samples += sound.render(volume: volume)
            }
            try SoundCheck.write(samples, to: out)
            let seconds = Double(samples.count) / Double(ChimeSynthesizer.sampleRate)
            StandardStream.output.write("wrote \(out): \(Counted.text(sounds.count, "chime")), \(DurationText.format(.milliseconds(Int64((seconds * 1000).rounded())))), 48 kHz mono 16-bit\n")
            return
        }
        // The first chime at once (through the stream kept for what answers a press, where the
        // device has one), the rest placed in the session's stream.
        // (Rendered while the device opens.)
        async let opening = SoundCheck.open(device, waits: false)
        let rendered = sounds.map { $0.render(volume: volume) }
        let player = try await opening
        let clock = ContinuousClock()
        var at = clock.now
        for (index, (sound, samples)) in zip(sounds, rendered).enumerated() {
            let id = ChimePlan.Cue.ID(mark: .start, segmentIndex: index, due: clock.now.duration(to: at))
            player.ensure(ChimePlayer.Scheduled(id: id, samples: samples, at: at))
            StandardStream.output.write("\(TextWidth.fit(sound.name, 11)) \(sound.description)\n")
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
