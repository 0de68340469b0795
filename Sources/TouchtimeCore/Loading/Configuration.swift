#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The user's defaults and key map: `$XDG_CONFIG_HOME/touchtime/config.json` (by default
/// `~/.config/touchtime/config.json`), or the file `--config` names.
///
/// ```json
/// { "device": "default", "volume": 80, "voice": true, "leadIn": 5, "exitAtEnd": false,
///   "debounce": 0.7, "listen": true, "listenDevice": "default", "listenThresholds": { "timer next": 1e-25 },
///   "keys": { "next": ["b", "PageDown"], "pause": ["Space"] },
///   "pedal": { "device": "/dev/input/by-id/usb-PCsensor_FootSwitch-event-kbd", "grab": true,
///              "keys": { "next": ["BTN_0"] }, "hold": { "quit": ["BTN_0"] }, "holdSeconds": 1 } }
/// ```
/// Every key is optional; a missing file is all defaults. It is read with the protocols' strict
/// parser and positioned, did-you-mean messages; any problem is `ConfigurationError` (exit 78,
/// EX_CONFIG). Its JSON Schema is `Protocols/config.schema.json`.
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
                                      "listen", "listenDevice", "listenThresholds"]
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
            throw ConfigurationError(file: path, problems: [ProtocolProblem(path: "", position: nil, message: FileSystem.describe(code))])
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw ConfigurationError(file: path, problems: [ProtocolProblem(
                path: "", position: nil, message: "is not a regular file, expected a configuration file")])
        }
        let bytes: [UInt8]
        do throws(ProtocolLoadError) {
            bytes = try FileSystem.read(descriptor, path: path, limit: maximumFileSize + 1)
        } catch {
            throw ConfigurationError(file: path, problems: [ProtocolProblem(path: "", position: nil, message: error.lines.joined())])
        }
        return try decode(bytes, file: path)
    }

    /// Decodes configuration JSON; `file` names the source in messages.
    public static func decode(_ bytes: [UInt8], file: String) throws(ConfigurationError) -> Configuration {
        guard bytes.count <= maximumFileSize else {
            throw ConfigurationError(file: file, problems: [ProtocolProblem(
                path: "", position: nil, message: "the file is larger than the 64 KiB a configuration may be")])
        }
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw ConfigurationError(file: file, problems: [ProtocolProblem(
                path: "", position: LineIndex(bytes).positions(of: [error.offset])[0], message: error.message)])
        }
        var decoder = ConfigurationDecoder()
        let decoded = decoder.decode(root)
        guard let decoded, decoder.problems.isEmpty else {
            let ordered = decoder.problems.sorted { ($0.offset ?? -1) < ($1.offset ?? -1) }
            var positions = LineIndex(bytes).positions(of: ordered.compactMap(\.offset)).makeIterator()
            let problems = ordered.map { found -> ProtocolProblem in
                var problem = found.problem
                if found.offset != nil { problem.position = positions.next() }
                return problem
            }
            throw ConfigurationError(file: file, problems: problems)
        }
        return decoded
    }
}

/// A configuration that cannot be used: each problem with the file and its place (exit 78).
public struct ConfigurationError: Error, Sendable, Equatable {
    public var file: String
    public var problems: [ProtocolProblem]

    public static let exitCode: Int32 = 78

    public var lines: [String] {
        problems.prefix(ProtocolLoadError.reportedProblemLimit).map {
            $0.position == nil ? "\(file): \($0)" : "\(file):\($0)"
        }
    }
}

/// Builds a `Configuration` from the parsed tree, collecting every problem.
struct ConfigurationDecoder {
    struct Found {
        var offset: Int?
        var problem: ProtocolProblem
    }

    private(set) var problems: [Found] = []

    private mutating func report(_ path: String, _ offset: Int?, _ message: String) {
        problems.append(Found(offset: offset, problem: ProtocolProblem(path: path, position: nil, message: message)))
    }

