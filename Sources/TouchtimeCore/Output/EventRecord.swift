/// One line of `--events` output (JSON Lines) and of plain mode, built from a stamped event of
/// the engine or a report of the sound and listening.
public struct EventRecord: Sendable {
    public enum Content: Sendable {
        case event(SessionEvent)
        case report(SessionReport)
    }

    public var content: Content
    /// Measured session time when it happened.
    public var elapsed: Duration
    /// Wall-clock time, ISO 8601 UTC.
    public var wall: String

    public init(event: SessionEvent, elapsed: Duration, wall: String) {
        self.content = .event(event)
        self.elapsed = elapsed
        self.wall = wall
    }

    public init(report: SessionReport, elapsed: Duration, wall: String) {
        self.content = .report(report)
        self.elapsed = elapsed
        self.wall = wall
    }

    /// One JSON object, keys in a fixed order: `event` first, then where, then what it carries, then when.
    public func jsonLine(timeline: Timeline, speed: Double) -> String {
        switch content {
        case .event(let event): return jsonLine(event, timeline: timeline, speed: speed)
        case .report(let report): return jsonLine(report)
        }
    }

    private func jsonLine(_ report: SessionReport) -> String {
        var fields: [(String, String)] = [("event", JSONText.string(report.kind.name))]
        if let phase = report.phaseID { fields.append(("phase", JSONText.string(phase))) }
        if let step = report.stepIndex { fields.append(("step", "\(step)")) }
        if let round = report.round { fields.append(("round", "\(round)")) }
        if let segment = report.segmentIndex { fields.append(("segment", "\(segment)")) }
        switch report.kind {
        case .chime(let kind): fields.append(("kind", JSONText.string(kind.rawValue)))
        case .speech(let text): fields.append(("text", JSONText.string(text)))
        case .confirmationChime(let confirmation):
            fields.append(("kind", JSONText.string("confirmation")))
            fields.append(("confirms", JSONText.string(confirmation.rawValue)))
        case .confirmationSpeech(let confirmation, let text):
            fields.append(("text", JSONText.string(text)))
            fields.append(("confirms", JSONText.string(confirmation.rawValue)))
        case .audioUnavailable(let reason), .audioTrouble(let reason): fields.append(("reason", JSONText.string(reason)))
        case .heard(let phrase, let score):
            fields.append(("phrase", JSONText.string(phrase)))
            fields.append(("score", "\(score)"))
        }
        return finished(fields, planned: report.planned)
    }

