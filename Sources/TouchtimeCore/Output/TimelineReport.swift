/// What `touchtime show` prints: the protocol as a table and a proportional bar, or as JSON.
public enum TimelineReport {
    /// Symbols for phases in the timeline bar: 1-9, then a-z.
    static func symbol(forPhase index: Int) -> Character {
        let symbols = Array("123456789abcdefghijklmnopqrstuvwxyz")
        return index < symbols.count ? symbols[index] : "+"
    }

    /// A proportional bar: each column shows the phase it falls in, `.` for stillness after or between steps.
    public static func bar(_ timeline: Timeline, width: Int) -> String {
        let total = timeline.totalDuration
        guard width > 0, total > .zero else { return "" }
        var characters: [Character] = []
        var segmentIndex = 0
        for column in 0..<width {
            let middle = total * ((Double(column) + 0.5) / Double(width))
            while segmentIndex < timeline.segments.count - 1, timeline.segments[segmentIndex].plannedEnd <= middle {
                segmentIndex += 1
            }
            let segment = timeline.segments[segmentIndex]
            switch segment.role {
            case .stillnessAfter, .stillnessBetweenSteps, .stillnessBetweenRepeats: characters.append(".")
            default: characters.append(symbol(forPhase: segment.phaseIndex))
            }
        }
        return String(characters)
    }

    /// A phase repeated more often than this shows its first round, then one line for the rest.
    public static let roundsShown = 3

    public static func text(_ timeline: Timeline, origin: String, width: Int) -> String {
        var result = ""
        text(timeline, origin: origin, width: width) { result += $0 }
        return result
    }

