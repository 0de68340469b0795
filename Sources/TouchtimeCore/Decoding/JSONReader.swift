/// A value read from a field of a file: not there, there and good, or there and wrong (and
/// reported). A decoder keeps these, not flags: whatever is `invalid` makes the whole invalid.
enum Field<Value> {
    case absent
    case valid(Value)
    case invalid

    var value: Value? {
        if case .valid(let value) = self { return value }
        return nil
    }

    var isInvalid: Bool {
        if case .invalid = self { return true }
        return false
    }

    /// The value, `fallback` when the field is absent, nil when it is invalid.
    func or(_ fallback: Value) -> Value? {
        switch self {
        case .absent: return fallback
        case .valid(let value): return value
        case .invalid: return nil
        }
    }

    func map<Other>(_ transform: (Value) -> Other) -> Field<Other> {
        switch self {
        case .absent: return .absent
        case .valid(let value): return .valid(transform(value))
        case .invalid: return .invalid
        }
    }

    /// A further check of a valid value: nil from `check` makes it invalid (`check` reports why).
    func then<Other>(_ check: (Value) -> Other?) -> Field<Other> {
        switch self {
        case .absent: return .absent
        case .invalid: return .invalid
        case .valid(let value): return check(value).map(Field<Other>.valid) ?? .invalid
        }
    }
}

/// The members of one JSON object, by key, and the path they are at.
struct Members {
    let node: JSONNode
    let path: String
    private let byKey: [String: JSONNode.Member]

    init(node: JSONNode, path: String, byKey: [String: JSONNode.Member]) {
        self.node = node
        self.path = path
        self.byKey = byKey
    }

    subscript(key: String) -> JSONNode.Member? { byKey[key] }

    /// The path of a member: `phases[2].title`.
    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

/// Reads a JSON document's objects and fields and collects every problem, located: the kit the
/// project's files (protocols, the configuration) are decoded with. Unknown keys get a
/// did-you-mean; numbers are checked against their range, whole where they must be; each
/// problem says what was expected and what was found.
struct JSONReader {
    private(set) var problems = ProblemLog()

    mutating func report(_ path: String, _ offset: Int?, _ message: String) {
        problems.report(path, offset, message)
    }

    /// The members of an object by key, after reporting unknown keys (with a suggestion when one is close).
    mutating func object(_ node: JSONNode, path: String, known: [String], what: String) -> Members? {
        guard case .object(let members) = node.value else {
            report(path, node.offset, "expected \(what) as an object, found \(node.typeDescription)")
            return nil
        }
        var byKey: [String: JSONNode.Member] = [:]
        for member in members {
            if known.contains(member.key) {
                byKey[member.key] = member
            } else {
                // A hostile key (60,000 characters) is cut short in the path as in the message.
                let keyPath = path.isEmpty ? Quote.key(member.key) : "\(path).\(Quote.key(member.key))"
                problems.unknownKey(member.key, path: keyPath, offset: member.keyOffset, known: known)
            }
        }
        return Members(node: node, path: path, byKey: byKey)
    }

    /// `true` or `false`.
    mutating func bool(_ member: JSONNode.Member?, path: String) -> Field<Bool> {
        guard let node = member?.value else { return .absent }
        guard case .bool(let value) = node.value else {
            report(path, node.offset, "expected true or false, found \(Quote.value(node))")
            return .invalid
        }
        return .valid(value)
    }

    /// Any string.
    mutating func string(_ node: JSONNode, path: String) -> String? {
        guard case .string(let value) = node.value else {
            report(path, node.offset, "expected a string, found \(node.typeDescription)")
            return nil
        }
        return value
    }

    /// A whole number in `range`: `expected` says what it is ("a whole number from 0 to 100").
    mutating func wholeNumber(_ member: JSONNode.Member?, path: String, in range: ClosedRange<Int>, expected: String) -> Field<Int> {
        guard let node = member?.value else { return .absent }
        guard case .number(let literal) = node.value, let value = Double(literal), value == value.rounded(),
              (Double(range.lowerBound)...Double(range.upperBound)).contains(value) else {
            report(path, node.offset, "expected \(expected), found \(Quote.value(node))")
            return .invalid
        }
        return .valid(Int(value))
    }

    /// A finite number in `range`: `expected` says what it is ("a number from 0 to 600 seconds").
    mutating func number(_ member: JSONNode.Member?, path: String, in range: ClosedRange<Double>, expected: String) -> Field<Double> {
        guard let node = member?.value else { return .absent }
        guard case .number(let literal) = node.value, let value = Double(literal), value.isFinite, range.contains(value) else {
            report(path, node.offset, "expected \(expected), found \(Quote.value(node))")
            return .invalid
        }
        return .valid(value)
    }

    /// One of the names of `choices` (a string): `expected` lists them.
    mutating func choice<Value>(_ member: JSONNode.Member?, path: String, _ choices: [(String, Value)], expected: String) -> Field<Value> {
        guard let node = member?.value else { return .absent }
        guard case .string(let name) = node.value, let chosen = choices.first(where: { $0.0 == name }) else {
            report(path, node.offset, "expected \(expected), found \(Quote.value(node))")
            return .invalid
        }
        return .valid(chosen.1)
    }

    /// The names of `choices`, each quoted, joined with `separator`: `"a", "b", "c"`.
    static func names(_ names: [String], separator: String = ", ") -> String {
        names.map { "\"\($0)\"" }.joined(separator: separator)
    }
}
