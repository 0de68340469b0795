/// A protocol flattened into the segments a session walks through: massage phases,
/// steps, and stillness (stillness phases, `stillnessAfter`, `stillnessBetweenSteps`).
public struct Timeline: Sendable, Equatable {
    public let treatment: TreatmentProtocol
    public let segments: [Segment]

    /// The timeline of `treatment`. A segment that waits for a press plans 0 s, unless `waitsLast`
    /// gives every wait a length (what `render` writes, where nobody can press).
    public init(_ treatment: TreatmentProtocol, waitsLast: Duration? = nil) {
        var builder = Builder(treatment: treatment, waitsLast: waitsLast)
        for phaseIndex in treatment.phases.indices { builder.addPhase(phaseIndex) }
        self.treatment = treatment
        self.segments = builder.segments
        self.totalDuration = builder.offset
    }

    /// Lays the phases end to end: each round's body (a stillness between rounds and between
    /// steps), then the stillness after.
    private struct Builder {
        let treatment: TreatmentProtocol
        let waitsLast: Duration?
        var segments: [Segment] = []
        var offset = Duration.zero
        /// The next segment starts a round of its phase (as the phase's first does).
        var roundStarts = false

        mutating func addPhase(_ phaseIndex: Int) {
            let phase = treatment.phases[phaseIndex]
            let bodyRole: Segment.Role = phase.kind == .stillness ? .stillnessPhase : .phase
            for round in 1...max(phase.repeatCount, 1) {
                if round > 1 {
                    if let between = phase.stillnessBetweenRepeats {
                        append(phaseIndex, .stillnessBetweenRepeats(afterRound: round - 1), .timed(between), round: round - 1)
                    }
                    roundStarts = true
                }
                switch phase.body {
                case .duration(let length):
                    append(phaseIndex, bodyRole, .timed(length), round: round)
                case .untilPress:
                    append(phaseIndex, bodyRole, .untilPress, round: round)
                case .steps(let steps):
                    for (stepIndex, step) in steps.enumerated() {
                        if stepIndex > 0, let between = phase.stillnessBetweenSteps {
                            append(phaseIndex, .stillnessBetweenSteps(afterStep: stepIndex - 1), .timed(between), round: round)
                        }
                        append(phaseIndex, .step(stepIndex), step.length, round: round)
                    }
                }
            }
            if let after = phase.stillnessAfter {
                append(phaseIndex, .stillnessAfter, .timed(after), round: phase.repeatCount)
            }
        }

        mutating func append(_ phaseIndex: Int, _ role: Segment.Role, _ length: SegmentLength, round: Int) {
            let phase = treatment.phases[phaseIndex]
            let startsPhase = segments.last?.phaseIndex != phaseIndex || roundStarts
            roundStarts = false
            // A wait plans 0 s, unless every wait is given a length (render).
            let waits = length.waitsForPress && waitsLast == nil
            let planned = length.waitsForPress ? waitsLast ?? length.planned : length.planned
            var segment = Segment(phaseIndex: phaseIndex, role: role, plannedStart: offset,
                                  plannedDuration: planned, startsPhase: startsPhase)
            segment.round = round
            segment.rounds = phase.repeatCount
            segment.waitsForPress = waits
            if !segment.isStillness && !waits {
                // Marks inside massage only: stroke ticks, and the warning before the end.
                let options = treatment.chimes.overridden(by: phase.chimes)
                segment.strokeInterval = phase.strokeSeconds
                if let warning = options.warningBefore, warning > .zero, warning < planned {
                    segment.warningBefore = warning
                }
            }
            if !waits, role.isPhaseBody {
                // A phase's own marks apply to its body (a stillness phase's too); the protocol's to massage only.
                let marks = phase.marks ?? (segment.isStillness ? nil : treatment.chimes.marks) ?? []
                // The same array (shared, not copied) when all fall inside: a phase repeated a hundred
                // times holds its marks once.
                segment.marks = marks.allSatisfy { $0.offset(in: planned) != nil } ? marks : marks.filter { $0.offset(in: planned) != nil }
            }
            segments.append(segment)
            offset += planned
        }
    }

    /// The segment at `index`, if there is one.
    public func segment(at index: Int?) -> Segment? {
        index.flatMap { segments.indices.contains($0) ? segments[$0] : nil }
    }

    /// The segment an event belongs to, if any.
    public func segment(for event: SessionEvent) -> Segment? {
        segment(at: event.segmentIndex)
    }

    /// How many segments wait for a press.
    public var waitCount: Int { segments.filter(\.waitsForPress).count }

    /// The planned length of the session.
    public let totalDuration: Duration

    public func phase(of segment: Segment) -> Phase {
        treatment.phases[segment.phaseIndex]
    }

    /// The chime options in force for a segment: the protocol's, overridden by its phase's.
    public func chimeOptions(for segment: Segment) -> ChimeOptions {
        treatment.chimes.overridden(by: phase(of: segment).chimes)
    }

    /// What the segment is called on screen: the phase title, and the step's when there is one.
    public func title(of segment: Segment) -> String {
        let phase = phase(of: segment)
        switch segment.role {
        case .phase, .stillnessPhase:
            return phase.title
        case .step:
            return "\(phase.title): \(stepTitle(of: segment))"
        case .stillnessBetweenSteps, .stillnessAfter, .stillnessBetweenRepeats:
            return "\(phase.title): stillness"
        }
    }

    /// "round 2/3" for a segment of a repeated phase; nil when the phase runs once.
    public func roundText(of segment: Segment) -> String? {
        segment.rounds > 1 ? "round \(segment.round)/\(segment.rounds)" : nil
    }

