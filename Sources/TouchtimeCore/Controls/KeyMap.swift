/// What a key can ask of a guided session; the names are the configuration file's.
public enum KeyAction: String, Sendable, CaseIterable, Hashable {
    case pause, next, back, extend, shorten, mute
    case volumeUp = "volume-up"
    case volumeDown = "volume-down"
    case repeatPhase = "repeat-phase"
    case quit, help
}

/// Which key does what: today's keys, with whatever a configuration maps instead.
///
/// An action the configuration maps has exactly the keys it lists; an action it leaves out
/// keeps its standard keys, except any that the configuration gave to another action. `y`
/// always confirms a quit (it is not an action), and letters match in either case.
public struct KeyMap: Sendable, Equatable {
    /// The standard keys, in the order the help shows them.
    public static let standardKeys: [(KeyAction, [Key])] = [
        (.pause, [.space, .enter]),
        (.next, [.char("n"), .right]),
        (.back, [.char("p"), .left]),
        (.extend, [.char("+"), .char("=")]),
        (.shorten, [.char("-"), .char("_")]),
        (.mute, [.char("m")]),
        (.volumeUp, [.up, .char("]")]),
        (.volumeDown, [.down, .char("[")]),
        (.repeatPhase, [.char("r")]),
        (.quit, [.char("q")]),
        (.help, [.char("?"), .char("h")]),
    ]

    public static let standard = KeyMap()

    private var keysByAction: [KeyAction: [Key]]
    private var actionsByKey: [Key: KeyAction]
    /// The actions the configuration mapped.
    public let mapped: Set<KeyAction>

    /// The standard keys, with `mapped` actions' keys replaced by those given.
    public init(mapping mapped: [KeyAction: [Key]] = [:]) {
        let taken = Set(mapped.values.joined())
        var keysByAction: [KeyAction: [Key]] = [:]
        for (action, keys) in Self.standardKeys {
            keysByAction[action] = mapped[action] ?? keys.filter { !taken.contains($0) }
        }
        var actionsByKey: [Key: KeyAction] = [:]
        for action in KeyAction.allCases {
            for key in keysByAction[action] ?? [] where actionsByKey[key] == nil {
                actionsByKey[key] = action
            }
        }
        self.keysByAction = keysByAction
        self.actionsByKey = actionsByKey
        self.mapped = Set(mapped.keys)
    }

    public func action(for key: Key) -> KeyAction? {
        actionsByKey[key]
    }

    public func keys(for action: KeyAction) -> [Key] {
        keysByAction[action] ?? []
    }

    /// The keys of `action` as the help shows them: "space  Enter", or "(none)".
    public func label(_ action: KeyAction, limit: Int = 3) -> String {
        let keys = keys(for: action)
        return keys.isEmpty ? "(none)" : keys.prefix(limit).map(\.label).joined(separator: " ")
    }

    /// The first key of `action`, for the one-line hint.
    func first(_ action: KeyAction) -> String? {
        keys(for: action).first?.label
    }
}
