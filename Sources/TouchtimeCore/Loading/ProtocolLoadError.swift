/// Why a protocol could not be loaded. What it means for the command (an exit status) is the
/// executable's to say.
public enum ProtocolLoadError: Error, Sendable, Equatable {
    /// The file is missing, unreadable, or a directory.
    case unreadable(file: String, reason: String)
    /// No file and no bundled protocol answers to this name.
    /// `suggestion`: a known id close to the name (a typo's likely meaning).
    case notFound(name: String, searched: [String], suggestion: String? = nil)
    /// The file was read but is not a valid protocol.
    case invalid(file: String, problems: [Problem])

    /// One line a problem, each naming the file and the place.
    public var lines: [String] {
        switch self {
        case .unreadable(let file, let reason):
            return ["\(file): \(reason)"]
        case .notFound(let name, let searched, let suggestion?):
            return ["\(name): no such protocol file or id; did you mean '\(suggestion)'? (searched \(searched.joined(separator: ", ")); see 'touchtime list')"]
        case .notFound(let name, let searched, nil):
            return ["\(name): no such protocol file, and no protocol with that id in \(searched.joined(separator: ", ")) (see 'touchtime list')"]
        case .invalid(let file, let problems):
            return Problem.lines(problems, file: file)
        }
    }
}
