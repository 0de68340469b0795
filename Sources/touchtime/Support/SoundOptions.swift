import ArgumentParser

/// `run`'s sound options.
struct SoundOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Chime volume, 0 to 100 (an audio taper: 50 is about -12 dB).", valueName: "0-100"))
    var volume: Int = 100

    @Option(help: ArgumentHelp("The ALSA playback device, such as default, plughw:0,0 or pulse.", valueName: "name"))
    var device: String = "default"

    @Flag(name: .customLong("no-sound"), help: "Do not play chimes.")
    var noSound = false

    func validate() throws {
        guard (0...100).contains(volume) else {
            throw ValidationError("--volume must be between 0 and 100, got \(volume)")
        }
        guard !device.isEmpty else {
            throw ValidationError("--device needs an ALSA device name, such as default")
        }
    }
}
