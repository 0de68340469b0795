/// `touchtime report`'s page: one self-contained HTML file (no network, no JavaScript) with three
/// inline SVG charts a trainee or an instructor opens in a browser: the rating over time, each
/// segment's signed error practice by practice (a heatmap: red held too long, blue rushed), and
/// the days practised (a calendar of the last twelve weeks); and the instructor's sign-off line.
///
/// Every element a reader (or a test) looks for has an id or a class: `svg#rating` with one
/// `circle.practice` a practice (`data-rating`, `data-date`), `svg#heatmap` with one `rect.cell`
/// a segment and practice (`data-error`, or `data-missing`), `svg#calendar` with one `rect.day`
/// a day (`data-date`, `data-count`), `p#sign-off`.
public enum ProgressPage {
    /// The page for `report`; `title` is the protocol's title, `today` `YYYY-MM-DD` (the calendar's last day).
    public static func html(_ report: ProgressReport, title: String, today: String) -> String {
        let stats = report.practices
        var body = "<h1>\(escape(title)) <span class=\"id\">(\(escape(report.protocolID)))</span></h1>\n"
        if let last = stats.last {
            let best = stats.map(\.rating).max() ?? 0
            body += "<p class=\"figures\">\(report.total) practice\(report.total == 1 ? "" : "s")"
                + (report.total > stats.count ? " (the last \(stats.count) drawn)" : "")
                + ", best rating \(best)/100, the last \(last.rating)/100 (grade \(PracticeStats.Grade(percent: last.mape).rawValue))"
                + (report.drills > 0 ? "; \(report.drills) stroke drill\(report.drills == 1 ? "" : "s")"
                   + (report.lastDrillError.map { ", the last \(oneDecimal($0)) % off the cadence" } ?? "") : "")
                + ".</p>\n"
        }
        body += "<h2>Sign-off</h2>\n<p id=\"sign-off\">\(escape(report.signOff))</p>\n"
        if !stats.isEmpty {
            body += "<h2>Rating over time</h2>\n" + ratingChart(stats) + "\n"
            if stats.contains(where: { $0.support != .prompts }) {
                body += "<p class=\"legend\" id=\"support-legend\">A filled point: a practice with prompts; an open one: with chimes only or blind.</p>\n"
            }
            body += "<h2>Each segment, practice by practice</h2>\n"
                + "<p class=\"legend\">Each square is one segment in one practice: <span class=\"long\">red</span> held too long, "
                + "<span class=\"short\">blue</span> rushed, white on time; the deeper, the further off (full colour at 50 %).</p>\n"
                + heatmap(report) + "\n"
        }
        body += "<h2>Days practised</h2>\n" + calendar(report.days, today: today) + "\n"
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>touchtime progress: \(escape(title))</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; background: #fff; padding: 0 1em; }
            h1 { font-size: 1.6em; } h1 .id { color: #777; font-weight: normal; font-size: 0.7em; }
            h2 { font-size: 1.15em; margin-top: 1.6em; }
            #sign-off { font-size: 1.1em; border-left: 4px solid #2a7; padding: 0.3em 0.8em; background: #f4fbf7; }
            .legend .long { color: #c0392b; font-weight: bold; } .legend .short { color: #2e6fd8; font-weight: bold; }
            svg { max-width: 100%; height: auto; font-size: 12px; }
            svg text { fill: #444; }
            @media print { body { margin: 0; } }
            </style>
            </head>
            <body>
            \(body)<p class="made">Made by touchtime from the practice history; times are UTC.</p>
            </body>
            </html>

            """
    }

    // MARK: Charts

    /// The rating of each practice, oldest first, on 0 to 100 with the grade bands' ratings marked.
    static func ratingChart(_ practices: [ProgressReport.Practice]) -> String {
        let (width, height, left, right, top, bottom) = (720.0, 260.0, 44.0, 16.0, 12.0, 36.0)
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        func x(_ index: Int) -> Double {
            practices.count == 1 ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(practices.count - 1)
        }
        func y(_ rating: Int) -> Double { top + plotHeight * (1 - Double(min(max(rating, 0), 100)) / 100) }
        var svg = "<svg id=\"rating\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
            + "width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"Rating over time\">\n"
        for rating in stride(from: 0, through: 100, by: 20) {
            let at = oneDecimal(y(rating))
            svg += "<line x1=\"\(oneDecimal(left))\" x2=\"\(oneDecimal(width - right))\" y1=\"\(at)\" y2=\"\(at)\" stroke=\"#ddd\"/>"
                + "<text x=\"\(oneDecimal(left - 6))\" y=\"\(oneDecimal(y(rating) + 4))\" text-anchor=\"end\">\(rating)</text>\n"
        }
        let points = practices.indices.map { "\(oneDecimal(x($0))),\(oneDecimal(y(practices[$0].rating)))" }.joined(separator: " ")
        svg += "<polyline fill=\"none\" stroke=\"#2a7\" stroke-width=\"2\" points=\"\(points)\"/>\n"
        for (index, practice) in practices.enumerated() {
            let day = String(practice.start.prefix(10))
            // With prompts a filled point; with less support an open one (the instructor sees which were blind).
            let paint = practice.support == .prompts ? "fill=\"#2a7\"" : "fill=\"#fff\" stroke=\"#2a7\" stroke-width=\"2\""
            svg += "<circle class=\"practice\" data-rating=\"\(practice.rating)\" data-date=\"\(escape(day))\" "
                + "data-support=\"\(practice.support.rawValue)\" cx=\"\(oneDecimal(x(index)))\" cy=\"\(oneDecimal(y(practice.rating)))\" r=\"4\" "
                + "\(paint)><title>\(escape(day)): \(practice.rating)/100, \(practice.support.phrase)</title></circle>\n"
        }
        // The first, the middle and the last practice's day under the axis.
        for index in Set([0, practices.count / 2, practices.count - 1]).sorted() {
            // The first from its point on, the last up to its point: neither runs off the chart.
            let anchor = practices.count == 1 ? "middle" : index == 0 ? "start" : index == practices.count - 1 ? "end" : "middle"
            svg += "<text class=\"date\" x=\"\(oneDecimal(x(index)))\" y=\"\(height - 12)\" text-anchor=\"\(anchor)\">"
                + "\(escape(String(practices[index].start.prefix(10))))</text>\n"
        }
        return svg + "</svg>"
    }

    /// Rows of segments, columns of practices, each square its signed error.
    static func heatmap(_ report: ProgressReport) -> String {
        let (label, cell, gap, top) = (190.0, 14.0, 2.0, 4.0)
        let width = label + Double(report.practices.count) * (cell + gap) + 8
        let height = top + Double(report.rows.count) * (cell + gap) + 8
        var svg = "<svg id=\"heatmap\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
            + "width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"Each segment's error, practice by practice\">\n"
        for (row, segment) in report.rows.enumerated() {
            let y = top + Double(row) * (cell + gap)
            svg += "<text x=\"\(label - 8)\" y=\"\(oneDecimal(y + cell - 3))\" text-anchor=\"end\">\(escape(segment.title))</text>\n"
            for (column, practice) in report.practices.enumerated() {
                let x = label + Double(column) * (cell + gap)
                let place = "x=\"\(oneDecimal(x))\" y=\"\(oneDecimal(y))\" width=\"\(cell)\" height=\"\(cell)\""
                guard let error = practice.errors[segment.key] else {
                    svg += "<rect class=\"cell\" data-missing=\"true\" \(place) fill=\"#eee\"/>\n"
                    continue
                }
                let day = String(practice.start.prefix(10))
                svg += "<rect class=\"cell\" data-error=\"\(oneDecimal(error))\" \(place) fill=\"\(color(error))\">"
                    + "<title>\(escape(segment.title)), \(escape(day)): \(error >= 0 ? "+" : "")\(oneDecimal(error)) %</title></rect>\n"
            }
        }
        return svg + "</svg>"
    }

    /// The last twelve weeks, a column a week (Monday at the top), each day by its practices.
    static func calendar(_ days: [String: Int], today: String) -> String {
        guard let end = PracticeStats.dayNumber(today) else { return "" }
        // 1970-01-01 was a Thursday: Monday is 0.
        let weekday = { (day: Int) in ((day + 3) % 7 + 7) % 7 }
        let firstMonday = end - weekday(end) - 7 * 11
        let (cell, gap, left, top) = (14.0, 3.0, 30.0, 18.0)
        let width = left + 12 * (cell + gap) + 8
        let height = top + 7 * (cell + gap) + 4
        var svg = "<svg id=\"calendar\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
            + "width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"Days practised, the last twelve weeks\">\n"
        for (row, name) in ["Mon", "", "Wed", "", "Fri", "", "Sun"].enumerated() where !name.isEmpty {
            svg += "<text x=\"0\" y=\"\(oneDecimal(top + Double(row) * (cell + gap) + cell - 3))\">\(name)</text>\n"
        }
        for day in firstMonday...end {
            let column = (day - firstMonday) / 7
            let date = civil(day)
            let count = days[date] ?? 0
            let fill = count == 0 ? "#eee" : count == 1 ? "#9fd8b8" : count == 2 ? "#4cb582" : "#1f7a50"
            if weekday(day) == 0, (day - firstMonday) % 28 == 0 {
                svg += "<text x=\"\(oneDecimal(left + Double(column) * (cell + gap)))\" y=\"12\">\(date.dropFirst(5))</text>\n"
            }
            svg += "<rect class=\"day\" data-date=\"\(date)\" data-count=\"\(count)\" x=\"\(oneDecimal(left + Double(column) * (cell + gap)))\" "
                + "y=\"\(oneDecimal(top + Double(weekday(day)) * (cell + gap)))\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(fill)\">"
                + "<title>\(date): \(count) practice\(count == 1 ? "" : "s")</title></rect>\n"
        }
        return svg + "</svg>"
    }

    // MARK: Pieces

    /// Red for held too long, blue for rushed, white on time; full colour at 50 % off.
    static func color(_ error: Double) -> String {
        let strength = min(abs(error) / 50, 1)
        let (red, green, blue) = error >= 0 ? (192.0, 57.0, 43.0) : (46.0, 111.0, 216.0)
        func mix(_ channel: Double) -> Int { Int((255 - (255 - channel) * strength).rounded()) }
        let hex = { (value: Int) -> String in
            let text = String(value, radix: 16)
            return text.count == 1 ? "0" + text : text
        }
        return "#" + hex(mix(red)) + hex(mix(green)) + hex(mix(blue))
    }

    /// `YYYY-MM-DD` for days since 1970-01-01.
    static func civil(_ days: Int) -> String { TimeText.day(days) }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    /// Text from a protocol or the history, safe in HTML text and attributes.
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
