/// A protocol flattened into the segments a session walks through: massage phases,
/// steps, and stillness (stillness phases, `stillnessAfter`, `stillnessBetweenSteps`).
public struct Timeline: Sendable, Equatable {
    public let treatment: TreatmentProtocol
    public let segments: [Segment]

    public init(_ treatment: TreatmentProtocol) {
        self.treatment = treatment
        var segments: [Segment] = []
        var offset = Duration.zero
        func append(_ phaseIndex: Int, _ role: Segment.Role, _ length: Duration) {
            let startsPhase = segments.last?.phaseIndex != phaseIndex
            segments.append(Segment(phaseIndex: phaseIndex, role: role, plannedStart: offset,
                                    plannedDuration: length, startsPhase: startsPhase))
            offset += length
        }
        for (phaseIndex, phase) in treatment.phases.enumerated() {
            switch phase.body {
            case .duration(let length):
                append(phaseIndex, phase.kind == .stillness ? .stillnessPhase : .phase, length)
            case .steps(let steps):
                for (stepIndex, step) in steps.enumerated() {
                    if stepIndex > 0, let between = phase.stillnessBetweenSteps {
                        append(phaseIndex, .stillnessBetweenSteps(afterStep: stepIndex - 1), between)
                    }
                    append(phaseIndex, .step(stepIndex), step.duration)
                }
            }
            if let after = phase.stillnessAfter {
                append(phaseIndex, .stillnessAfter, after)
            }
        }
        self.segments = segments
        self.totalDuration = offset
    }

    /// The planned length of the session.
    public let totalDuration: Duration

    public func phase(of segment: Segment) -> Phase {
        treatment.phases[segment.phaseIndex]
    }

    /// What the segment is called on screen: the phase title, and the step's when there is one.
    public func title(of segment: Segment) -> String {
        let phase = phase(of: segment)
        switch segment.role {
        case .phase, .stillnessPhase:
            return phase.title
        case .step:
            return "\(phase.title): \(stepTitle(of: segment))"
        case .stillnessBetweenSteps, .stillnessAfter:
            return "\(phase.title): stillness"
        }
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
        case .stillnessBetweenSteps, .stillnessAfter:
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
    }

    public var phaseIndex: Int
    public var role: Role
    /// Offset on the protocol's own timeline.
    public var plannedStart: Duration
    public var plannedDuration: Duration
    /// Whether this is the phase's first segment, so entering it starts the phase.
    public var startsPhase: Bool

    public var plannedEnd: Duration { plannedStart + plannedDuration }

    public var isStillness: Bool {
        switch role {
        case .phase, .step: return false
        case .stillnessPhase, .stillnessAfter, .stillnessBetweenSteps: return true
        }
    }

    /// The step index, for segments that are steps.
    public var stepIndex: Int? {
        if case .step(let index) = role { return index }
        return nil
    }
}