    /// The table, written a few lines at a time to `write` (a 50,000-segment protocol is not held
    /// whole in memory).
    public static func text(_ timeline: Timeline, origin: String, width: Int, write: (String) -> Void) {
        let treatment = timeline.treatment
        var lines: [String] = []
        func flush() {
            if !lines.isEmpty { write(lines.joined(separator: "\n") + "\n") }
            lines.removeAll(keepingCapacity: true)
        }
        lines.append(treatment.title.terminalSafe)
        let waits = timeline.waitCount
        // A wait for the therapist's press counts 0: the total is what the clock runs, plus the waits.
        let plusWaits = waits > 0 ? " + \(Counted.text(waits, "wait"))" : ""
        lines.append("\(treatment.id) · \(origin.terminalSafe) · \(Counted.text(treatment.phases.count, "phase")) · \(DurationText.clock(timeline.totalDuration))\(plusWaits)")
        if let description = treatment.description {
            lines += wrap(description.terminalSafe, width: width)
        }
        let ownSounds = ChimeKind.allCases.compactMap { kind in treatment.sounds[kind].map { "\(kind.rawValue) \($0)" } }
        if !ownSounds.isEmpty {
            lines += wrap("own sounds: " + ownSounds.joined(separator: ", ").terminalSafe, width: width)
        }
        lines.append("")
        let indent = String(repeating: " ", count: 27)
        lines.append("START   LENGTH  KIND       PHASE / STEP")
        var index = 0
        while index < timeline.segments.count {
            if lines.count > 256 { flush() }
            let segment = timeline.segments[index]
            let phase = timeline.phase(of: segment)
            if segment.rounds > Self.roundsShown, segment.round >= 2, segment.role != .stillnessAfter {
                // Rounds 2 and on of a phase repeated many times: one line for them all.
                var end = index
                while end < timeline.segments.count, timeline.segments[end].phaseIndex == segment.phaseIndex,
                      timeline.segments[end].role != .stillnessAfter { end += 1 }
                let until = end < timeline.segments.count ? timeline.segments[end].plannedStart : timeline.totalDuration
                let start = DurationText.clock(segment.plannedStart).leftPadded(to: 5)
                let length = DurationText.format(until - segment.plannedStart).leftPadded(to: 7)
                let name = "  rounds 2 to \(segment.rounds) as round 1 (\(Counted.text(end - index, "segment")))"
                lines.append("\(start)  \(length)  \("repeat".padding(to: 9))  \(name)")
                index = end
                continue
            }
            index += 1
            let start = DurationText.clock(segment.plannedStart).leftPadded(to: 5)
            let length = (segment.waitsForPress ? "press" : DurationText.format(segment.plannedDuration)).leftPadded(to: 7)
            let kind = (segment.isStillness ? "stillness" : "massage").padding(to: 9)
            var name = segment.startsPhase || segment.stepIndex != nil || segment.role == .stillnessPhase
                ? "\(segment.phaseIndex + 1) \(phase.id): \(timeline.title(of: segment))"
                : "  \(timeline.title(of: segment))"
            if let round = timeline.roundText(of: segment), segment.role.isPhaseBody { name += " (\(round))" }
            lines.append("\(start)  \(length)  \(kind)  \(name.terminalSafe)")
            let width = max(width - indent.count, 20)
            if segment.waitsForPress {
                lines.append(indent + "waits for a press (space, n or a pedal)")
            }
            for line in wrap(timeline.cue(of: segment).terminalSafe, width: width) {
                lines.append(indent + line)
            }
            let phaseSounds = segment.startsPhase && segment.round == 1
                ? ChimeKind.allCases.compactMap { kind in phase.sounds[kind].map { "\(kind.rawValue) \($0)" } } : []
            if !phaseSounds.isEmpty {
                for line in wrap("own sounds: " + phaseSounds.joined(separator: ", ").terminalSafe, width: width) {
                    lines.append(indent + line)
                }
            }
            if !segment.marks.isEmpty {
                let marks = segment.marks.map { mark in
                    var text = mark.text
                    if let offset = mark.offset(in: segment.plannedDuration) { text += " at \(DurationText.format(offset))" }
                    if let say = mark.say { text += " \"\(say)\"" }
                    if mark.chime != Mark.defaultChime { text += " (\(mark.chime?.rawValue ?? "no chime"))" }
                    return text
                }
                for line in wrap("marks: " + marks.joined(separator: ", ").terminalSafe, width: width) {
                    lines.append(indent + line)
                }
            }
        }
        lines.append("")
        lines.append("total \(DurationText.clock(timeline.totalDuration)) (\(DurationText.format(timeline.totalDuration)))\(plusWaits), \(Counted.text(treatment.phases.count, "phase")), \(Counted.text(timeline.segments.count, "segment"))")
        let barWidth = max(width - 10, 10)
        lines.append("timeline |\(bar(timeline, width: barWidth))|")
        var legend = treatment.phases.enumerated().map { index, phase in
            "\(symbol(forPhase: index)) \(phase.id)\(phase.kind == .stillness ? " (stillness)" : "")"
        }
        if timeline.segments.contains(where: { $0.isStillness && !$0.role.isPhaseBody }) {
            legend.append(". stillness")
        }
        var legendLine = ""
        for item in legend.map(\.terminalSafe) {
            if !legendLine.isEmpty, legendLine.count + 2 + item.count > width - 10 {
                lines.append("          " + legendLine)
                legendLine = ""
            }
            legendLine += (legendLine.isEmpty ? "" : "  ") + item
        }
        if !legendLine.isEmpty { lines.append("          " + legendLine) }
        flush()
    }

    public static func json(_ timeline: Timeline) -> String {
        var result = ""
        json(timeline) { result += $0 }
        return result
    }

