/// Time formats used in output.
public enum TimeText {
    /// `MM:SS.mmm` session time (minutes go past 59 for long sessions; negative during a lead-in).
    public static func elapsed(_ duration: Duration) -> String {
        let milliseconds = duration.milliseconds
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = abs(milliseconds)
        let minutes = magnitude / 60_000
        let seconds = magnitude / 1000 % 60
        let millis = magnitude % 1000
        let millisText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(sign)\(minutes.twoDigits):\(seconds.twoDigits).\(millisText)"
    }

    /// The civil date of `days` since 1970-01-01 (Howard Hinnant's algorithm).
    static func civil<Number: BinaryInteger>(days: Number) -> (year: Number, month: Number, day: Number) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `YYYY-MM-DD` for `days` since 1970-01-01.
    public static func day(_ days: Int) -> String {
        let (year, month, day) = civil(days: Int64(days))
        return "\(year)-\(month.twoDigits)-\(day.twoDigits)"
    }

    /// ISO 8601 UTC with milliseconds, `2026-11-25T01:20:00.123Z`, from seconds since 1970.
    /// Pure (no Foundation, no locale), so it costs microseconds on the timing path.
    public static func iso8601(secondsSince1970 seconds: Int64, nanoseconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(days: days)
        let millis = max(0, min(999, nanoseconds / 1_000_000))
        let millisText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(year)-\(month.twoDigits)-\(day.twoDigits)T\((secondOfDay / 3600).twoDigits):"
            + "\((secondOfDay / 60 % 60).twoDigits):\((secondOfDay % 60).twoDigits).\(millisText)Z"
    }

    /// Seconds with a fixed number of decimals, for JSON (`12.5` prints as `12.500`).
    public static func seconds(_ duration: Duration, decimals: Int) -> String {
        let scale: Int64 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000][min(max(decimals, 0), 6)]
        let (whole, attoseconds) = duration.components
        var units = whole * scale + Int64((Double(attoseconds) / 1e18 * Double(scale)).rounded())
        let negative = units < 0
        units = abs(units)
        var text = "\(units / scale)"
        if decimals > 0 {
            let fraction = "\(units % scale)"
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return negative ? "-" + text : text
    }
}