    /// The fields every line ends with: when on the protocol's timeline, in session time, and on the wall.
    private func finished(_ fields: [(String, String)], planned: Duration) -> String {
        let all = fields + [("planned", TimeText.seconds(planned, decimals: 3)), ("elapsed", TimeText.seconds(elapsed, decimals: 6)),
                            ("wall", JSONText.string(wall))]
        return "{" + all.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    private func jsonLine(_ event: SessionEvent, timeline: Timeline, speed: Double) -> String {
        var fields: [(String, String)] = [("event", JSONText.string(event.kind.name))]
        if event.kind == .sessionStart {
            fields.append(("protocol", JSONText.string(timeline.treatment.id)))
            fields.append(("title", JSONText.string(timeline.treatment.title)))
            fields.append(("total", TimeText.seconds(timeline.totalDuration, decimals: 3)))
            fields.append(("speed", JSONText.number(speed)))
        }
        if let phase = event.phaseID { fields.append(("phase", JSONText.string(phase))) }
        if let step = event.stepIndex { fields.append(("step", "\(step)")) }
        if let round = event.round { fields.append(("round", "\(round)")) }
        if let segment = event.segmentIndex { fields.append(("segment", "\(segment)")) }
        switch event.kind {
        case .extended(let amount): fields.append(("amount", TimeText.seconds(amount, decimals: 3)))
        case .press(let error?): fields.append(("error", TimeText.seconds(error, decimals: 3)))
        case .sessionEnd(let completed): fields.append(("completed", completed ? "true" : "false"))
        case .muted(let muted): fields.append(("muted", muted ? "true" : "false"))
        case .mark(let index):
            if let mark = mark(index, of: event, in: timeline) {
                fields.append(("at", JSONText.string(mark.text)))
                if let say = mark.say { fields.append(("say", JSONText.string(say))) }
            }
        default: break
        }
        return finished(fields, planned: event.planned)
    }

    /// `MM:SS.mmm  event  where  what`, with text from the protocol made terminal-safe;
    /// nil for events too frequent or too technical for a person's log (stroke ticks, chimes,
    /// the stroke drill's taps).
    public func plainLine(timeline: Timeline) -> String? {
        switch content {
        case .event(let event):
            return plainLine(event, timeline: timeline)
        case .report(let report):
            // Of the reports, a heard command is for a person's log; chimes and prompts are heard.
            guard case .heard(let phrase, let score) = report.kind else { return nil }
            return "\(TimeText.elapsed(elapsed))  \(report.kind.name.padding(to: 15)) \"\(phrase.terminalSafe)\" (score \(score))"
        }
    }

    private func plainLine(_ event: SessionEvent, timeline: Timeline) -> String? {
        let time = TimeText.elapsed(elapsed)
        let name = event.kind.name.padding(to: 15)
        let phase = (event.phaseID ?? "").terminalSafe
        switch event.kind {
        case .sessionStart:
            let phases = timeline.treatment.phases.count
            return "\(time)  \(name) \(timeline.treatment.title.terminalSafe) (\(DurationText.clock(timeline.totalDuration)), \(Counted.text(phases, "phase")))"
        case .sessionEnd(let completed):
            // Ended during the lead-in or while the sound was prepared: it never began.
            guard !completed, elapsed >= .zero else { return "\(time)  \(name) \(completed ? "complete" : "ended before it began")" }
            // Where, so that a slip can be gone on from (`run --resume`).
            let index = timeline.segments.lastIndex { $0.plannedStart <= event.planned && !$0.waitsForPress }
                ?? timeline.segments.lastIndex { $0.plannedStart <= event.planned }
            let place = index.map { index -> String in
                let segment = timeline.segments[index]
                let into = event.planned - segment.plannedStart
                return " at \(timeline.title(of: segment))" + (into >= .seconds(1) ? ", \(DurationText.clock(into)) in" : "")
            } ?? ""
            return "\(time)  \(name) ended early\(place.terminalSafe)"
        case .phaseStart, .stepStart, .stillnessStart:
            guard let segment = timeline.segment(for: event) else { return "\(time)  \(name)" }
            let phase = timeline.phase(of: segment)
            var place = event.kind == .stepStart ? "\(phase.id)/\(segment.stepIndex.map { $0 + 1 } ?? 0)" : phase.id
            if let round = timeline.roundText(of: segment) { place += " \(round)" }
            let length = segment.waitsForPress ? "until press"
                : DurationText.format(event.kind == .phaseStart && segment.rounds == 1 ? phase.activeDuration : segment.plannedDuration)
            let (title, cue): (String, String)
            switch event.kind {
            case .phaseStart: (title, cue) = (phase.title, phase.cue)
            case .stillnessStart: (title, cue) = ("stillness", timeline.cue(of: segment))
            default: (title, cue) = (timeline.stepTitle(of: segment), timeline.cue(of: segment))
            }
            // A practice with less support shows no cue (`PracticeSupport.shown`).
            let text = "\(title) (\(length))" + (cue.isEmpty ? "" : ": \(cue)")
            return "\(time)  \(name) \(place.terminalSafe.padding(to: 12)) \(text.terminalSafe)"
        case .extended(let amount):
            let text = DurationText.format(amount)
            return "\(time)  \(name) \(phase.padding(to: 12)) \(text.hasPrefix("-") ? text : "+" + text)"
        case .paused, .resumed, .skipped, .back, .continued:
            return "\(time)  \(name) \(phase)"
        case .mark(let index):
            guard let mark = mark(index, of: event, in: timeline) else { return "\(time)  \(name) \(phase)" }
            let words = mark.say.map { ": \($0)" } ?? ""
            return "\(time)  \(name) \(phase.padding(to: 12)) \((mark.text + words).terminalSafe)"
        case .warning:
            let left = timeline.segment(for: event).map { DurationText.format($0.plannedEnd - event.planned) } ?? ""
            return "\(time)  \(name) \(phase.padding(to: 12)) \(left) left"
        case .muted(let muted):
            return "\(time)  \(name) \(muted ? "muted" : "unmuted")"
        case .quit:
            return "\(time)  \(name)"
        case .press(.some):
            // The error stays out of the line: the practice is blind unless --reveal asks.
            return "\(time)  \(name) \(phase)"
        case .press(nil), .stroke:
            return nil
        }
    }
}

extension EventRecord {
    /// The mark an event `mark(index)` names, if its segment has it.
    func mark(_ index: Int, of event: SessionEvent, in timeline: Timeline) -> Mark? {
        guard let marks = timeline.segment(for: event)?.marks else { return nil }
        return marks.indices.contains(index) ? marks[index] : nil
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
