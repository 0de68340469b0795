/// A configuration that cannot be used: each problem with the file and its place.
public struct ConfigurationError: Error, Sendable, Equatable {
    public var file: String
    public var problems: [Problem]

    public init(file: String, problems: [Problem]) {
        self.file = file
        self.problems = problems
    }

    public var lines: [String] { Problem.lines(problems, file: file) }
}
