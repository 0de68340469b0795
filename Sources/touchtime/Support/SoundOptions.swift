import ArgumentParser

/// `run`'s sound options.
struct SoundOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Chime volume, 0 to 100 (an audio taper: 50 is about -12 dB; default 100, "
                                                        + "or the configuration's).", valueName: "0-100"))
    var volume: Int?

    @Option(help: ArgumentHelp("The ALSA playback device, such as default, plughw:0,0 or pulse (default: default, or the configuration's).",
                               valueName: "name"))
    var device: String?

    @Flag(name: .customLong("no-sound"), help: "Do not play chimes.")
    var noSound = false

    func validate() throws {
        if let volume, !(0...100).contains(volume) {
            throw ValidationError("--volume must be between 0 and 100, got \(volume)")
        }
        if device?.isEmpty == true {
            throw ValidationError("--device needs an ALSA device name, such as default")
        }
    }
}
