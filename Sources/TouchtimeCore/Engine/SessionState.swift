/// Where any session (guided, practice, drill) is: not started, running, paused since a moment of
/// session time, or finished (completed, or ended early).
public enum SessionState: Sendable, Equatable {
    case ready
    case running
    case paused(since: Duration)
    case finished(completed: Bool)
}