    mutating func decode(_ root: JSONNode) -> Configuration? {
        guard let members = object(root, path: "", known: Configuration.topLevelKeys, what: "the configuration") else { return nil }
        var configuration = Configuration()
        if let node = members["$schema"]?.value, case .string = node.value {} else if let node = members["$schema"]?.value {
            report("$schema", node.offset, "expected a string, found \(node.typeDescription)")
        }
        if let node = members["device"]?.value { configuration.device = deviceName(node, path: "device") }
        if let node = members["volume"]?.value {
            configuration.volume = number(node, path: "volume", range: 0...100, unit: "").flatMap { value in
                guard value == value.rounded() else {
                    report("volume", node.offset, "expected a whole number from 0 to 100, found \(value)")
                    return nil
                }
                return Int(value)
            }
        }
        if let node = members["voice"]?.value { configuration.voice = bool(node, path: "voice") }
        if let node = members["leadIn"]?.value { configuration.leadIn = number(node, path: "leadIn", range: 0...600, unit: " seconds") }
        if let node = members["exitAtEnd"]?.value { configuration.exitAtEnd = bool(node, path: "exitAtEnd") }
        if let node = members["debounce"]?.value { configuration.debounce = number(node, path: "debounce", range: 0...2, unit: " seconds") }
        if let node = members["keys"]?.value { configuration.keys = keyMap(node, path: "keys") }
        if let node = members["pedal"]?.value { configuration.pedal = pedal(node, path: "pedal") }
        if let node = members["listen"]?.value { configuration.listen = bool(node, path: "listen") }
        if let node = members["listenDevice"]?.value { configuration.listenDevice = deviceName(node, path: "listenDevice") }
        if let node = members["listenThresholds"]?.value { configuration.listenThresholds = thresholds(node, path: "listenThresholds") }
        return problems.isEmpty ? configuration : nil
    }

    /// `{ "timer next": 1e-25 }`: a threshold for each command phrase named.
    private mutating func thresholds(_ node: JSONNode, path: String) -> [VoiceCommand: Double] {
        let phrases = VoiceCommand.allCases.map(\.phrase)
        guard let members = object(node, path: path, known: phrases, what: "thresholds for command phrases") else { return [:] }
        var thresholds: [VoiceCommand: Double] = [:]
        for (phrase, member) in members {
            guard let command = VoiceCommand(phrase: phrase) else { continue }
            let range = VoiceCommand.thresholdRange
            guard case .number(let literal) = member.value.value, let value = Double(literal), value.isFinite,
                  range.contains(value) else {
                report("\(path).\(phrase)", member.value.offset,
                       "expected a threshold from 1e-60 to 0.1, such as 1e-20 (lower lets more through), found \(Self.describe(member.value))")
                continue
            }
            thresholds[command] = value
        }
        return thresholds
    }

    private static func describe(_ node: JSONNode) -> String {
        if case .number(let literal) = node.value { return ProtocolDecoder.clipped(literal) }
        return node.typeDescription
    }

    private mutating func pedal(_ node: JSONNode, path: String) -> Configuration.Pedal? {
        guard let members = object(node, path: path, known: Configuration.pedalKeys, what: "the pedal") else { return nil }
        var pedal = Configuration.Pedal()
        if let node = members["device"]?.value { pedal.device = deviceName(node, path: "\(path).device") }
        if let node = members["grab"]?.value { pedal.grab = bool(node, path: "\(path).grab") ?? false }
        if let node = members["keys"]?.value { pedal.keys = keyMap(node, path: "\(path).keys") }
        if let node = members["hold"]?.value { pedal.hold = keyMap(node, path: "\(path).hold") }
        if let node = members["holdSeconds"]?.value {
            pedal.holdSeconds = number(node, path: "\(path).holdSeconds", range: 0.2...10, unit: " seconds") ?? 1
        }
        return pedal
    }

