import Synchronization

/// The grammar of a protocol's text values, written once as regular expressions: the loader
/// matches them, and `Protocols/touchtime.schema.json` holds the very same patterns (a test
/// compares the strings, and CI runs Python's `jsonschema` and the loader over a generated
/// corpus to check that both give the same verdict).
///
/// Only what every engine reads alike is used (ASCII classes, groups, alternation, counted
/// repeats, a negative lookahead): no `\s`, whose meaning differs between Swift, ECMAScript and
/// Python, and no `$`, which Python lets match before a final newline (`(?![\s\S])` is the end).
public enum TextGrammar {
    /// A duration as text, from 0.1 s to 4 hours: seconds (`"45"`, `"45s"`, `"1.5s"`), minutes
    /// first (`"2m"`, `"1m30s"`, `"1.5m"`; 1 to 240), hours first (`"1h"`, `"1h5m"`, `"1h2m3s"`,
    /// `"2.5h"`; 1 to 4), or a clock (`"1:30"` m:ss, `"1:02:03"` h:mm:ss, from 0:01). A unit after
    /// a larger one is below 60; only the last may have a fraction; no leading zeros but a
    /// clock's; spaces (U+0020 only) around are allowed.
    public static let duration = #"^ *(?:(?:0\.[1-9][0-9]*|[1-9][0-9]{0,3}(?:\.[0-9]+)?|1[0-3][0-9]{3}(?:\.[0-9]+)?|14[0-3][0-9]{2}(?:\.[0-9]+)?|14400(?:\.0+)?)s?|(?:[1-9][0-9]?|1[0-9]{2}|2[0-3][0-9])(?:m(?:[0-5]?[0-9](?:\.[0-9]+)?s)?|\.[0-9]+m)|240(?:\.0+)?m|[1-3](?:h(?:[0-5]?[0-9]m)?(?:[0-5]?[0-9](?:\.[0-9]+)?s)?|\.[0-9]+h)|4(?:\.0+)?h|(?:0?0:(?:0[1-9]|[1-5][0-9])|(?:0?[1-9]|[1-9][0-9]|1[0-9]{2}|2[0-3][0-9]):[0-5][0-9])(?:\.[0-9]+)?|240:00(?:\.0+)?|(?:0?0:00:(?:0[1-9]|[1-5][0-9])|0?0:(?:0[1-9]|[1-5][0-9]):[0-5][0-9]|0?[1-3]:[0-5][0-9]:[0-5][0-9])(?:\.[0-9]+)?|0?4:00:00(?:\.0+)?) *(?![\s\S])"#

    /// `strokeSeconds` as text: seconds only, 0.5 to 60 (`"4"`, `"4s"`).
    public static let strokeSeconds = #"^ *(?:0\.[5-9][0-9]*|[1-9](?:\.[0-9]+)?|[1-5][0-9](?:\.[0-9]+)?|60(?:\.0+)?)s? *(?![\s\S])"#

    /// An id: lowercase letters and digits in runs joined by single dashes.
    public static let identifier = #"^[a-z0-9]+(?:-[a-z0-9]+)*(?![\s\S])"#

    /// A language code: a 2 or 3 letter language, then subtags (`en`, `de`, `pt-br`, `en-us`).
    public static let language = #"^[a-z]{2,3}(?:-[a-z0-9]{2,8}){0,3}(?![\s\S])"#

    /// One character that is not blank: text must hold at least one. Blank is the Unicode
    /// White_Space set, listed (engines disagree on what `\s` holds).
    public static let nonBlank = #"[^\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"#

    /// The blank scalars of `nonBlank`, for the loader's own check.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// The compiled patterns. A `Regex` compiles itself lazily on first use and is not safe to
    /// use from two threads at once (it is not `Sendable`): each is used under its own lock.
    static let durationRegex = LockedRegex(duration)
    static let strokeSecondsRegex = LockedRegex(strokeSeconds)
    static let languageRegex = LockedRegex(language)

    /// Whether `text` is a duration in the grammar (and so between 0.1 s and 4 hours).
    static func isDuration(_ text: String) -> Bool { durationRegex.matches(text) }

    static func isStrokeSeconds(_ text: String) -> Bool { strokeSecondsRegex.matches(text) }

    public static func isLanguage(_ text: String) -> Bool { languageRegex.matches(text) }

    /// Whether the patterns compiled (a test holds them to it).
    static var compiled: Bool { durationRegex.compiled && strokeSecondsRegex.compiled && languageRegex.compiled }
}

/// A regular expression used under a lock.
final class LockedRegex: @unchecked Sendable {
    private let lock = Mutex(())
    private let regex: Regex<AnyRegexOutput>?

    init(_ pattern: String) {
        regex = try? Regex(pattern)
    }

    var compiled: Bool { regex != nil }

    /// Whether the pattern matches somewhere in `text` (its anchors say where).
    func matches(_ text: String) -> Bool {
        lock.withLock { _ in
            guard let regex else { return false }
            return text.firstMatch(of: regex) != nil
        }
    }
}
