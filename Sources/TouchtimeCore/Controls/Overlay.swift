/// What the keys put over the screen for now: nothing, the help, or the quit prompt.
public enum Overlay: Sendable, Equatable {
    case none
    case help
    /// Quit was asked once: a second `q` or `y` confirms.
    case confirmQuit
}
