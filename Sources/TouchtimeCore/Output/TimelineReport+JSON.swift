extension TimelineReport {
    /// The JSON, written a segment at a time to `write`: the protocol's fields, its phases, and
    /// every segment of the timeline.
    public static func json(_ timeline: Timeline, write: (String) -> Void) {
        let treatment = timeline.treatment
        var phaseStart = Duration.zero
        let phases = treatment.phases.map { phase -> String in
            defer { phaseStart += phase.totalDuration }
            return phaseJSON(phase, start: phaseStart)
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
            chunk += (index == 0 ? "" : ",") + segmentJSON(segment, in: timeline)
            if chunk.utf8.count > 1 << 16 {
                write(chunk)
                chunk = ""
            }
        }
        write(chunk + "]}")
    }

    private static func seconds(_ duration: Duration) -> String { TimeText.seconds(duration, decimals: 3) }

    /// A phase as written: where it starts, its length, its steps and repeats.
    private static func phaseJSON(_ phase: Phase, start: Duration) -> String {
        var fields = [
            "\"id\":\(JSONText.string(phase.id))",
            "\"title\":\(JSONText.string(phase.title))",
            "\"kind\":\(JSONText.string(phase.kind.rawValue))",
            "\"start\":\(seconds(start))",
            "\"duration\":\(seconds(phase.activeDuration))",
            "\"cue\":\(JSONText.string(phase.cue))",
        ]
        if case .untilPress = phase.body { fields.append("\"until\":\"press\"") }
        if case .steps(let steps) = phase.body {
            let items = steps.map { step in
                let until = step.length.waitsForPress ? ",\"until\":\"press\"" : ""
                return "{\"title\":\(step.title.map(JSONText.string) ?? "null"),\"cue\":\(JSONText.string(step.cue)),"
                    + "\"duration\":\(seconds(step.duration))\(until)}"
            }
            fields.append("\"steps\":[\(items.joined(separator: ","))]")
        }
        if phase.repeatCount > 1 { fields.append("\"repeat\":\(phase.repeatCount)") }
        if let between = phase.stillnessBetweenRepeats { fields.append("\"stillnessBetweenRepeats\":\(seconds(between))") }
        if let between = phase.stillnessBetweenSteps { fields.append("\"stillnessBetweenSteps\":\(seconds(between))") }
        if let after = phase.stillnessAfter { fields.append("\"stillnessAfter\":\(seconds(after))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// A segment of the timeline: its phase, role, start, length, words, round, wait and marks.
    private static func segmentJSON(_ segment: Segment, in timeline: Timeline) -> String {
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
                    var item = "{\"at\":\(JSONText.string(mark.text)),\"offset\":\(seconds(offset)),"
                        + "\"chime\":\(mark.chime.map { JSONText.string($0.rawValue) } ?? "null")"
                    if let say = mark.say { item += ",\"say\":\(JSONText.string(say))" }
                    return item + "}"
                }
            }
            fields.append("\"marks\":[\(marks.joined(separator: ","))]")
        }
        return "{" + fields.joined(separator: ",") + "}"
    }
}
