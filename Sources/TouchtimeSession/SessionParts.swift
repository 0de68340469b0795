public import TouchtimeCore

/// Where a session writes its lines: plain lines for people and JSON Lines events for programs.
/// Writing never waits for a reader: what cannot be written is said by `finish`, after the session.
public protocol SessionLog: Sendable {
    func emit(_ stamped: StampedEvent)
    func emit(_ stamped: StampedReport)
    /// A plain line that is not an event (the lead-in, a reveal, a prompt to confirm a quit).
    func note(_ line: String)
    /// Text for the user once the terminal is back (a practice's report).
    func report(_ text: String)
    /// Waits (bounded) for what is queued and returns one line per stream that failed.
    func finish() async -> [String]
    /// Whether plain lines are written (no full screen, and standard output not taken by events).
    var writesPlainLines: Bool { get }
}

/// What the therapist sees: the full screen, or a terminal in plain line mode that only reads keys.
/// Closing gives the terminal back as it was found.
public protocol SessionScreen<Instant>: Sendable {
    associatedtype Instant
    /// Whether it takes the whole screen (warnings then wait until it is closed).
    var isFullScreen: Bool { get }
    /// Takes the terminal (and the keys); the lead-in counts down to `leadInEnds`.
    func open(model: any SessionModel, controls: KeyController, leadInEnds: Instant)
    /// The sound is ready and the session starts at `start`: its clock runs.
    func begin(at start: Instant)
    func show(_ model: any SessionModel)
    func show(_ controls: KeyController)
    func showSummary(_ summary: DisplayState.Summary)
    /// Sound is unavailable or lost: why, shown until the end.
    func showSoundProblem(_ reason: String)
    func reveal(_ text: String)
    func showVolume(_ level: Int)
    func showHeard(_ phrase: String)
    /// After a resize or a return from Ctrl-Z.
    func redraw()
    /// Ctrl-Z: the terminal is given back for the process to stop; `resume` takes it again.
    func suspend()
    func resume()
    /// Stops drawing and gives the terminal back.
    func close()
}

/// The sound of a session that has sound: its chimes and prompts in one stream.
public protocol SessionSound<Instant>: AnyObject, Sendable {
    associatedtype Instant
    /// How far ahead its stream is written: the first boundary must be at least this far off.
    var minimumLead: Duration { get }
    /// Schedules what the next moment sounds, ahead of it (after every change of the model).
    func predict(_ model: some SessionModel, start: Instant)
    /// Makes sure `event`'s sounds play; returns what to report (chimes and prompts) and how long
    /// they are loud (what listening must not take for the therapist's voice).
    func sound(_ event: SessionEvent, start: Instant) -> (reports: [SessionReport], loud: Duration)
    func setMuted(_ muted: Bool)
    /// Louder or softer by `steps` of 10; returns the volume now.
    func changeVolume(by steps: Int) -> Int
    /// Confirms a command at once (a volume step, which is no event of the session's); returns what
    /// to report. The session's events confirm themselves through `sound(_:start:)`.
    func confirm(_ confirmation: Confirmation) -> [SessionReport.Kind]
    /// Lets what rings ring out, then closes the device; returns early when the task is cancelled.
    func ringOut() async
    /// Fades out what rings, then closes the device.
    func fadeOut() async
    /// Stops at once.
    func stop() async
}

/// What the sound tells its session while it opens and plays: a warning to say (prompts that stopped
/// coming), or the device lost (the line to say, and the reason for the screen and the events).
public struct SoundNotices: Sendable {
    public let warn: @Sendable (String) -> Void
    public let lost: @Sendable (_ warning: String, _ reason: String) -> Void
    /// The sound plays, but not as it should (a route whose timing is approximate, a gap heard,
    /// a server that fell behind): one line, and an `audio-trouble` event.
    public let trouble: @Sendable (_ warning: String) -> Void

    public init(warn: @escaping @Sendable (String) -> Void, lost: @escaping @Sendable (String, String) -> Void,
                trouble: @escaping @Sendable (String) -> Void = { _ in }) {
        self.warn = warn
        self.lost = lost
        self.trouble = trouble
    }
}

/// How a session's sound is opened: the opener renders what it needs, opens the device and waits
/// for its stream.
public enum SoundOpening<Instant>: Sendable {
    case opened(any SessionSound<Instant>)
    /// Sound cannot be had: the line for the warning, the reason for the screen and the events.
    case unavailable(warning: String, reason: String)
    /// Not asked for (`--no-sound`), or the session was ended while it opened.
    case none
}

/// What the keys, a pedal and spoken commands tell the session, from their own threads.
public protocol SessionInputSink: Sendable {
    func key(_ key: Key)
    func action(_ action: KeyAction)
    func heard(phrase: String, score: Int, command: SessionCommand)
    func warn(_ line: String)
}

/// The inputs of a session once started: listening is quieted while touchtime sounds.
public protocol SessionInputs: Sendable {
    func quiet(for length: Duration)
    func stop()
}

/// Where a session is recorded.
public protocol SessionHistory: Sendable {
    /// Refuses, before the session, a place its record could not be written to: the line to say.
    func check() -> String?
    /// Appends the record; the line to say when it could not be written.
    func append(_ entry: HistoryEntry) -> String?
    /// The newest recorded entry that `matches` (a practice compares itself with the last one).
    func newest(where matches: (HistoryEntry) -> Bool) -> HistoryEntry?
}

/// The process's signals, as a session sees them.
public protocol SessionSignals: Sendable {
    /// Opened by the first ending signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT).
    var ended: Latch { get }
    /// The first ending signal, if one came.
    var firstEnding: Int32? { get }
    /// Hands each signal to `handler` from now on (an ending one that came before, at once).
    func watch(_ handler: @escaping @Sendable (SessionSignal) -> Void)
    /// Stops the process (after Ctrl-Z gave the terminal back); returns when it is continued.
    func stopProcess()
}

/// A signal as a session acts on it.
public enum SessionSignal: Sendable, Equatable {
    /// SIGINT, SIGTERM, SIGHUP, SIGQUIT: end in order, with this number.
    case ending(Int32)
    /// Ctrl-Z (SIGTSTP).
    case suspend
    /// fg (SIGCONT).
    case resume
    /// SIGWINCH.
    case resize
}
