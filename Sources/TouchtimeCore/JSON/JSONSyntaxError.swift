/// A JSON syntax error with the place it was found.
struct JSONSyntaxError: Error, Sendable, Equatable {
    var offset: Int
    var message: String
}
