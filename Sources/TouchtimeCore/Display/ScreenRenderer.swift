/// Lays out the bedside screen: a pure function of the display state and the terminal size.
///
/// - 60x16 and larger: the full layout (title, phase i/N, the cue wrapped, the phase and step
///   in block letters, the countdown in block digits, segment and session bars, what follows,
///   the keys). Letters and digits take the largest `BlockFont` size that fits; when even the
///   smallest letters do not, the name stays ordinary text. Paused shows a large PAUSED instead.
/// - Down to 40x8: a compact layout. Below that: one line.
/// Stillness gets a calm screen of its own. No line is wider than `width`, and there are never
/// more than `height` lines; styles (SGR colours) are added after fitting and take no columns.
public enum ScreenRenderer {
    public struct Size: Sendable, Equatable {
        public var width: Int
        public var height: Int
        public init(width: Int, height: Int) {
            self.width = width
            self.height = height
        }
    }

    enum Style {
        case plain, title, phase, digits, pausedDigits, endingDigits, paused, ending, still, dim, badge, warn
        var sgr: String {
            switch self {
            case .plain: return ""
            case .title: return "\u{1B}[1m"
            case .phase: return "\u{1B}[1;36m"
            case .digits: return "\u{1B}[1;97m"
            case .pausedDigits: return "\u{1B}[2m"
            case .endingDigits: return "\u{1B}[1;93m"
            case .paused: return "\u{1B}[1;33m"
            case .ending: return "\u{1B}[33m"
            // Stillness is calm but must read at two metres: the terminal's own foreground, which
            // its theme keeps in contrast with its background (dim blue on black did not).
            case .still: return "\u{1B}[39m"
            case .dim: return "\u{1B}[2m"
            case .badge: return "\u{1B}[7;33m"
            case .warn: return "\u{1B}[1;33m"
            }
        }
    }

    struct Span {
        var text: String
        var style: Style
    }

    /// The lines to draw, top to bottom.
    public static func render(_ state: DisplayState, size: Size, color: Bool) -> [String] {
        let width = max(size.width, 0)
        let height = max(size.height, 0)
        guard width > 0, height > 0 else { return [] }
        let lines: [[Span]]
        if width < 40 || height < 8 {
            lines = [minimal(state, width: width)]
        } else if let summary = state.summary {
            lines = summaryLines(state, summary, width: width, height: height)
        } else if state.overlay == .help {
            lines = helpLines(state, width: width, height: height)
        } else if width < 60 || height < 16 {
            lines = compact(state, width: width, height: height)
        } else {
            lines = full(state, width: width, height: height)
        }
        return lines.prefix(height).map { finish($0, width: width, color: color) }
    }

    // MARK: Layouts

    static func full(_ state: DisplayState, width: Int, height: Int) -> [[Span]] {
        // A paused stillness is no calm screen: PAUSED large, the digits dimmed, as in massage.
        if state.isStillness && state.leadInLeft == nil && !state.paused { return stillness(state, width: width, height: height) }
        let top: [[Span]] = [titleLine(state, width: width)] + [soundLine(state, width: width) ?? []]
        let footer = footerLines(state, width: width)
        let cueLines = TextWidth.wrap(state.cue, width: width - 2)
        let shownCue = { (rows: Int) in cueFitted(cueLines, rows: rows, width: width - 2) }
        // Title, blank, phase line, one cue row, blank, (the big block), blank, footer.
        let fixed = top.count + 1 + 1 + 1 + 1 + footer.count
        // The stroke drill: the period to keep and the taps so far, large enough to read from the bed, over the clock.
        let stroke = strokeLines(state, width: width)
        let block = stroke + (state.hideClock ? digitRows(state, width: width) : bigBlock(state, width: width, rows: height - fixed - stroke.count))
        let cueRows = max(1, min(3, cueLines.count, height - fixed - block.count))
        let cue = shownCue(cueRows).map { [Span(text: " " + $0, style: .plain)] }
        let body = [phaseLine(state, width: width)] + cue + [[]] + block + [[]]
        let spare = max(0, height - top.count - body.count - footer.count)
        return top + Array(repeating: [], count: spare / 2) + body + Array(repeating: [], count: spare - spare / 2) + footer
    }

