import ArgumentParser
import TouchtimeCore

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the effective settings and keys, and where each comes from (default, file, environment, flag).",
        discussion: """
            The configuration file is $XDG_CONFIG_HOME/touchtime/config.json (~/.config/touchtime/config.json when \
            XDG_CONFIG_HOME is unset), or $TOUCHTIME_CONFIG, or --config FILE; a missing default file means the \
            defaults. It may set device, volume, voice, leadIn, exitAtEnd, debounce, a key map ("keys": {"next": \
            ["b"], "pause": ["PageDown"]}) and a pedal read through Linux input events ("pedal": {"device": ..., \
            "grab": true, "keys": {...}, "hold": {...}, "holdSeconds": 1}), and spoken commands ("listen": true, \
            "listenDevice": "default", "listenThresholds": {"timer next": 1e-25}). Actions: \
            \(KeyAction.allCases.map(\.rawValue).joined(separator: ", ")). Keys: one character, Space, Enter, PageUp, \
            PageDown, Left, Right, Up, Down, F1 to F20, BTN_0 to BTN_9. Flags given here show as they would act on \
            'run'. A configuration that cannot be used is reported with its place, and exits 78.
            """
    )

    @OptionGroup var configOptions: ConfigOptions

    @OptionGroup var playback: PlaybackOptions
    @Flag(inversion: .prefixedNo, help: "As for run.") var voice: Bool?
    @Option(name: .customLong("lead-in"), parsing: .unconditional, help: ArgumentHelp("As for run.", valueName: "seconds"))
    var leadInNumber: DecimalNumber?
    @Flag(name: .customLong("exit-at-end"), inversion: .prefixedNo, help: "As for run.") var exitAtEnd: Bool?
    @Option(help: ArgumentHelp("As for run.", valueName: "device")) var pedal: String?
    @OptionGroup var listening: ListenOptions

    func run() throws {
        let settings = try Settings.load(configOptions, flags: Settings.Flags(
            device: playback.device, volume: playback.volume, voice: voice, leadIn: leadInNumber?.value, exitAtEnd: exitAtEnd, pedal: pedal,
            listen: listening.listening, listenDevice: listening.listenDevice))
        let file = settings.file
        // A path from the environment is shown as text: a control in it never reaches the terminal.
        var lines = ["configuration  \((file.path ?? "(none: neither XDG_CONFIG_HOME nor HOME is set)").escapingUnsafe)  "
            + "(\(file.source.rawValue)\(file.found ? "" : ", not found: the defaults apply"))", ""]
        var rows: [[String]] = [["SETTING", "VALUE", "FROM"]]
        func row<Value>(_ name: String, _ setting: Setting<Value>, _ text: (Value) -> String) {
            rows.append([name, text(setting.value), setting.source.rawValue])
        }
        row("device", settings.device) { $0 }
        row("volume", settings.volume) { "\($0)" }
        row("voice", settings.voice) { $0 ? "on" : "off" }
        row("lead-in", settings.leadIn) { "\(JSONText.number($0)) s" }
        row("exit-at-end", settings.exitAtEnd) { $0 ? "on" : "off" }
        row("debounce", settings.debounce) { "\(JSONText.number($0)) s" }
        row("pedal", settings.pedal) { $0 ?? "none" }
        row("listen", settings.listen) { $0 ? "on" : "off" }
        row("listen device", settings.listenDevice) { $0 }
        for command in VoiceCommand.allCases {
            let given = settings.configuration.listenThresholds[command]
            rows.append(["threshold \"\(command.phrase)\"", "\(given ?? command.defaultThreshold)", given == nil ? "default" : "file"])
        }
        if let pedal = settings.configuration.pedal, settings.pedal.value != nil {
            rows.append(["pedal grab", pedal.grab ? "on" : "off", "file"])
            rows.append(["pedal hold", "\(JSONText.number(pedal.holdSeconds)) s", "file"])
        }
        lines.append(TextTable.render(rows))
        var keys: [[String]] = [["ACTION", "KEYS", "FROM"]]
        let map = settings.keyMap
        for action in KeyAction.allCases {
            let names = map.keys(for: action).map(\.description)
            keys.append([action.rawValue, names.isEmpty ? "(none)" : names.joined(separator: " "),
                         settings.configuration.keys[action] != nil ? "file" : "default"])
        }
        lines.append(TextTable.render(keys))
        if let pedal = settings.configuration.pedal, settings.pedal.value != nil {
            var pedalRows: [[String]] = [["PEDAL", "PRESS", "HOLD"]]
            // The pedal's own keys; the rest of its keys act as on the keyboard.
            for action in KeyAction.allCases where pedal.keys[action] != nil || pedal.hold[action] != nil {
                let press = pedal.keys[action].map { $0.map(\.description).joined(separator: " ") } ?? "-"
                let hold = pedal.hold[action].map { $0.map(\.description).joined(separator: " ") } ?? "-"
                pedalRows.append([action.rawValue, press, hold])
            }
            lines.append(TextTable.render(pedalRows))
        }
        StandardStream.output.write(lines.joined(separator: "\n"))
    }
}
