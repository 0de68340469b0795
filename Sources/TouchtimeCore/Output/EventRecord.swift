/// One line of `--events` output (JSON Lines) and of plain mode, built from a stamped event.
public struct EventRecord: Sendable {
    public var event: SessionEvent
    /// Measured session time when the event happened.
    public var elapsed: Duration
    /// Wall-clock time, ISO 8601 UTC.
    public var wall: String

    public init(event: SessionEvent, elapsed: Duration, wall: String) {
        self.event = event
        self.elapsed = elapsed
        self.wall = wall
    }

    /// One JSON object, keys in a fixed order: `event` first, then where, then what it carries, then when.
    public func jsonLine(timeline: Timeline, speed: Double) -> String {
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
        case .chime(let kind): fields.append(("kind", JSONText.string(kind.rawValue)))
        case .speech(let text): fields.append(("text", JSONText.string(text)))
        case .audioUnavailable(let reason): fields.append(("reason", JSONText.string(reason)))
        case .heard(let phrase, let score):
            fields.append(("phrase", JSONText.string(phrase)))
            fields.append(("score", "\(score)"))
        case .muted(let muted): fields.append(("muted", muted ? "true" : "false"))
        case .mark(let index):
            if let mark = mark(index, in: timeline) {
                fields.append(("at", JSONText.string(mark.text)))
                if let say = mark.say { fields.append(("say", JSONText.string(say))) }
            }
        default: break
        }
        fields.append(("planned", TimeText.seconds(event.planned, decimals: 3)))
        fields.append(("elapsed", TimeText.seconds(elapsed, decimals: 6)))
        fields.append(("wall", JSONText.string(wall)))
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// `MM:SS.mmm  event  where  what`, with text from the protocol made terminal-safe;
    /// nil for events too frequent or too technical for a person's log (stroke ticks, chimes,
    /// the stroke drill's taps).
    public func plainLine(timeline: Timeline) -> String? {
        let time = TimeText.elapsed(elapsed)
        let name = event.kind.name.padding(to: 15)
        let phase = (event.phaseID ?? "").terminalSafe
        switch event.kind {
        case .sessionStart:
            let phases = timeline.treatment.phases.count
            return "\(time)  \(name) \(timeline.treatment.title.terminalSafe) (\(DurationText.clock(timeline.totalDuration)), \(Counted.text(phases, "phase")))"
        case .sessionEnd(let completed):
            // Ended during the lead-in or while the sound was prepared: it never began.
            return "\(time)  \(name) \(completed ? "complete" : elapsed < .zero ? "ended before it began" : "ended early")"
        case .phaseStart, .stepStart, .stillnessStart:
            guard let index = event.segmentIndex, timeline.segments.indices.contains(index) else { return "\(time)  \(name)" }
            let segment = timeline.segments[index]
            let phase = timeline.phase(of: segment)
            var place = event.kind == .stepStart ? "\(phase.id)/\(segment.stepIndex.map { $0 + 1 } ?? 0)" : phase.id
            if let round = timeline.roundText(of: segment) { place += " \(round)" }
            let length = segment.waitsForPress ? "until press"
                : DurationText.format(event.kind == .phaseStart && segment.rounds == 1 ? phase.activeDuration : segment.plannedDuration)
            let text: String
            switch event.kind {
            case .phaseStart: text = "\(phase.title) (\(length)): \(phase.cue)"
            case .stillnessStart: text = "stillness (\(length)): \(timeline.cue(of: segment))"
            default: text = "\(timeline.stepTitle(of: segment)) (\(length)): \(timeline.cue(of: segment))"
            }
            return "\(time)  \(name) \(place.terminalSafe.padding(to: 12)) \(text.terminalSafe)"
        case .extended(let amount):
            let text = DurationText.format(amount)
            return "\(time)  \(name) \(phase.padding(to: 12)) \(text.hasPrefix("-") ? text : "+" + text)"
        case .paused, .resumed, .skipped, .back, .continued:
            return "\(time)  \(name) \(phase)"
        case .mark(let index):
            guard let mark = mark(index, in: timeline) else { return "\(time)  \(name) \(phase)" }
            let words = mark.say.map { ": \($0)" } ?? ""
            return "\(time)  \(name) \(phase.padding(to: 12)) \((mark.text + words).terminalSafe)"
        case .warning:
            let left = event.segmentIndex.flatMap { timeline.segments.indices.contains($0) ? timeline.segments[$0] : nil }
                .map { DurationText.format($0.plannedEnd - event.planned) } ?? ""
            return "\(time)  \(name) \(phase.padding(to: 12)) \(left) left"
        case .muted(let muted):
            return "\(time)  \(name) \(muted ? "muted" : "unmuted")"
        case .heard(let phrase, let score):
            return "\(time)  \(name) \"\(phrase.terminalSafe)\" (score \(score))"
        case .quit:
            return "\(time)  \(name)"
        case .press(.some):
            // The error stays out of the line: the practice is blind unless --reveal asks.
            return "\(time)  \(name) \(phase)"
        case .press(nil), .stroke, .chime, .speech, .audioUnavailable:
            return nil
        }
    }
}

extension EventRecord {
    /// The mark an event `mark(index)` names, if its segment has it.
    func mark(_ index: Int, in timeline: Timeline) -> Mark? {
        guard let segmentIndex = event.segmentIndex, timeline.segments.indices.contains(segmentIndex) else { return nil }
        let marks = timeline.segments[segmentIndex].marks
        return marks.indices.contains(index) ? marks[index] : nil
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
