/// How much a practice helps the trainee (`practice --support`), faded as they learn:
/// the cues on screen and the chimes, the chimes alone, or nothing but the press.
public enum PracticeSupport: String, Sendable, CaseIterable, Comparable {
    /// Each segment's title and cue on screen, and its chimes.
    case prompts
    /// Chimes only: the screen names no segment and gives no cue.
    case chimes
    /// Nothing: no cue, no chime; only the press.
    case blind

    /// In words, for reports: "with prompts", "with chimes only", "blind".
    public var phrase: String {
        switch self {
        case .prompts: return "with prompts"
        case .chimes: return "with chimes only"
        case .blind: return "blind"
        }
    }

    /// Less support is more: prompts < chimes < blind.
    public static func < (lhs: PracticeSupport, rhs: PracticeSupport) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

extension PracticeSupport {
    /// The protocol as the practice shows it: with prompts, as it is; with less support, each
    /// phase and step named by its number only ("Phase 2", "Step 1"; ids `phase-2`), with no cue, no spoken
    /// line and no marks. The lengths (the targets) and the structure are kept, so segment `i`
    /// is segment `i` of the original (what the history records).
    public func shown(_ treatment: TreatmentProtocol) -> TreatmentProtocol {
        guard self != .prompts else { return treatment }
        var shown = treatment
        shown.phases = treatment.phases.enumerated().map { number, phase in
            var phase = phase
            phase.id = "phase-\(number + 1)"
            phase.title = "Phase \(number + 1)"
            phase.cue = ""
            phase.say = nil
            phase.marks = nil
            if case .steps(let steps) = phase.body {
                phase.body = .steps(steps.enumerated().map { number, step in
                    var step = step
                    step.title = "Step \(number + 1)"
                    step.cue = ""
                    step.say = nil
                    return step
                })
            }
            return phase
        }
        return shown
    }
}