    /// The calm screen of a stillness: the word, the countdown as large as fits, the cue.
    static func stillness(_ state: DisplayState, width: Int, height: Int) -> [[Span]] {
        let top: [[Span]] = [titleLine(state, width: width)] + [soundLine(state, width: width) ?? []]
        let footer = footerLines(state, width: width)
        let cue = cueFitted(TextWidth.wrap(state.cue, width: width - 4), rows: 2, width: width - 4).map { centered($0, width: width, style: .still) }
        let room = height - top.count - footer.count - 2 - 1 - cue.count
        let scale = BlockFont.Scale.ladder.last { $0.rows <= room && (BlockFont.width(state.countdown, scale: $0) ?? .max) <= width - 2 }
        let digits = state.hideClock ? digitRows(state, width: width)
            : scale.flatMap { BlockFont.rows(state.countdown, scale: $0) }.map { $0.map { centered($0, width: width, style: .still) } }
            ?? [centered(state.countdown, width: width, style: .still)]
        let body: [[Span]] = [centered("s t i l l n e s s", width: width, style: .still), []] + digits + [[]] + cue
        let spare = max(0, height - top.count - body.count - footer.count)
        return top + Array(repeating: [], count: spare / 2) + body + Array(repeating: [], count: spare - spare / 2) + footer
    }

    static func compact(_ state: DisplayState, width: Int, height: Int) -> [[Span]] {
        var lines: [[Span]] = [titleLine(state, width: width, short: true)]
        if let sound = soundLine(state, width: width) { lines.append(sound) }
        if state.paused {
            lines.append(centered(state.isStillness && state.leadInLeft == nil ? "PAUSED · stillness" : "PAUSED", width: width, style: .paused))
        } else if state.isStillness && state.leadInLeft == nil {
            lines.append(centered("stillness", width: width, style: .still))
        } else if height >= 10 {
            // The title line already says which phase of how many.
            lines.append(phaseLine(state, width: width, numbered: false))
        }
        if height >= 11 {
            lines += cueFitted(TextWidth.wrap(state.cue, width: width - 2), rows: height >= 13 ? 2 : 1, width: width - 2)
                .map { [Span(text: " " + $0, style: .plain)] }
        }
        lines += strokeLines(state, width: width).prefix(1)
        lines += digitRows(state, width: width)
        if !state.hideClock {
            lines.append(bar(state.segmentProgress, marks: [], label: "", width: width, style: state.endingSoon ? .ending : .plain))
        }
        if lines.count < height {
            lines.append(nextLine(state))
        }
        if lines.count < height {
            if state.overlay == .confirmQuit {
                lines.append([Span(text: " Quit? q or y to confirm", style: .warn)])
            } else {
                lines.append([Span(text: " " + KeyController.hints(state.controls, map: state.keyMap, width: width - 1), style: .dim)])
            }
        }
        return lines
    }

    /// The stroke drill's period and tap count, and a blank line under it; nothing elsewhere.
    static func strokeLines(_ state: DisplayState, width: Int) -> [[Span]] {
        guard let stroke = state.stroke, state.leadInLeft == nil, state.summary == nil else { return [] }
        return [centered(stroke.text, width: width, style: .title), []]
    }

    /// The cue's first `rows` wrapped lines; when some are left out, the last shown ends with "…"
    /// (never a sentence cut without a sign).
    static func cueFitted(_ lines: [String], rows: Int, width: Int) -> [String] {
        guard lines.count > rows, rows > 0 else { return Array(lines.prefix(max(rows, 0))) }
        var shown = Array(lines.prefix(rows))
        shown[rows - 1] = TextWidth.truncated(shown[rows - 1] + " " + lines[rows], fitting: width)
        if !shown[rows - 1].hasSuffix("…") { shown[rows - 1] = TextWidth.truncated(shown[rows - 1] + " …", fitting: width) }
        return shown
    }

    /// No sound (none found, the device lost): the whole width, what happened and what to do, so a
    /// therapist who follows by ear learns it before a chime fails to come.
    static func soundLine(_ state: DisplayState, width: Int) -> [Span]? {
        guard state.soundUnavailable, state.summary == nil else { return nil }
        let reason = state.soundProblem.map { ": " + $0.terminalSafe } ?? ""
        let full = " NO SOUND\(reason) · follow the screen "
        let text = TextWidth.of(full) <= width ? full : " NO SOUND\(reason) "
        let fitted = TextWidth.truncated(text, fitting: width)
        return [Span(text: fitted + String(repeating: " ", count: max(0, width - TextWidth.of(fitted))), style: .badge)]
    }

