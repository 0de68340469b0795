extension Quote {
    /// A value of the file in a message: a string quoted, a number as written (clipped), a boolean, or its kind.
    static func value(_ node: JSONNode) -> String {
        switch node.value {
        case .string(let value): return text(value)
        case .number(let literal): return clipped(literal)
        case .bool(let value): return String(value)
        default: return node.typeDescription
        }
    }
}
