public import TouchtimeCore

/// Everything a session writes to its log, in order: the engine's events and the reports of its
/// sound and listening. What the session's observers are handed, one at a time.
public enum SessionRecord: Sendable, Equatable {
    case event(StampedEvent)
    case report(StampedReport)

    public var event: SessionEvent? {
        if case .event(let stamped) = self { return stamped.event }
        return nil
    }

    public var elapsed: Duration {
        switch self {
        case .event(let stamped): return stamped.elapsed
        case .report(let stamped): return stamped.elapsed
        }
    }
}

/// How a session ended, for the executable to say and turn into an exit status.
public struct SessionOutcome: Sendable, Equatable {
    /// Refused before it began (its record could not be written safely): the line to say.
    public var refusal: String?
    /// The ending signal that ended it, if one did.
    public var signal: Int32?
    /// What could not be written (the record, events or lines), one line each.
    public var problems: [String] = []

    public init(refusal: String? = nil, signal: Int32? = nil, problems: [String] = []) {
        self.refusal = refusal
        self.signal = signal
        self.problems = problems
    }

    public static func refused(_ line: String) -> SessionOutcome { SessionOutcome(refusal: line) }
}
