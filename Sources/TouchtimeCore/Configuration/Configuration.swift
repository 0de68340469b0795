#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage
import TouchtimeSystem

/// The user's defaults and key map: `$XDG_CONFIG_HOME/touchtime/config.json` (by default
/// `~/.config/touchtime/config.json`), or the file `--config` names.
///
/// ```json
/// { "device": "default", "volume": 80, "voice": true, "leadIn": 5, "exitAtEnd": false,
///   "debounce": 0.7, "listen": true, "confirmations": {"paused": "both", "volume": "none"}, "listenDevice": "default", "listenThresholds": { "timer next": 1e-25 },
///   "keys": { "next": ["b", "PageDown"], "pause": ["Space"] },
///   "pedal": { "device": "/dev/input/by-id/usb-PCsensor_FootSwitch-event-kbd", "grab": true,
///              "keys": { "next": ["BTN_0"] }, "hold": { "quit": ["BTN_0"] }, "holdSeconds": 1 } }
/// ```
/// Every key is optional; a missing file is all defaults. It is read with the same parser and
/// decoding kit as protocols (`JSONReader`: positioned, did-you-mean messages); any problem is a
/// `ConfigurationError`. Its JSON Schema is `Protocols/config.schema.json`.
public struct Configuration: Sendable, Equatable {
    public var device: String?
    public var volume: Int?
    public var voice: Bool?
    public var leadIn: Double?
    public var exitAtEnd: Bool?
    /// Seconds within which a key's second arrival is its auto-repeat (0 to 2).
    public var debounce: Double?
    public var keys: [KeyAction: [Key]] = [:]
    public var pedal: Pedal?
    /// Listen for spoken commands (`run --listen`).
    public var listen: Bool?
    /// The capture device to listen on (an ALSA name).
    public var listenDevice: String?
    /// The keyword spotter's threshold per command phrase.
    public var listenThresholds: [VoiceCommand: Double] = [:]
    /// How each command is confirmed (`"confirmations": "sound"`, or per command:
    /// `{"paused": "both", "volume": "none"}`); what is not named takes the default.
    public var confirmations: [Confirmation: ConfirmationPlan.Style] = [:]

    /// A foot pedal read through Linux input events.
    public struct Pedal: Sendable, Equatable {
        public var device: String?
        /// Take the device for this program alone (`EVIOCGRAB`), so its keys reach no other window.
        public var grab = false
        /// What its keys and buttons do when pressed (over the configuration's `keys`).
        public var keys: [KeyAction: [Key]] = [:]
        /// What they do when held `holdSeconds` (a key with a hold acts on release when let go sooner).
        public var hold: [KeyAction: [Key]] = [:]
        public var holdSeconds = 1.0

        public init(device: String? = nil, grab: Bool = false, keys: [KeyAction: [Key]] = [:],
                    hold: [KeyAction: [Key]] = [:], holdSeconds: Double = 1.0) {
            self.device = device
            self.grab = grab
            self.keys = keys
            self.hold = hold
            self.holdSeconds = holdSeconds
        }
    }

    public init() {}

    public static let topLevelKeys = ["$schema", "device", "volume", "voice", "leadIn", "exitAtEnd", "debounce", "keys", "pedal",
                                      "listen", "listenDevice", "listenThresholds", "confirmations"]
    public static let pedalKeys = ["device", "grab", "keys", "hold", "holdSeconds"]
    public static let maximumFileSize = 1 << 16

    /// The default file: `$XDG_CONFIG_HOME/touchtime/config.json`, else `$HOME/.config/...`.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let base = environment["XDG_CONFIG_HOME"], base.hasPrefix("/") {
            return base + "/touchtime/config.json"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/touchtime/config.json"
    }

    /// Reads `path`. A missing file is nil when `mustExist` is false (the default file), an error otherwise.
    public static func load(contentsOf path: String, mustExist: Bool) throws(ConfigurationError) -> Configuration? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let code = errno
            // The default file may be missing, also when a folder on its way is a file (XDG_CONFIG_HOME naming one).
            if code == ENOENT || code == ENOTDIR, !mustExist { return nil }
            throw ConfigurationError(file: path, problems: [Problem(Errno.text(code))])
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw ConfigurationError(file: path, problems: [Problem("is not a regular file, expected a configuration file")])
        }
        let bytes: [UInt8]
        do throws(ProtocolLoadError) {
            bytes = try FileSystem.read(descriptor, path: path, limit: maximumFileSize + 1)
        } catch {
            throw ConfigurationError(file: path, problems: [Problem(error.lines.joined())])
        }
        return try decode(bytes, file: path)
    }

    /// Decodes configuration JSON; `file` names the source in messages.
    public static func decode(_ bytes: [UInt8], file: String) throws(ConfigurationError) -> Configuration {
        guard bytes.count <= maximumFileSize else {
            throw ConfigurationError(file: file, problems: [Problem("the file is larger than the 64 KiB a configuration may be")])
        }
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw ConfigurationError(file: file, problems: [Problem(
                path: "", position: LineIndex(bytes).positions(of: [error.offset])[0], message: error.message)])
        }
        var decoder = ConfigurationDecoder()
        guard let decoded = decoder.decode(root), decoder.problems.isEmpty else {
            throw ConfigurationError(file: file, problems: decoder.problems.located(in: bytes))
        }
        return decoded
    }
}
