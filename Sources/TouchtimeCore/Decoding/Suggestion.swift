/// "Did you mean": the known name closest to a misspelt one, for a key, a key name, a command, a
/// protocol id, a chime kind or a phase.
public enum Suggestion {
    /// The candidate closest to `text`, if one is close enough to be a likely typo: the same but
    /// for case, dashes, underscores and spaces; a truncated or over-long form ("stillnessBetween");
    /// or within a few edits.
    public static func closest(to text: String, in candidates: [String]) -> String? {
        func normalized(_ text: String) -> String {
            String(text.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " })
        }
        let wanted = normalized(text)
        if let match = candidates.first(where: { normalized($0) == wanted }) {
            return match
        }
        if wanted.count >= 4, let match = candidates.first(where: {
            normalized($0).hasPrefix(wanted) || wanted.hasPrefix(normalized($0))
        }) {
            return match
        }
        let scored = candidates.map { ($0, editDistance(text.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let allowance = max(1, min(3, best.0.count / 3))
        return best.1 <= allowance ? best.0 : nil
    }

    /// What follows "unknown key "x"": `: did you mean "y"?`, or the keys there are.
    static func hint(for key: String, among known: [String]) -> String {
        if let suggestion = closest(to: key, in: known) { return ": did you mean \"\(suggestion)\"?" }
        return ": expected one of \(known.filter { $0 != "$schema" }.joined(separator: ", "))"
    }

    /// Edit distance over at most 64 characters of each, a swap of two neighbours counting as one
    /// edit (optimal string alignment: "lfit" is one from "lift", "rnu" one from "run").
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.prefix(64))
        let b = Array(b.prefix(64))
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
