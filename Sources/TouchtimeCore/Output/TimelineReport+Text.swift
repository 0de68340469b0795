extension TimelineReport {
    /// The table, written a few lines at a time to `write` (a 50,000-segment protocol is not held
    /// whole in memory): the heading, a row per segment (rounds 2 and on of a phase repeated
    /// often as one), the total, the bar and its legend.
    public static func text(_ timeline: Timeline, origin: String, width: Int, write: (String) -> Void) {
        var lines = heading(timeline, origin: origin, width: width)
        var index = 0
        while index < timeline.segments.count {
            if lines.count > 256 {
                write(lines.joined(separator: "\n") + "\n")
                lines.removeAll(keepingCapacity: true)
            }
            let segment = timeline.segments[index]
            if segment.rounds > Self.roundsShown, segment.round >= 2, segment.role != .stillnessAfter {
                let end = laterRoundsEnd(timeline, from: index)
                lines.append(laterRoundsRow(timeline, from: index, to: end))
                index = end
            } else {
                lines += rows(timeline, segment, width: width)
                index += 1
            }
        }
        lines += footing(timeline, width: width)
        write(lines.joined(separator: "\n") + "\n")
    }

    /// A wait for the therapist's press counts 0: the total is what the clock runs, plus the waits.
    private static func plusWaits(_ timeline: Timeline) -> String {
        timeline.waitCount > 0 ? " + \(Counted.text(timeline.waitCount, "wait"))" : ""
    }

    /// The title, the summary line, the description, the protocol's own sounds, the column heads.
    private static func heading(_ timeline: Timeline, origin: String, width: Int) -> [String] {
        let treatment = timeline.treatment
        var lines = [treatment.title.terminalSafe, "\(treatment.id) · \(origin.terminalSafe) · "
            + "\(Counted.text(treatment.phases.count, "phase")) · \(DurationText.clock(timeline.totalDuration))\(plusWaits(timeline))"]
        if let description = treatment.description {
            lines += wrap(description.terminalSafe, width: width)
        }
        let ownSounds = ChimeKind.allCases.compactMap { kind in treatment.sounds[kind].map { "\(kind.rawValue) \($0)" } }
        if !ownSounds.isEmpty {
            lines += wrap("own sounds: " + ownSounds.joined(separator: ", ").terminalSafe, width: width)
        }
        return lines + ["", "START   LENGTH  KIND       PHASE / STEP"]
    }

    private static let indent = String(repeating: " ", count: 27)

    /// Where the rounds after the first of the phase at `index` end: its stillness after, the next phase, or the end.
    private static func laterRoundsEnd(_ timeline: Timeline, from index: Int) -> Int {
        let phaseIndex = timeline.segments[index].phaseIndex
        var end = index
        while end < timeline.segments.count, timeline.segments[end].phaseIndex == phaseIndex,
              timeline.segments[end].role != .stillnessAfter { end += 1 }
        return end
    }

    /// One row for rounds 2 and on of a phase repeated many times.
    private static func laterRoundsRow(_ timeline: Timeline, from index: Int, to end: Int) -> String {
        let segment = timeline.segments[index]
        let until = end < timeline.segments.count ? timeline.segments[end].plannedStart : timeline.totalDuration
        let start = DurationText.clock(segment.plannedStart).leftPadded(to: 5)
        let length = DurationText.format(until - segment.plannedStart).leftPadded(to: 7)
        let name = "  rounds 2 to \(segment.rounds) as round 1 (\(Counted.text(end - index, "segment")))"
        return "\(start)  \(length)  \("repeat".padding(to: 9))  \(name)"
    }

    /// A segment's row, and under it its wait, cue, own sounds and marks.
    private static func rows(_ timeline: Timeline, _ segment: Segment, width: Int) -> [String] {
        let phase = timeline.phase(of: segment)
        let start = DurationText.clock(segment.plannedStart).leftPadded(to: 5)
        let length = (segment.waitsForPress ? "press" : DurationText.format(segment.plannedDuration)).leftPadded(to: 7)
        let kind = (segment.isStillness ? "stillness" : "massage").padding(to: 9)
        var name = segment.startsPhase || segment.stepIndex != nil || segment.role == .stillnessPhase
            ? "\(segment.phaseIndex + 1) \(phase.id): \(timeline.title(of: segment))"
            : "  \(timeline.title(of: segment))"
        if let round = timeline.roundText(of: segment), segment.role.isPhaseBody { name += " (\(round))" }
        var details = segment.waitsForPress ? ["waits for a press (space, n or a pedal)"] : []
        let width = max(width - indent.count, 20)
        details += wrap(timeline.cue(of: segment).terminalSafe, width: width)
        let phaseSounds = segment.startsPhase && segment.round == 1
            ? ChimeKind.allCases.compactMap { kind in phase.sounds[kind].map { "\(kind.rawValue) \($0)" } } : []
        if !phaseSounds.isEmpty {
            details += wrap("own sounds: " + phaseSounds.joined(separator: ", ").terminalSafe, width: width)
        }
        if !segment.marks.isEmpty {
            details += wrap("marks: " + segment.marks.map { markText($0, in: segment) }.joined(separator: ", ").terminalSafe, width: width)
        }
        return ["\(start)  \(length)  \(kind)  \(name.terminalSafe)"] + details.map { indent + $0 }
    }

    /// A mark as `show` lists it: where, when, what it says, its chime when not the default.
    private static func markText(_ mark: Mark, in segment: Segment) -> String {
        var text = mark.text
        if let offset = mark.offset(in: segment.plannedDuration) { text += " at \(DurationText.format(offset))" }
        if let say = mark.say { text += " \"\(say)\"" }
        if mark.chime != Mark.defaultChime { text += " (\(mark.chime?.rawValue ?? "no chime"))" }
        return text
    }

    /// The total, the bar and its legend (wrapped under the bar).
    private static func footing(_ timeline: Timeline, width: Int) -> [String] {
        let treatment = timeline.treatment
        var lines = ["", "total \(DurationText.clock(timeline.totalDuration)) (\(DurationText.format(timeline.totalDuration)))"
            + "\(plusWaits(timeline)), \(Counted.text(treatment.phases.count, "phase")), \(Counted.text(timeline.segments.count, "segment"))",
            "timeline |\(bar(timeline, width: max(width - 10, 10)))|"]
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
        return lines
    }
}
