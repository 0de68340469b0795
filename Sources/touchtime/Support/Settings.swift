import ArgumentParser
import TouchtimeCore

/// Where an effective setting comes from, lowest first: a flag beats the environment, which beats
/// the configuration file, which beats the default.
enum SettingSource: String {
    case standard = "default"
    case file
    case environment
    case flag
}

struct Setting<Value> {
    var value: Value
    var source: SettingSource

    /// The flag's value if given, else the file's, else the default.
    init(flag: Value?, file: Value?, standard: Value) {
        if let flag {
            (value, source) = (flag, .flag)
        } else if let file {
            (value, source) = (file, .file)
        } else {
            (value, source) = (standard, .standard)
        }
    }
}

/// The settings a command runs with, each with where it came from (`touchtime config` prints them).
struct Settings {
    /// What the command line gave; nil where it gave nothing.
    struct Flags {
        var device: String?
        var volume: Int?
        var voice: Bool?
        var leadIn: Double?
        var exitAtEnd: Bool?
        var pedal: String?
        var listen: Bool?
        var listenDevice: String?
    }

    var file: (path: String?, source: SettingSource, found: Bool)
    var configuration: Configuration
    var device: Setting<String>
    var volume: Setting<Int>
    var voice: Setting<Bool>
    var leadIn: Setting<Double>
    var exitAtEnd: Setting<Bool>
    var debounce: Setting<Double>
    var pedal: Setting<String?>
    var listen: Setting<Bool>
    var listenDevice: Setting<String>

    static let standardLeadIn = 3.0

    /// The keyboard's map: the standard keys with the configuration's.
    var keyMap: KeyMap { KeyMap(mapping: configuration.keys) }

    /// A pedal's presses: the keyboard's map with the pedal's own keys over it.
    var pedalMap: KeyMap { KeyMap(mapping: configuration.keys.merging(configuration.pedal?.keys ?? [:]) { $1 }) }

    /// Reads the configuration (`--config`, `$TOUCHTIME_CONFIG`, or the default file, which may
    /// be missing) and lays the flags over it. A configuration that cannot be used is reported,
    /// one located line a problem, and ends the command with exit 78.
    static func load(_ options: ConfigOptions, flags: Flags = Flags()) throws -> Settings {
        let (path, source, named) = locate(options)
        var configuration: Configuration?
        if let path {
            configuration = try Configuration.load(contentsOf: path, mustExist: named)
        }
        let file = configuration ?? Configuration()
        return Settings(
            file: (path, source, configuration != nil), configuration: file,
            device: Setting(flag: flags.device, file: file.device, standard: "default"),
            volume: Setting(flag: flags.volume, file: file.volume, standard: 100),
            voice: Setting(flag: flags.voice, file: file.voice, standard: false),
            leadIn: Setting(flag: flags.leadIn, file: file.leadIn, standard: standardLeadIn),
            exitAtEnd: Setting(flag: flags.exitAtEnd, file: file.exitAtEnd, standard: false),
            debounce: Setting(flag: nil, file: file.debounce, standard: KeyController.standardDebounce.seconds),
            pedal: Setting(flag: flags.pedal.map(Optional.some), file: file.pedal?.device.map(Optional.some), standard: nil),
            listen: Setting(flag: flags.listen, file: file.listen, standard: false),
            listenDevice: Setting(flag: flags.listenDevice, file: file.listenDevice, standard: "default"))
    }

    /// Where the configuration is read from: `--config`, `$TOUCHTIME_CONFIG`, or the default file
    /// (nil when neither XDG_CONFIG_HOME nor HOME is set). A file asked for by name (`named`) must
    /// be there; only the default file may be missing.
    static func locate(_ options: ConfigOptions) -> (path: String?, source: SettingSource, named: Bool) {
        let environment = Environment.variables
        if let given = options.config {
            return (given, .flag, true)
        } else if let given = environment["TOUCHTIME_CONFIG"], !given.isEmpty {
            return (given, .environment, true)
        }
        let source: SettingSource = environment["XDG_CONFIG_HOME"]?.hasPrefix("/") == true ? .environment : .standard
        return (Configuration.defaultPath(environment: environment), source, false)
    }

    /// How a session's keys are read and what they mean.
    var keys: KeySettings {
        KeySettings(map: keyMap, debounce: .milliseconds(Int64((debounce.value * 1000).rounded())),
                    pedal: pedal.value.map { device in
                        PedalSettings(device: device, grab: configuration.pedal?.grab ?? false,
                                      interpreter: PedalInterpreter(press: pedalMap, hold: configuration.pedal?.hold ?? [:],
                                                                    holdTime: .milliseconds(Int64(((configuration.pedal?.holdSeconds ?? 1) * 1000).rounded()))))
                    },
                    listen: listen.value ? ListenSettings(device: listenDevice.value, thresholds: configuration.listenThresholds) : nil)
    }
}

/// The keys of a session: the map, the debounce, a pedal read through input events if any, and
/// spoken commands if the session listens.
struct KeySettings {
    var map: KeyMap = .standard
    var debounce: Duration = KeyController.standardDebounce
    var pedal: PedalSettings?
    var listen: ListenSettings?
}

/// `run --listen`: the capture device and each phrase's threshold.
struct ListenSettings {
    var device: String
    var thresholds: [VoiceCommand: Double]
}

struct PedalSettings {
    var device: String
    var grab: Bool
    var interpreter: PedalInterpreter
}
