/// A parsed JSON value that remembers where it came from, so that every problem found
/// later can name its line and column as well as its JSON path.
///
/// Foundation's `JSONSerialization` neither reports positions nor keeps key order and
/// duplicate keys, so protocol files go through this small strict parser (RFC 8259).
struct JSONNode: Sendable {
    enum Value: Sendable {
        case object([Member])
        case array([JSONNode])
        case string(String)
        /// The number's source text, kept so huge or odd numbers can be reported as written.
        case number(String)
        case bool(Bool)
        case null
    }

    struct Member: Sendable {
        var key: String
        var keyOffset: Int
        var value: JSONNode
    }

    var value: Value
    /// Byte offset of the value's first character; `LineIndex` turns it into line:column.
    var offset: Int

    /// A short name of the value's type, for messages such as "expected a string, found a number".
    var typeDescription: String {
        switch value {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}