    static func minimal(_ state: DisplayState, width: Int) -> [Span] {
        if state.overlay == .confirmQuit { return [Span(text: "Quit? q/y", style: .warn)] }
        if let summary = state.summary {
            return [Span(text: summary.completed ? "done " : "ended ", style: .title),
                    Span(text: DurationText.clock(summary.actual), style: .plain)]
        }
        var spans = [Span(text: state.hideClock ? "" : "\(state.countdown) ", style: state.isStillness ? .still : .title)]
        if state.paused { spans.append(Span(text: "PAUSED ", style: .badge)) }
        let name = state.isStillness ? "stillness" : state.stepTitle.map { "\(state.phaseTitle): \($0)" } ?? state.phaseTitle
        spans.append(Span(text: "\(state.phaseNumber)/\(state.phaseCount) \(name)", style: .plain))
        return spans
    }

    /// The keys, and under them the countdown: the help must not hide the time.
    static func helpLines(_ state: DisplayState, width: Int, height: Int) -> [[Span]] {
        let keys = KeyController.help(state.controls, map: state.keyMap)
        // As wide as the longest keys ("space Enter", "PgDn F13"), within reason.
        let column = min(max(keys.map { TextWidth.of($0.keys) }.max() ?? 0, 5) + 2, 18)
        let lines = [titleLine(state, width: width), [], [Span(text: " Keys (a foot pedal that types them works too)", style: .title)], []]
            + keys.map { [Span(text: "   " + TextWidth.fit($0.keys, column), style: .phase), Span(text: $0.action, style: .plain)] }
        guard !state.hideClock else { return lines }
        let style = digitStyle(state)
        if height - lines.count >= 1 + BigDigits.height, BigDigits.width(state.countdown) <= width - 2 {
            return lines + [[]] + BigDigits.rows(state.countdown).map { centered($0, width: width, style: style) }
        }
        // No room for block digits: the countdown as text, on the last row if need be.
        return Array(lines.prefix(height - 1)) + [centered(state.countdown, width: width, style: style)]
    }

    static func summaryLines(_ state: DisplayState, _ summary: DisplayState.Summary, width: Int, height: Int) -> [[Span]] {
        let extendedSeconds = Int(summary.extended.seconds.rounded())
        let rows: [(String, String)] = [
            ("planned", DurationText.clock(summary.planned)),
            ("actual", DurationText.clock(summary.actual)),
            ("pauses", summary.pauses == 0 ? "none" : "\(summary.pauses) (\(DurationText.format(.seconds(Int64(summary.pausedTime.seconds.rounded())))))"),
            ("skips", summary.skips == 0 ? "none" : "\(summary.skips)"),
            ("extensions", summary.extensions == 0 ? "none"
                : "\(summary.extensions) (\(extendedSeconds < 0 ? "-" : "+")\(abs(extendedSeconds)) s)"),
        ]
        var lines: [[Span]] = [titleLine(state, width: width), [],
                               [Span(text: summary.completed ? " Session complete" : " Session ended early", style: .phase)], []]
        lines += (rows + (summary.stoppedAt.map { [("stopped at", $0)] } ?? [])).map {
            [Span(text: "   " + TextWidth.fit($0.0, 12), style: .dim), Span(text: $0.1, style: .plain)]
        }
        if let resume = summary.resumeCommand { lines += [[], [Span(text: " Go on from there: ", style: .dim), Span(text: resume, style: .phase)]] }
        lines += [[], [Span(text: " Press any key to close.", style: .dim)]]
        return lines
    }

    // MARK: Pieces

    static func titleLine(_ state: DisplayState, width: Int, short: Bool = false) -> [Span] {
        var badges: [String] = []
        if state.paused { badges.append("PAUSED") }
        if state.waiting && !state.paused { badges.append("WAITING") }
        if state.muted { badges.append("MUTED") }
        if let volume = state.volume { badges.append("VOL \(volume)") }
        if let heard = state.heard { badges.append(short ? "HEARD" : "HEARD: \(heard.uppercased())") }
        if state.preparingSound { badges.append(short ? "SOUND…" : "PREPARING SOUND") }
        if state.soundUnavailable { badges.append(short ? "NO SOUND" : "SOUND UNAVAILABLE") }
        if state.speed != 1 { badges.append("x" + JSONText.number(state.speed)) }
        let badgeText = badges.map { " \($0) " }.joined(separator: " ")
        let head = short ? "\(state.phaseNumber)/\(state.phaseCount) \(state.title)" : state.title
        let room = max(0, width - 1 - TextWidth.of(badgeText) - 1)
        let title = TextWidth.truncated(head, fitting: room)
        let gap = max(1, width - 1 - TextWidth.of(title) - TextWidth.of(badgeText))
        return [Span(text: " " + title, style: .title), Span(text: String(repeating: " ", count: gap), style: .plain),
                Span(text: badgeText, style: .badge)]
    }

