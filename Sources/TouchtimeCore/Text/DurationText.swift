/// Parses and formats the duration forms a protocol file may use.
///
/// A duration is a JSON number of seconds (fractions allowed) or a string in the grammar of
/// `TextGrammar.duration`: `"45"`, `"45s"`, `"1.5s"`, `"2m"`, `"1m30s"`, `"1h5m"`, `"1:30"`
/// (m:ss) or `"1:02:03"` (h:mm:ss), from 0.1 s to 4 hours.
public enum DurationText {
    /// Seconds for a duration string in the grammar, or nil.
    public static func seconds(parsing text: String) -> Double? {
        TextGrammar.isDuration(text) ? value(of: text) : nil
    }

    /// Seconds for text of a duration's shape, in the grammar or not (`"5h"`, `"1h90m"`): what it
    /// would mean, so a message can say what is wrong with it. Nil when it has no meaning.
    static func value(of text: String) -> Double? {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { return nil }
        if trimmed.contains(":") {
            return clockSeconds(trimmed)
        }
        if let plain = decimal(Substring(trimmed)) {
            return plain
        }
        return unitSeconds(trimmed)
    }

    /// "m:ss" or "h:mm:ss"; the last field may carry a fraction.
    private static func clockSeconds(_ text: String) -> Double? {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3 else { return nil }
        guard let seconds = decimal(fields[fields.count - 1]), seconds < 60,
              fields[fields.count - 1].count >= 2 || fields.count == 1 else { return nil }
        var total = seconds
        if fields.count == 3 {
            guard let hours = integer(fields[0]), let minutes = integer(fields[1]),
                  minutes < 60, fields[1].count == 2 else { return nil }
            total += hours * 3600 + minutes * 60
        } else {
            guard let minutes = integer(fields[0]) else { return nil }
            total += minutes * 60
        }
        return total
    }

    /// "1h", "2m", "45s", "1m30s", "1h5m10.5s": units in that order, each once.
    private static func unitSeconds(_ text: String) -> Double? {
        let units: [(Character, Double)] = [("h", 3600), ("m", 60), ("s", 1)]
        var rest = Substring(text)
        var total = 0.0
        var nextUnit = 0
        var matchedAny = false
        while !rest.isEmpty {
            guard let unitIndex = rest.firstIndex(where: { $0.isLetter }) else { return nil }
            let number = rest[rest.startIndex..<unitIndex]
            let unit = rest[unitIndex]
            guard let position = units[nextUnit...].firstIndex(where: { $0.0 == unit }),
                  let value = decimal(number) else { return nil }
            // Only the last component may carry a fraction ("1.5m30s" is ambiguous).
            let afterUnit = rest.index(after: unitIndex)
            if number.contains("."), afterUnit != rest.endIndex { return nil }
            total += value * units[position].1
            nextUnit = position + 1
            matchedAny = true
            rest = rest[afterUnit...]
        }
        return matchedAny ? total : nil
    }

    /// Digits with an optional fraction: no sign, no exponent, no "nan" or "inf".
    private static func decimal(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              text.filter({ $0 == "." }).count <= 1, text.first != ".", text.last != "." else { return nil }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    private static func integer(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.count <= 6, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Double(text)
    }

    /// "45s", "1m30s", "1h02m" style text for reports: compact and unambiguous.
    public static func format(_ duration: Duration) -> String {
        let totalMilliseconds = duration.milliseconds
        let negative = totalMilliseconds < 0
        let magnitude = abs(totalMilliseconds)
        let hours = magnitude / 3_600_000
        let minutes = magnitude / 60_000 % 60
        let seconds = magnitude / 1000 % 60
        let millis = magnitude % 1000
        var secondsText = "\(seconds)"
        if millis != 0 {
            var fraction = String(millis)
            fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            secondsText += "." + fraction
        }
        var text: String
        if hours > 0 {
            text = "\(hours)h\(minutes.twoDigits)m" + (seconds != 0 || millis != 0 ? "\(secondsText)s" : "")
        } else if minutes > 0 {
            text = "\(minutes)m" + (seconds != 0 || millis != 0 ? "\(secondsText)s" : "")
        } else {
            text = "\(secondsText)s"
        }
        if negative { text = "-" + text }
        return text
    }

    /// "m:ss" clock text ("7:15", "1:02:03" past an hour), for totals and countdowns.
    public static func clock(_ duration: Duration) -> String {
        let total = max(duration.milliseconds, 0) / 1000
        let hours = total / 3600
        let minutes = total / 60 % 60
        let seconds = total % 60
        return hours > 0 ? "\(hours):\(minutes.twoDigits):\(seconds.twoDigits)" : "\(minutes):\(seconds.twoDigits)"
    }
}

extension Int64 {
    var twoDigits: String { self < 10 ? "0\(self)" : "\(self)" }
}

extension Duration {
    /// Whole milliseconds, rounded toward zero.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// The duration in seconds as a Double, for reports and JSON.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// A duration from seconds, rounded to the microsecond; the caller checks the range.
    static func fromSeconds(_ seconds: Double) -> Duration {
        .microseconds(Int64((seconds * 1_000_000).rounded()))
    }
}

extension String {
    /// Without the spaces (U+0020) around it: the only ones a duration may have.
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
