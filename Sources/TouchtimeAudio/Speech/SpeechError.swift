/// Why speech cannot be made: one line for the user; the session goes on with chimes.
public struct SpeechError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