    static func phaseLine(_ state: DisplayState, width: Int, numbered: Bool = true) -> [Span] {
        if state.leadInLeft != nil {
            return [Span(text: " Starting with \(state.phaseTitle)", style: .phase)]
        }
        var name = state.stepTitle.map { "\(state.phaseTitle) · \($0)" } ?? state.phaseTitle
        if let round = state.round { name += " · \(round)" }
        guard numbered else { return [Span(text: " " + name, style: .phase)] }
        return [Span(text: " Phase \(state.phaseNumber)/\(state.phaseCount)  ", style: .dim), Span(text: name, style: .phase)]
    }

    /// What follows; during the lead-in, what comes first (the segment after it is not next yet).
    static func nextLine(_ state: DisplayState) -> [Span] {
        if state.leadInLeft != nil {
            return [Span(text: " first: \(state.segmentName) (\(DurationText.format(state.target)))", style: .dim)]
        }
        if state.waiting && state.summary == nil {
            let keys = state.waitKeys
            return [Span(text: " waiting: press \(keys) when ready", style: .warn),
                    Span(text: " · next: " + (state.next ?? "the end"), style: .dim)]
        }
        return [Span(text: " next: " + (state.next ?? "the end"), style: .dim)]
    }

    static func digitStyle(_ state: DisplayState) -> Style {
        if state.paused { return .pausedDigits }
        if state.isStillness && state.leadInLeft == nil { return .still }
        return state.endingSoon ? .endingDigits : .digits
    }

    /// The countdown in block digits when they fit, else as plain text.
    static func digitRows(_ state: DisplayState, width: Int) -> [[Span]] {
        if state.hideClock && state.leadInLeft == nil && !state.waiting {
            return [centered("target \(DurationText.format(state.target))", width: width, style: .title), [],
                    centered("press space when you judge the segment done", width: width, style: .dim), [],
                    state.revealed.map { centered($0, width: width, style: .phase) } ?? []]
        }
        let style = digitStyle(state)
        let text = state.countdown
        guard BigDigits.width(text) <= width - 2 else {
            return [centered(text, width: width, style: style)]
        }
        return BigDigits.rows(text).map { centered($0, width: width, style: style) }
    }

    /// The name of what is on now (or PAUSED) in block letters above the countdown in block
    /// digits, both as large as fit in `rows`: the digits one size up the ladder from the
    /// letters. The whole name first (phase, then step); if it fits at no size, the phase's first
    /// line cut with "…", then the step alone; if nothing fits, the digits alone.
    static func bigBlock(_ state: DisplayState, width: Int, rows: Int) -> [[Span]] {
        let ladder = BlockFont.Scale.ladder
        let digitStyle = digitStyle(state)
        let room = width - 2
        for choice in headingChoices(state) {
            for level in ladder.indices.reversed() {
                let digitScale = ladder[min(level + 1, ladder.count - 1)]
                let nameScale = ladder[level]
                guard (BlockFont.width(state.countdown, scale: digitScale) ?? .max) <= room,
                      let digits = BlockFont.rows(state.countdown, scale: digitScale),
                      let lines = choice(nameScale, room) else { continue }
                for gap in [1, 0] {
                    let nameRows = lines.count * nameScale.rows + (lines.count - 1) * gap
                    guard nameRows + 1 + digits.count <= rows else { continue }
                    var block: [[Span]] = []
                    for (index, line) in lines.enumerated() {
                        if index > 0 { block += Array(repeating: [], count: gap) }
                        let style: Style = state.paused ? .paused : .phase
                        block += (BlockFont.rows(line, scale: nameScale) ?? []).map { centered($0, width: width, style: style) }
                    }
                    return block + [[]] + digits.map { centered($0, width: width, style: digitStyle) }
                }
            }
        }
        let scale = ladder.last { $0.rows <= rows && (BlockFont.width(state.countdown, scale: $0) ?? .max) <= room }
        guard let scale, let digits = BlockFont.rows(state.countdown, scale: scale) else { return digitRows(state, width: width) }
        return digits.map { centered($0, width: width, style: digitStyle) }
    }