    /// `{ "ACTION": ["KEY", ...] }`: known actions, known key names, no key given to two actions.
    private mutating func keyMap(_ node: JSONNode, path: String) -> [KeyAction: [Key]] {
        let actions = KeyAction.allCases.map(\.rawValue)
        guard let members = object(node, path: path, known: actions, what: "a key map") else { return [:] }
        var map: [KeyAction: [Key]] = [:]
        var owner: [Key: String] = [:]
        // In file order, so a key given twice is reported where it is given the second time.
        for (name, member) in members.sorted(by: { $0.value.keyOffset < $1.value.keyOffset }) {
            guard let action = KeyAction(rawValue: name) else { continue }
            let actionPath = "\(path).\(name)"
            guard case .array(let elements) = member.value.value else {
                report(actionPath, member.value.offset,
                       "expected an array of key names, such as [\"b\"], found \(member.value.typeDescription)")
                continue
            }
            if elements.count > 20 {
                report(actionPath, member.value.offset, "expected at most 20 keys, found \(elements.count)")
                continue
            }
            var keys: [Key] = []
            for (index, element) in elements.enumerated() {
                let elementPath = "\(actionPath)[\(index)]"
                guard case .string(let text) = element.value else {
                    report(elementPath, element.offset, "expected a key name, found \(element.typeDescription)")
                    continue
                }
                guard let key = Key(name: text) else {
                    var message = "unknown key \(ProtocolDecoder.quoted(text)): expected one character or one of Space, Enter, PageUp, PageDown, Left, Right, Up, Down, F1 to F20, BTN_0 to BTN_9"
                    if let suggestion = ProtocolDecoder.closest(to: text, in: Key.allNames), text.count > 1 {
                        message = "unknown key \(ProtocolDecoder.quoted(text)): did you mean \"\(suggestion)\"?"
                    }
                    report(elementPath, element.offset, message)
                    continue
                }
                if let other = owner[key] {
                    report(elementPath, element.offset, "key \"\(key)\" is already given to \"\(other)\"")
                    continue
                }
                owner[key] = name
                keys.append(key)
            }
            map[action] = keys
        }
        return map
    }

    private mutating func object(_ node: JSONNode, path: String, known: [String], what: String) -> [String: JSONNode.Member]? {
        guard case .object(let members) = node.value else {
            report(path, node.offset, "expected \(what) as an object, found \(node.typeDescription)")
            return nil
        }
        var byKey: [String: JSONNode.Member] = [:]
        for member in members {
            // A hostile key is cut short in the path as in the message.
            let keyPath = path.isEmpty ? ProtocolDecoder.shortened(member.key) : "\(path).\(ProtocolDecoder.shortened(member.key))"
            if !known.contains(member.key) {
                let hint = ProtocolDecoder.closest(to: member.key, in: known).map { ": did you mean \"\($0)\"?" }
                    ?? ": expected one of \(known.filter { $0 != "$schema" }.joined(separator: ", "))"
                report(keyPath, member.keyOffset, "unknown key \(ProtocolDecoder.quoted(member.key))" + hint)
            } else if byKey[member.key] != nil {
                report(keyPath, member.keyOffset, "key \"\(member.key)\" is given twice")
            } else {
                byKey[member.key] = member
            }
        }
        return byKey
    }

    private mutating func bool(_ node: JSONNode, path: String) -> Bool? {
        guard case .bool(let value) = node.value else {
            report(path, node.offset, "expected true or false, found \(node.typeDescription)")
            return nil
        }
        return value
    }

    private mutating func number(_ node: JSONNode, path: String, range: ClosedRange<Double>, unit: String) -> Double? {
        guard case .number(let literal) = node.value, let value = Double(literal), value.isFinite else {
            report(path, node.offset, "expected a number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))\(unit), found \(node.typeDescription)")
            return nil
        }
        guard range.contains(value) else {
            report(path, node.offset, "expected a number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))\(unit), found \(ProtocolDecoder.clipped(literal))")
            return nil
        }
        return value
    }

    private mutating func deviceName(_ node: JSONNode, path: String) -> String? {
        guard case .string(let value) = node.value else {
            report(path, node.offset, "expected a device name, found \(node.typeDescription)")
            return nil
        }
        guard !value.isEmpty, value.count <= 4096, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            report(path, node.offset, "expected a device name, found \(value.isEmpty ? "an empty string" : ProtocolDecoder.quoted(value))")
            return nil
        }
        return value
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
