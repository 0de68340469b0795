/// One thing wrong with a protocol file: where it is and what was expected.
public struct ProtocolProblem: Sendable, Equatable, CustomStringConvertible {
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

    /// `line:column: path: message`, the part after the file name.
    public var description: String {
        var parts: [String] = []
        if let position { parts.append(position.description) }
        if !path.isEmpty { parts.append(path) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

/// Why a protocol could not be loaded. Each case maps to a documented exit code.
public enum ProtocolLoadError: Error, Sendable, Equatable {
    /// The file is missing, unreadable, or a directory (exit 66, EX_NOINPUT).
    case unreadable(file: String, reason: String)
    /// No file and no bundled protocol answers to this name (exit 66).
    case notFound(name: String, searched: [String])
    /// The file was read but is not a valid protocol (exit 65, EX_DATAERR).
    case invalid(file: String, problems: [ProtocolProblem])

    /// At most this many problems are listed; a hostile file could otherwise flood the terminal.
    public static let reportedProblemLimit = 100

    /// One line a problem, each naming the file and the place.
    public var lines: [String] {
        switch self {
        case .unreadable(let file, let reason):
            return ["\(file): \(reason)"]
        case .notFound(let name, let searched):
            return ["\(name): no such protocol file, and no protocol with that id in \(searched.joined(separator: ", ")) (see 'touchtime list')"]
        case .invalid(let file, let problems):
            // "file:line:column: ..." when the place has a position, "file: path: ..." otherwise.
            var lines = problems.prefix(Self.reportedProblemLimit).map {
                $0.position == nil ? "\(file): \($0)" : "\(file):\($0)"
            }
            if problems.count > Self.reportedProblemLimit {
                lines.append("\(file): ... and \(problems.count - Self.reportedProblemLimit) more problems")
            }
            return lines
        }
    }

    /// The sysexits code for this error.
    public var exitCode: Int32 {
        switch self {
        case .unreadable, .notFound: return 66
        case .invalid: return 65
        }
    }
}