    /// The ways to name what is on now in block letters, best first: each gives the lines at a
    /// scale and width, or nil when they do not fit.
    static func headingChoices(_ state: DisplayState) -> [(BlockFont.Scale, Int) -> [String]?] {
        if state.paused { return [{ BlockFont.wrap("PAUSED", width: $1, scale: $0) }] }
        let phase = state.phaseTitle
        let step = state.stepTitle
        var choices: [(BlockFont.Scale, Int) -> [String]?] = [{ scale, width in
            guard let phaseLines = BlockFont.wrap(phase, width: width, scale: scale) else { return nil }
            guard let step else { return phaseLines }
            return BlockFont.wrap(step, width: width, scale: scale).map { phaseLines + $0 }
        }]
        choices.append { scale, width in
            guard let first = BlockFont.wrap(phase, width: width, scale: scale)?.first, first != phase else { return nil }
            var words = first.split(separator: " ").map(String.init)
            while !words.isEmpty, (BlockFont.width(words.joined(separator: " ") + "…", scale: scale) ?? .max) > width {
                words.removeLast()
            }
            guard !words.isEmpty else { return nil }
            let head = words.joined(separator: " ") + "…"
            guard let step else { return [head] }
            return BlockFont.wrap(step, width: width, scale: scale).map { [head] + $0 }
        }
        if let step { choices.append { BlockFont.wrap(step, width: $1, scale: $0) } }
        return choices
    }

    static func footerLines(_ state: DisplayState, width: Int) -> [[Span]] {
        var lines: [[Span]] = []
        if !state.hideClock {
            if !(state.isStillness && state.leadInLeft == nil) && !state.waiting {
                lines.append(bar(state.segmentProgress, marks: [], label: " segment ", width: width,
                                 style: state.endingSoon ? .ending : .plain))
            }
            let left = state.sessionSecondsLeft.map { " " + DurationText.clock(.seconds($0)) + " left" } ?? ""
            lines.append(bar(state.sessionProgress, marks: state.phaseMarks, label: " session ", width: width, suffix: left))
        }
        lines.append(nextLine(state))
        if state.overlay == .confirmQuit {
            lines.append([Span(text: " Quit the session? Press q or y to confirm.", style: .warn)])
        } else {
            lines.append([Span(text: " " + KeyController.hints(state.controls, map: state.keyMap, width: width - 1), style: .dim)])
        }
        return lines
    }

    /// `label [█████░░░░|░░░] suffix` with `|` where a phase begins.
    static func bar(_ progress: Double, marks: [Double], label: String, width: Int, suffix: String = "", style: Style = .plain) -> [Span] {
        let inner = max(1, width - TextWidth.of(label) - 3 - TextWidth.of(suffix))
        let filled = Int((progress * Double(inner)).rounded(.down))
        var cells = (0..<inner).map { $0 < filled ? "█" : "░" }
        for mark in marks where mark > 0 {
            let index = Int((mark * Double(inner)).rounded())
            if index > 0 && index < inner { cells[index] = "│" }
        }
        return [Span(text: label, style: .dim), Span(text: "[" + cells.joined() + "]", style: style), Span(text: suffix, style: .plain)]
    }

    static func centered(_ text: String, width: Int, style: Style) -> [Span] {
        let pad = max(0, (width - TextWidth.of(text)) / 2)
        return [Span(text: String(repeating: " ", count: pad), style: .plain), Span(text: text, style: style)]
    }

    /// Cuts the spans to `width` columns (text cut short ends with "…"), then adds styles
    /// (which take no columns).
    static func finish(_ spans: [Span], width: Int, color: Bool) -> String {
        var used = 0
        var out = ""
        for span in spans {
            let room = width - used
            guard room > 0 else { break }
            let fits = TextWidth.prefix(span.text, fitting: room)
            let lost = span.text.unicodeScalars.dropFirst(fits.unicodeScalars.count)
            let text = lost.allSatisfy { $0 == " " } ? fits : TextWidth.truncated(span.text, fitting: room)
            used += TextWidth.of(text)
            if color, span.style != .plain, !text.isEmpty {
                out += span.style.sgr + text + "\u{1B}[0m"
            } else {
                out += text
            }
        }
        return out
    }
}
