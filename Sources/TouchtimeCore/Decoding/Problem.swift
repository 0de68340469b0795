/// One thing wrong with a file (a protocol, a configuration): where it is and what was expected.
public struct Problem: Sendable, Equatable, CustomStringConvertible {
    /// A JSON path such as `phases[2].steps[0].duration`; empty for the document itself.
    public var path: String
    /// Line and column in the file, when known.
    public var position: SourcePosition?
    public var message: String

    public init(path: String, position: SourcePosition?, message: String) {
        self.path = path
        self.position = position
        self.message = message
    }

    /// A problem with the whole file (it cannot be read, it is too large).
    public init(_ message: String) {
        self.init(path: "", position: nil, message: message)
    }

    /// `line:column: path: message`, the part after the file name.
    public var description: String {
        var parts: [String] = []
        if let position { parts.append(position.description) }
        if !path.isEmpty { parts.append(path) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }

    /// At most this many problems are listed; a hostile file could otherwise flood the terminal.
    public static let reportedLimit = 100

    /// One line a problem, each naming `file` and the place: `file:line:column: ...` when the
    /// place has a position, `file: path: ...` otherwise; past `reportedLimit`, one line more.
    public static func lines(_ problems: [Problem], file: String) -> [String] {
        var lines = problems.prefix(reportedLimit).map { $0.position == nil ? "\(file): \($0)" : "\(file):\($0)" }
        if problems.count > reportedLimit {
            lines.append("\(file): ... and \(problems.count - reportedLimit) more problems")
        }
        return lines
    }
}
