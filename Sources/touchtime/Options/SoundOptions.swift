import ArgumentParser

/// `--device`: where sound plays (practice and doctor take only this; the others take it with a
/// volume, as `PlaybackOptions`).
struct DeviceOption: ParsableArguments {
    @Option(help: ArgumentHelp("The ALSA playback device, such as default, plughw:0,0 or pulse (default: default, or the configuration's).",
                               valueName: "name"))
    var device: String?

    func validate() throws {
        if device?.isEmpty == true {
            throw ValidationError("--device needs an ALSA device name, such as default")
        }
    }
}

/// `--device` and `--volume`: where, and how loud, sound plays (run, chime, say, config).
struct PlaybackOptions: ParsableArguments {
    @OptionGroup var deviceOption: DeviceOption

    // Unconditional: `--volume -5` is a number to refuse with a reason, not a missing value.
    @Option(parsing: .unconditional, help: ArgumentHelp("Volume, 0 to 100 (an audio taper: 50 is about -12 dB; default 100, "
                                                        + "or the configuration's).", valueName: "0-100"))
    var volume: Int?

    var device: String? { deviceOption.device }

    func validate() throws {
        if let volume, !(0...100).contains(volume) {
            throw ValidationError("--volume must be between 0 and 100, got \(volume)")
        }
    }
}

/// `run`'s sound: where and how loud, or none.
struct SoundOptions: ParsableArguments {
    @OptionGroup var playback: PlaybackOptions

    @Flag(name: .customLong("no-sound"), help: "Do not play chimes.")
    var noSound = false
}

/// `--speed`: a rehearsal faster than life (run; practice's is hidden, for tests).
struct SpeedOption: ParsableArguments {
    @Option(name: .customLong("speed"), parsing: .unconditional, help: "Rehearsal speed: run X times faster (0.1 to 1000).")
    var number = DecimalNumber(1)

    var speed: Double { number.value }

    func validate() throws {
        guard (0.1...1000).contains(speed) else {
            throw ValidationError("--speed must be between 0.1 and 1000, got \(speed)")
        }
    }
}

/// `--listen` and `--listen-device`: spoken commands (run, config).
struct ListenOptions: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: ArgumentHelp("Listen for spoken commands: \"timer pause\", \"timer resume\", \"timer next\", "
                                                     + "\"timer back\", \"timer more time\" (experimental; needs pocketsphinx and its English model)."))
    var listen: Bool?

    @Option(name: .customLong("listen-device"), help: ArgumentHelp("The ALSA capture device to listen on (default: default).", valueName: "device"))
    var listenDevice: String?

    /// On when asked for, or when a device to listen on is named.
    var listening: Bool? { listen ?? (listenDevice != nil ? true : nil) }

    func validate() throws {
        if listenDevice?.isEmpty == true {
            throw ValidationError("--listen-device needs an ALSA capture device name, such as default")
        }
    }
}
