/// Builds a `Configuration` from the parsed tree with the shared `JSONReader`, collecting every problem.
struct ConfigurationDecoder {
    var reader = JSONReader()
    var problems: ProblemLog { reader.problems }

    private mutating func report(_ path: String, _ offset: Int?, _ message: String) {
        reader.report(path, offset, message)
    }

    mutating func decode(_ root: JSONNode) -> Configuration? {
        guard let members = reader.object(root, path: "", known: Configuration.topLevelKeys, what: "the configuration") else { return nil }
        var configuration = Configuration()
        if let node = members["$schema"]?.value { _ = reader.string(node, path: "$schema") }
        configuration.device = members["device"].flatMap { deviceName($0.value, path: "device") }
        configuration.volume = reader.wholeNumber(members["volume"], path: "volume", in: 0...100, expected: "a whole number from 0 to 100").value
        configuration.voice = reader.bool(members["voice"], path: "voice").value
        configuration.leadIn = reader.number(members["leadIn"], path: "leadIn", in: 0...600, expected: "a number from 0 to 600 seconds").value
        configuration.exitAtEnd = reader.bool(members["exitAtEnd"], path: "exitAtEnd").value
        configuration.debounce = reader.number(members["debounce"], path: "debounce", in: 0...2, expected: "a number from 0 to 2 seconds").value
        if let node = members["keys"]?.value { configuration.keys = keyMap(node, path: "keys") }
        if let node = members["pedal"]?.value { configuration.pedal = pedal(node, path: "pedal") }
        configuration.listen = reader.bool(members["listen"], path: "listen").value
        configuration.listenDevice = members["listenDevice"].flatMap { deviceName($0.value, path: "listenDevice") }
        if let node = members["listenThresholds"]?.value { configuration.listenThresholds = thresholds(node, path: "listenThresholds") }
        if let node = members["confirmations"]?.value { configuration.confirmations = confirmations(node, path: "confirmations") }
        return problems.isEmpty ? configuration : nil
    }

    /// `{ "timer next": 1e-25 }`: a threshold for each command phrase named.
    private mutating func thresholds(_ node: JSONNode, path: String) -> [VoiceCommand: Double] {
        let phrases = VoiceCommand.allCases.map(\.phrase)
        guard let members = reader.object(node, path: path, known: phrases, what: "thresholds for command phrases") else { return [:] }
        var thresholds: [VoiceCommand: Double] = [:]
        for command in VoiceCommand.allCases {
            thresholds[command] = reader.number(members[command.phrase], path: members.path(command.phrase), in: VoiceCommand.thresholdRange,
                                                expected: "a threshold from 1e-60 to 0.1, such as 1e-20 (lower lets more through)").value
        }
        return thresholds
    }

    /// `"sound"` for every command, or `{"paused": "word", ...}` per command.
    private mutating func confirmations(_ node: JSONNode, path: String) -> [Confirmation: ConfirmationPlan.Style] {
        let styles = ConfirmationPlan.Style.allCases.map { ($0.rawValue, $0) }
        let expected = "one of " + JSONReader.names(styles.map(\.0))
        if case .string(let name) = node.value {
            guard let style = ConfirmationPlan.Style(rawValue: name) else {
                report(path, node.offset, "expected \(expected), found \(Quote.value(node))")
                return [:]
            }
            return Dictionary(uniqueKeysWithValues: Confirmation.allCases.map { ($0, style) })
        }
        guard case .object = node.value else {
            report(path, node.offset, "expected \(expected) for every command, or an object of them by command, found \(node.typeDescription)")
            return [:]
        }
        let names = Confirmation.allCases.map(\.rawValue)
        guard let members = reader.object(node, path: path, known: names, what: "confirmations by command") else { return [:] }
        var chosen: [Confirmation: ConfirmationPlan.Style] = [:]
        for confirmation in Confirmation.allCases {
            chosen[confirmation] = reader.choice(members[confirmation.rawValue], path: members.path(confirmation.rawValue), styles,
                                                 expected: expected).value
        }
        return chosen
    }

    private mutating func pedal(_ node: JSONNode, path: String) -> Configuration.Pedal? {
        guard let members = reader.object(node, path: path, known: Configuration.pedalKeys, what: "the pedal") else { return nil }
        var pedal = Configuration.Pedal()
        pedal.device = members["device"].flatMap { deviceName($0.value, path: members.path("device")) }
        pedal.grab = reader.bool(members["grab"], path: members.path("grab")).value ?? false
        if let node = members["keys"]?.value { pedal.keys = keyMap(node, path: members.path("keys")) }
        if let node = members["hold"]?.value { pedal.hold = keyMap(node, path: members.path("hold")) }
        pedal.holdSeconds = reader.number(members["holdSeconds"], path: members.path("holdSeconds"), in: 0.2...10,
                                          expected: "a number from 0.2 to 10 seconds").value ?? 1
        return pedal
    }

    /// `{ "ACTION": ["KEY", ...] }`: known actions, known key names, no key given to two actions.
    private mutating func keyMap(_ node: JSONNode, path: String) -> [KeyAction: [Key]] {
        let actions = KeyAction.allCases.map(\.rawValue)
        guard case .object(let members) = node.value else {
            report(path, node.offset, "expected a key map as an object, found \(node.typeDescription)")
            return [:]
        }
        _ = reader.object(node, path: path, known: actions, what: "a key map")
        var map: [KeyAction: [Key]] = [:]
        var owner: [Key: String] = [:]
        // In file order, so a key given twice is reported where it is given the second time.
        for member in members {
            guard let action = KeyAction(rawValue: member.key) else { continue }
            map[action] = keys(member, path: "\(path).\(member.key)", owner: &owner)
        }
        return map
    }

    /// One action's keys: names a key map knows, none given to another action before.
    private mutating func keys(_ member: JSONNode.Member, path: String, owner: inout [Key: String]) -> [Key] {
        guard case .array(let elements) = member.value.value else {
            report(path, member.value.offset, "expected an array of key names, such as [\"b\"], found \(member.value.typeDescription)")
            return []
        }
        guard elements.count <= 20 else {
            report(path, member.value.offset, "expected at most 20 keys, found \(elements.count)")
            return []
        }
        var keys: [Key] = []
        for (index, element) in elements.enumerated() {
            let elementPath = "\(path)[\(index)]"
            guard case .string(let text) = element.value else {
                report(elementPath, element.offset, "expected a key name, found \(element.typeDescription)")
                continue
            }
            guard let key = Key(name: text) else {
                var message = "unknown key \(Quote.text(text)): expected one character or one of Space, Enter, PageUp, PageDown, Left, Right, Up, Down, F1 to F20, BTN_0 to BTN_9"
                if let suggestion = Suggestion.closest(to: text, in: Key.allNames), text.count > 1 {
                    message = "unknown key \(Quote.text(text)): did you mean \"\(suggestion)\"?"
                }
                report(elementPath, element.offset, message)
                continue
            }
            if let other = owner[key] {
                report(elementPath, element.offset, "key \"\(key)\" is already given to \"\(other)\"")
                continue
            }
            owner[key] = member.key
            keys.append(key)
        }
        return keys
    }

    private mutating func deviceName(_ node: JSONNode, path: String) -> String? {
        guard case .string(let value) = node.value else {
            report(path, node.offset, "expected a device name, found \(node.typeDescription)")
            return nil
        }
        guard !value.isEmpty, value.count <= 4096, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            report(path, node.offset, "expected a device name, found \(value.isEmpty ? "an empty string" : Quote.text(value))")
            return nil
        }
        return value
    }
}
