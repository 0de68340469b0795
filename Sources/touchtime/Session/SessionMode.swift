import TouchtimeCore

/// What one kind of session supplies to `SessionHost`: the model it runs, its keys, its sound,
/// what it adds to the screen and the record, and its report. Everything else (outputs, lead-in,
/// inbox, display, signals, runner, tally, history, exit status) is the host's, once.
protocol SessionMode: Sendable {
    associatedtype Model: SessionModel

    /// The session to run, not yet started.
    var model: Model { get }
    var historyMode: HistoryEntry.Mode { get }
    /// Whose keys: the guided session's, practice's, the drill's.
    var controls: KeyController.Mode { get }
    /// Keys are read from standard input when it is a pipe too (a practice driven by a script or
    /// a pedal daemon), not only from a terminal.
    var keysFromPipe: Bool { get }
    /// And from a regular file (a practice replayed from one); a guided session reads pipes only.
    var keysFromFile: Bool { get }
    /// After Ctrl-Z and fg the session resumes by itself (a practice: the trainee is back and
    /// pressing means "done", so nothing else could resume it); a guided session stays paused
    /// until the therapist presses space.
    var resumesAfterStop: Bool { get }
    /// The full screen ends on a summary that waits for a key.
    var showsSummary: Bool { get }
    /// The chimes, when the session has any.
    var chimes: ChimePlan? { get }
    /// The spoken prompts, when the session speaks (only with chimes: the sound is one stream).
    var speech: SpeechPlan? { get }
    /// A plain line before the session (what to do), if any.
    var introduction: String? { get }
    /// The longest debounce this mode's presses allow (the stroke drill's taps come fast), if limited.
    var maximumDebounce: Duration? { get }

    /// Called with each event after the host has written it, counted it and sounded it.
    func observe(_ stamped: StampedEvent, output: SessionOutput, screen: BedsideDisplay?)
    /// The mode's part of the history line.
    func record(_ final: Model, into entry: inout HistoryEntry)
    /// Text shown once the terminal is back, given the record just written and the history it
    /// was written to (nil when it was not).
    func report(_ final: Model, entry: HistoryEntry, history: HistoryReader?) -> String?
}

extension SessionMode {
    var keysFromPipe: Bool { false }
    var keysFromFile: Bool { keysFromPipe }
    var resumesAfterStop: Bool { false }
    var showsSummary: Bool { false }
    var chimes: ChimePlan? { nil }
    var speech: SpeechPlan? { nil }
    var introduction: String? { nil }
    var maximumDebounce: Duration? { nil }
    func observe(_ stamped: StampedEvent, output: SessionOutput, screen: BedsideDisplay?) {}
    func record(_ final: Model, into entry: inout HistoryEntry) {}
    func report(_ final: Model, entry: HistoryEntry, history: HistoryReader?) -> String? { nil }
}