    /// The step's own title ("Left side", or "Step 2" when it has none); the phase title otherwise.
    public func stepTitle(of segment: Segment) -> String {
        let phase = phase(of: segment)
        guard case .step(let index) = segment.role, case .steps(let steps) = phase.body else { return phase.title }
        return steps[index].title ?? "Step \(index + 1)"
    }

    /// What to do during the segment.
    public func cue(of segment: Segment) -> String {
        let phase = phase(of: segment)
        switch segment.role {
        case .phase, .stillnessPhase:
            return phase.cue
        case .step(let index):
            guard case .steps(let steps) = phase.body else { return phase.cue }
            return steps[index].cue
        case .stillnessBetweenSteps, .stillnessAfter, .stillnessBetweenRepeats:
            return "Hands still, let the skin respond."
        }
    }
}

/// One stretch of time with a single cue.
public struct Segment: Sendable, Equatable {
    public enum Role: Sendable, Equatable {
        /// A massage phase timed by its duration.
        case phase
        /// A step of a phase, by index.
        case step(Int)
        /// A phase of kind `stillness`.
        case stillnessPhase
        /// The `stillnessAfter` of a phase.
        case stillnessAfter
        /// The `stillnessBetweenSteps` after the given step.
        case stillnessBetweenSteps(afterStep: Int)
        /// The `stillnessBetweenRepeats` after the given round (1 for the first).
        case stillnessBetweenRepeats(afterRound: Int)

        /// The phase's own body: its duration or a step (not the stillness a phase inserts).
        public var isPhaseBody: Bool {
            switch self {
            case .phase, .step, .stillnessPhase: return true
            case .stillnessAfter, .stillnessBetweenSteps, .stillnessBetweenRepeats: return false
            }
        }
    }

    public var phaseIndex: Int
    public var role: Role
    /// Offset on the protocol's own timeline.
    public var plannedStart: Duration
    public var plannedDuration: Duration
    /// Whether this is the phase's first segment, so entering it starts the phase.
    public var startsPhase: Bool
    /// A stroke tick every this much protocol time from the segment's start.
    public var strokeInterval: Duration?
    /// A warning this much protocol time before the segment's end.
    public var warningBefore: Duration?
    /// The marks inside the segment (only those that fall strictly inside it).
    public var marks: [Mark] = []
    /// Which round of its phase (1 for the first), and how many the phase has.
    public var round = 1
    public var rounds = 1
    /// The segment lasts until the therapist presses: nothing falls due while it waits.
    public var waitsForPress = false

    public init(
        phaseIndex: Int, role: Role, plannedStart: Duration, plannedDuration: Duration, startsPhase: Bool,
        strokeInterval: Duration? = nil, warningBefore: Duration? = nil
    ) {
        self.phaseIndex = phaseIndex
        self.role = role
        self.plannedStart = plannedStart
        self.plannedDuration = plannedDuration
        self.startsPhase = startsPhase
        self.strokeInterval = strokeInterval
        self.warningBefore = warningBefore
    }

    public var plannedEnd: Duration { plannedStart + plannedDuration }

    /// The round, for a segment of a phase that repeats; nil for one that runs once.
    public var roundNumber: Int? { rounds > 1 ? round : nil }

    public var isStillness: Bool {
        switch role {
        case .phase, .step: return false
        case .stillnessPhase, .stillnessAfter, .stillnessBetweenSteps, .stillnessBetweenRepeats: return true
        }
    }

    /// The step index, for segments that are steps.
    public var stepIndex: Int? {
        if case .step(let index) = role { return index }
        return nil
    }
}

extension Timeline {
    /// Where `run --from` starts: `PHASE` or `PHASE/STEP`. A phase is named by its id or its title,
    /// a step by its title or its number (1 for the first); case does not matter. Returns the
    /// segment's index, or a one-line reason naming what there is to choose from.
    public func segmentIndex(from spec: String) -> Result<Int, FromError> {
        let parts = spec.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map {
            String($0.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed()).lowercased()
        }
        let phases = treatment.phases
        guard let phaseIndex = phases.firstIndex(where: { $0.id.lowercased() == parts[0] || $0.title.lowercased() == parts[0] }) else {
            let near = Suggestion.closest(to: parts[0], in: phases.map(\.id) + phases.map { $0.title.lowercased() })
            let guess = near.flatMap { near in phases.first { $0.id == near || $0.title.lowercased() == near }?.id }
            return .failure(FromError(message: "no phase '\(parts[0])'" + (guess.map { " (did you mean '\($0)'?)" } ?? "")
                                      + "; the phases are \(phases.map(\.id).joined(separator: ", "))"))
        }
        let phase = phases[phaseIndex]
        let inPhase = segments.indices.filter { segments[$0].phaseIndex == phaseIndex }
        guard parts.count == 2 else { return .success(inPhase.first ?? 0) }
        guard case .steps(let steps) = phase.body else {
            return .failure(FromError(message: "phase '\(phase.id)' has no steps"))
        }
        let wanted = parts[1]
        let stepIndex = Int(wanted).flatMap { (1...steps.count).contains($0) ? $0 - 1 : nil }
            ?? steps.indices.first { (steps[$0].title ?? "Step \($0 + 1)").lowercased() == wanted }
        guard let stepIndex, let segment = inPhase.first(where: { segments[$0].stepIndex == stepIndex }) else {
            let names = steps.indices.map { "\($0 + 1) (\(steps[$0].title ?? "Step \($0 + 1)"))" }
            return .failure(FromError(message: "phase '\(phase.id)' has no step '\(wanted)'; its steps are \(names.joined(separator: ", "))"))
        }
        return .success(segment)
    }

    public struct FromError: Error, Sendable, Equatable {
        public var message: String
    }
}
