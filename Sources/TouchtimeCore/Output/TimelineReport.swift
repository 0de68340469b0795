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

    public static func json(_ timeline: Timeline) -> String {
        var result = ""
        json(timeline) { result += $0 }
        return result
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
