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

    /// One JSON object, keys in a fixed order: `event` first, then where, then when.
    public func jsonLine(timeline: Timeline, speed: Double) -> String {
        var fields: [(String, String)] = [("event", JSONText.string(event.kind.rawValue))]
        if event.kind == .sessionStart {
            fields.append(("protocol", JSONText.string(timeline.treatment.id)))
            fields.append(("title", JSONText.string(timeline.treatment.title)))
            fields.append(("total", TimeText.seconds(timeline.totalDuration, decimals: 3)))
            fields.append(("speed", JSONText.number(speed)))
        }
        if let phase = event.phaseID { fields.append(("phase", JSONText.string(phase))) }
        if let step = event.stepIndex { fields.append(("step", "\(step)")) }
        if let segment = event.segmentIndex { fields.append(("segment", "\(segment)")) }
        if let amount = event.amount {
            fields.append((event.kind == .press ? "error" : "amount", TimeText.seconds(amount, decimals: 3)))
        }
        if let completed = event.completed { fields.append(("completed", completed ? "true" : "false")) }
        if let chime = event.chime { fields.append(("kind", JSONText.string(chime.rawValue))) }
        if let reason = event.reason { fields.append(("reason", JSONText.string(reason))) }
        if let muted = event.muted { fields.append(("muted", muted ? "true" : "false")) }
        fields.append(("planned", TimeText.seconds(event.planned, decimals: 3)))
        fields.append(("elapsed", TimeText.seconds(elapsed, decimals: 6)))
        fields.append(("wall", JSONText.string(wall)))
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// `MM:SS.mmm  event  where  what`, with text from the protocol made terminal-safe;
    /// nil for events too frequent or too technical for a person's log (stroke ticks, chimes).
    public func plainLine(timeline: Timeline) -> String? {
        let time = TimeText.elapsed(elapsed)
        let name = event.kind.rawValue.padding(to: 15)
        switch event.kind {
        case .sessionStart:
            let phases = timeline.treatment.phases.count
            return "\(time)  \(name) \(timeline.treatment.title.terminalSafe) (\(DurationText.clock(timeline.totalDuration)), \(phases) phases)"
        case .sessionEnd:
            return "\(time)  \(name) \(event.completed == false ? "ended early" : "complete")"
        case .phaseStart, .stepStart, .stillnessStart:
            guard let index = event.segmentIndex else { return "\(time)  \(name)" }
            let segment = timeline.segments[index]
            let phase = timeline.phase(of: segment)
            let place = event.kind == .stepStart ? "\(phase.id)/\(segment.stepIndex.map { $0 + 1 } ?? 0)" : phase.id
            let length = DurationText.format(event.kind == .phaseStart ? phase.activeDuration : segment.plannedDuration)
            let text: String
            switch event.kind {
            case .phaseStart: text = "\(phase.title) (\(length)): \(phase.cue)"
            case .stillnessStart: text = "stillness (\(length)): \(timeline.cue(of: segment))"
            default: text = "\(timeline.stepTitle(of: segment)) (\(length)): \(timeline.cue(of: segment))"
            }
            return "\(time)  \(name) \(place.terminalSafe.padding(to: 12)) \(text.terminalSafe)"
        case .extended:
            let amount = event.amount.map { DurationText.format($0) } ?? ""
            return "\(time)  \(name) \((event.phaseID ?? "").terminalSafe.padding(to: 12)) \(amount.hasPrefix("-") ? amount : "+" + amount)"
        case .paused, .resumed, .skipped, .back:
            return "\(time)  \(name) \((event.phaseID ?? "").terminalSafe)"
        case .warning:
            let left = event.segmentIndex.map { DurationText.format(timeline.segments[$0].plannedEnd - event.planned) } ?? ""
            return "\(time)  \(name) \((event.phaseID ?? "").terminalSafe.padding(to: 12)) \(left) left"
        case .muted:
            return "\(time)  \(name) \(event.muted == false ? "unmuted" : "muted")"
        case .quit:
            return "\(time)  \(name)"
        case .press:
            return "\(time)  \(name) \((event.phaseID ?? "").terminalSafe)"
        case .stroke, .chime, .audioUnavailable:
            return nil
        }
    }
}

/// Minimal JSON text encoding for the fields we write, with a stable key order.
public enum JSONText {
    public static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
