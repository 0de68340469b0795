/// The problems a decoder finds, as it finds them: a byte offset and a message (and, for an
/// unknown key, the keys it could have meant). What costs time to say (a line and a column, a
/// "did you mean") is worked out once, at the end, for the problems that are printed: a hostile
/// file can hold a hundred thousand problems on one line.
struct ProblemLog {
    struct Found {
        var offset: Int?
        var problem: Problem
        /// An unknown key and the keys it could have meant, for a suggestion if it is printed.
        var unknownKey: (key: String, known: [String])?

        /// The problem with its full message (and its suggestion, for an unknown key).
        var described: Problem {
            guard let unknownKey else { return problem }
            var described = problem
            described.message += Suggestion.hint(for: unknownKey.key, among: unknownKey.known)
            return described
        }
    }

    private(set) var found: [Found] = []

    var isEmpty: Bool { found.isEmpty }
    var count: Int { found.count }

    mutating func report(_ path: String, _ offset: Int?, _ message: String) {
        found.append(Found(offset: offset, problem: Problem(path: path, position: nil, message: message)))
    }

    /// A key the object does not know: its suggestion is found only if it is printed.
    mutating func unknownKey(_ key: String, path: String, offset: Int, known: [String]) {
        found.append(Found(offset: offset, problem: Problem(path: path, position: nil, message: "unknown key \(Quote.text(key))"),
                           unknownKey: (key, known)))
    }

    /// Every problem in file order (equal places keep the order found), the first `Problem.reportedLimit`
    /// described and given their line and column in one pass over `bytes`.
    func located(in bytes: [UInt8]) -> [Problem] {
        let ordered = found.enumerated().sorted { lhs, rhs in
            let left = lhs.element.offset ?? -1
            let right = rhs.element.offset ?? -1
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
        let shown = ordered.prefix(Problem.reportedLimit)
        var positions = LineIndex(bytes).positions(of: shown.compactMap(\.offset)).makeIterator()
        return ordered.enumerated().map { index, item in
            guard index < shown.count else { return item.problem }
            var problem = item.described
            if item.offset != nil { problem.position = positions.next() }
            return problem
        }
    }
}