    /// The JSON, written a segment at a time to `write`.
    public static func json(_ timeline: Timeline, write: (String) -> Void) {
        let treatment = timeline.treatment
        func seconds(_ duration: Duration) -> String { TimeText.seconds(duration, decimals: 3) }
        var phaseStart = Duration.zero
        let phases = treatment.phases.map { phase -> String in
            var fields = [
                "\"id\":\(JSONText.string(phase.id))",
                "\"title\":\(JSONText.string(phase.title))",
                "\"kind\":\(JSONText.string(phase.kind.rawValue))",
                "\"start\":\(seconds(phaseStart))",
                "\"duration\":\(seconds(phase.activeDuration))",
                "\"cue\":\(JSONText.string(phase.cue))",
            ]
            if case .untilPress = phase.body { fields.append("\"until\":\"press\"") }
            if case .steps(let steps) = phase.body {
                let items = steps.map { step in
                    let until = step.length.waitsForPress ? ",\"until\":\"press\"" : ""
                    return "{\"title\":\(step.title.map(JSONText.string) ?? "null"),\"cue\":\(JSONText.string(step.cue)),\"duration\":\(seconds(step.duration))\(until)}"
                }
                fields.append("\"steps\":[\(items.joined(separator: ","))]")
            }
            if phase.repeatCount > 1 { fields.append("\"repeat\":\(phase.repeatCount)") }
            if let between = phase.stillnessBetweenRepeats { fields.append("\"stillnessBetweenRepeats\":\(seconds(between))") }
            if let between = phase.stillnessBetweenSteps { fields.append("\"stillnessBetweenSteps\":\(seconds(between))") }
            if let after = phase.stillnessAfter { fields.append("\"stillnessAfter\":\(seconds(after))") }
            phaseStart += phase.totalDuration
            return "{" + fields.joined(separator: ",") + "}"
        }
        func segmentJSON(_ segment: Segment) -> String {
            var fields = [
                "\"phase\":\(JSONText.string(timeline.phase(of: segment).id))",
                "\"role\":\(JSONText.string(segment.role.name))",
                "\"kind\":\(JSONText.string(segment.isStillness ? "stillness" : "massage"))",
                "\"start\":\(seconds(segment.plannedStart))",
                "\"duration\":\(seconds(segment.plannedDuration))",
                "\"title\":\(JSONText.string(timeline.title(of: segment)))",
                "\"cue\":\(JSONText.string(timeline.cue(of: segment)))",
            ]
            if let step = segment.stepIndex { fields.insert("\"step\":\(step)", at: 1) }
            if let round = segment.roundNumber { fields.append("\"round\":\(round)") }
            if segment.waitsForPress { fields.append("\"until\":\"press\"") }
            if !segment.marks.isEmpty {
                let marks = segment.marks.compactMap { mark in
                    mark.offset(in: segment.plannedDuration).map { offset in
                        var item = "{\"at\":\(JSONText.string(mark.text)),\"offset\":\(seconds(offset)),\"chime\":\(mark.chime.map { JSONText.string($0.rawValue) } ?? "null")"
                        if let say = mark.say { item += ",\"say\":\(JSONText.string(say))" }
                        return item + "}"
                    }
                }
                fields.append("\"marks\":[\(marks.joined(separator: ","))]")
            }
            return "{" + fields.joined(separator: ",") + "}"
        }
        var top = [
            "\"id\":\(JSONText.string(treatment.id))",
            "\"title\":\(JSONText.string(treatment.title))",
        ]
        if let description = treatment.description { top.append("\"description\":\(JSONText.string(description))") }
        top.append("\"total\":\(seconds(timeline.totalDuration))")
        if timeline.waitCount > 0 { top.append("\"waits\":\(timeline.waitCount)") }
        top.append("\"phases\":[\(phases.joined(separator: ","))]")
        write("{" + top.joined(separator: ",") + ",\"segments\":[")
        var chunk = ""
        for (index, segment) in timeline.segments.enumerated() {
            chunk += (index == 0 ? "" : ",") + segmentJSON(segment)
            if chunk.utf8.count > 1 << 16 {
                write(chunk)
                chunk = ""
            }
        }
        write(chunk + "]}")
    }

    /// Greedy word wrap; a word longer than the width is cut.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [text] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            var word = Substring(word)
            while word.count > width {
                if !line.isEmpty { lines.append(line); line = "" }
                lines.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

extension Segment.Role {
    /// The role's name in JSON output.
    public var name: String {
        switch self {
        case .phase: return "phase"
        case .step: return "step"
        case .stillnessPhase: return "stillness-phase"
        case .stillnessAfter: return "stillness-after"
        case .stillnessBetweenSteps: return "stillness-between-steps"
        case .stillnessBetweenRepeats: return "stillness-between-repeats"
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
