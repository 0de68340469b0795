import ArgumentParser
import TouchtimeAudio
import TouchtimeCore

struct SayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "say",
        abstract: "Speak a line as a sound check, or write it to a WAV file: the voice a session speaks with.",
        discussion: """
            English is flite's built-in voice; another --language goes to espeak-ng when it is installed. \
            With --out, the line is written exactly as a session plays it (48 kHz mono 16-bit). Exit code 69 \
            when the device cannot play, or speech cannot be made.
            """
    )

    @Argument(help: ArgumentHelp("What to say.", valueName: "text"))
    var text: String

    @Option(help: ArgumentHelp("A language code, such as en (built in), de or fr (espeak-ng).", valueName: "code"))
    var language: String = "en"

    @Option(name: .customLong("rate"), parsing: .unconditional, help: ArgumentHelp("Speaking rate, 0.5 to 2 (1 is the voice's own).", valueName: "rate"))
    var rateNumber = DecimalNumber(1)

    @OptionGroup var playback: PlaybackOptions

    @OptionGroup var configOptions: ConfigOptions

    @Option(help: ArgumentHelp("Write a WAV file instead of playing.", valueName: "file.wav"), completion: .file(extensions: ["wav"]))
    var out: String?

    func validate() throws {
        guard !text.trimmingCharacters(in: " ").isEmpty else { throw ValidationError("nothing to say: give some text") }
        guard (0.5...2).contains(rateNumber.value) else { throw ValidationError("--rate must be between 0.5 and 2, got \(rateNumber.value)") }
    }

    func run() async throws {
        // The sound check plays where, and as loud as, a session would.
        let settings = try Settings.load(configOptions, flags: Settings.Flags(device: playback.device, volume: playback.volume))
        let volume = settings.volume.value
        let device = settings.device.value
        let samples: [Int16]
        do throws(SpeechError) {
            samples = try await SpeechSynthesizer.render(text, language: language, rate: rateNumber.value, volume: volume)
        } catch {
            reportError("cannot speak: \(error)")
            throw ExitStatus.unavailable
        }
        if let out {
            try SoundCheck.write(samples, to: out)
            let length = Duration.milliseconds(Int64(samples.count) * 1000 / Int64(SpeechSynthesizer.sampleRate))
            StandardStream.output.write("wrote \(out): \(DurationText.format(length)) of speech, 48 kHz mono 16-bit\n")
            return
        }
        let player = try await SoundCheck.open(device)
        let clock = ContinuousClock()
        let at = clock.now.advanced(by: .milliseconds(250))
        player.ensure(ChimePlayer.Scheduled(id: .init(mark: .speech, segmentIndex: nil, due: .zero), samples: samples, at: at))
        try? await clock.sleep(until: at.advanced(by: .milliseconds(Int64(samples.count) * 1000 / Int64(SpeechSynthesizer.sampleRate))),
                               tolerance: nil)
        try SoundCheck.checkNotLost(player)
        await player.ringOut()
    }
}

extension String {
    /// Without the characters of `set` around it.
    func trimmingCharacters(in set: String) -> String {
        var characters = Substring(self)
        while let first = characters.first, set.contains(first) { characters.removeFirst() }
        while let last = characters.last, set.contains(last) { characters.removeLast() }
        return String(characters)
    }
}
