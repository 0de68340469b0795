public import TouchtimeCore

/// What one kind of session supplies to `Session`: the model it runs, its keys, its sound, what it
/// adds to the screen and the record, and its report. Everything else (outputs, lead-in, inbox,
/// display, signals, runner, tally, history, exit status) is the session's, once.
public protocol SessionMode: Sendable {
    associatedtype Model: SessionModel

    /// The session to run, not yet started.
    var model: Model { get }
    var historyMode: HistoryEntry.Mode { get }
    /// Whose keys: the guided session's, practice's, the drill's.
    var controls: KeyController.Mode { get }
    /// Keys are read from standard input when it is a pipe too (a script or a pedal daemon), not
    /// only from a terminal.
    var keysFromPipe: Bool { get }
    /// And from a regular file (a practice replayed from one); a guided session reads pipes only.
    var keysFromFile: Bool { get }
    /// After Ctrl-Z and fg the session resumes by itself (a practice: the trainee is back and
    /// pressing means "done", so nothing else could resume it); a guided session stays paused
    /// until the therapist presses space.
    var resumesAfterStop: Bool { get }
    /// The full screen ends on a summary that waits for a key.
    var showsSummary: Bool { get }
    /// Whether the session has sound (chimes, and prompts when it speaks).
    var hasSound: Bool { get }
    /// A plain line before the session (what to do), if any.
    var introduction: String? { get }
    /// The longest debounce this mode's presses allow (the stroke drill's taps come fast), if limited.
    var maximumDebounce: Duration? { get }

    /// Called with each event after the session has written it, counted it and sounded it.
    func observe(_ stamped: StampedEvent, log: any SessionLog, reveal: (String) -> Void)
    /// The mode's part of the history line.
    func record(_ final: Model, into entry: inout HistoryEntry)
    /// Text shown once the terminal is back, given the record just written and the history it
    /// was written to (nil when it was not).
    func report(_ final: Model, entry: HistoryEntry, history: (any SessionHistory)?) -> String?
}

extension SessionMode {
    public var keysFromPipe: Bool { false }
    public var keysFromFile: Bool { keysFromPipe }
    public var resumesAfterStop: Bool { false }
    public var showsSummary: Bool { false }
    public var hasSound: Bool { false }
    public var introduction: String? { nil }
    public var maximumDebounce: Duration? { nil }
    public func observe(_ stamped: StampedEvent, log: any SessionLog, reveal: (String) -> Void) {}
    public func record(_ final: Model, into entry: inout HistoryEntry) {}
    public func report(_ final: Model, entry: HistoryEntry, history: (any SessionHistory)?) -> String? { nil }
}
