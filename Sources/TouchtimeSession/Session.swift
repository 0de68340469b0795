public import TouchtimeCore

/// One session, guided, practised or drilled, in named stages: the outputs checked, the lead-in
/// begun and the screen opened, the inputs started, the sound opened, the model run (every event
/// handed to the session's observers in turn), the record written, the screen closed, and the
/// report made. Each stage is short; what differs between a run, a practice and the drill is the
/// `SessionMode`'s. What it talks to (the log, the screen, the sound, the inputs, the history, the
/// signals) are `Parts`, so that a session runs in a test on a `ManualClock` with fakes of them.
///
/// The record comes before anything else at the end: whatever happens next, it is written. The
/// terminal is given back before the report. An ending signal at any moment ends the session in
/// order, with its record; the outcome says which signal, and what could not be written.
public struct Session<Mode: SessionMode, C: Clock & Sendable>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    /// What a session is set to do.
    public struct Settings: Sendable {
        public var leadIn: Duration
        public var keyMap: KeyMap
        /// The debounce asked for; it applies only to keys from a terminal (`keysAreTerminal`).
        public var debounce: Duration
        public var keysAreTerminal: Bool
        /// Close the summary at once, without waiting for a key.
        public var exitAtEnd: Bool
        public var speed: Double

        public init(leadIn: Duration, keyMap: KeyMap = .standard, debounce: Duration = KeyController.standardDebounce,
                    keysAreTerminal: Bool, exitAtEnd: Bool = false, speed: Double = 1) {
            self.leadIn = leadIn
            self.keyMap = keyMap
            self.debounce = debounce
            self.keysAreTerminal = keysAreTerminal
            self.exitAtEnd = exitAtEnd
            self.speed = speed
        }
    }

    /// What the session talks to.
    public struct Parts: Sendable {
        public var clock: C
        public var log: any SessionLog
        public var screen: any SessionScreen<C.Instant>
        /// Where it is recorded; nil with `--no-history`.
        public var history: (any SessionHistory)?
        public var signals: any SessionSignals
        /// Opens the sound (when the mode has some), giving up once `giveUp` opens; it tells the
        /// session what happens to it through the notices (a warning, the device lost mid-session).
        public var openSound: @Sendable (_ giveUp: Latch, _ notices: SoundNotices) async -> SoundOpening<C.Instant>
        /// Starts the keys, a pedal and listening, each telling the sink what it reads.
        public var startInputs: @Sendable (any SessionInputSink) async -> any SessionInputs
        /// The wall clock's time now, ISO 8601 (the record's start and end).
        public var wallNow: @Sendable () -> String
        /// Says a line on standard error (`touchtime: LINE`).
        public var warn: @Sendable (String) -> Void

        public init(clock: C, log: any SessionLog, screen: any SessionScreen<C.Instant>, history: (any SessionHistory)?,
                    signals: any SessionSignals,
                    openSound: @escaping @Sendable (Latch, SoundNotices) async -> SoundOpening<C.Instant>,
                    startInputs: @escaping @Sendable (any SessionInputSink) async -> any SessionInputs,
                    wallNow: @escaping @Sendable () -> String, warn: @escaping @Sendable (String) -> Void) {
            self.clock = clock
            self.log = log
            self.screen = screen
            self.history = history
            self.signals = signals
            self.openSound = openSound
            self.startInputs = startInputs
            self.wallNow = wallNow
            self.warn = warn
        }
    }

    public let mode: Mode
    public let settings: Settings
    public let parts: Parts

    public init(mode: Mode, settings: Settings, parts: Parts) {
        self.mode = mode
        self.settings = settings
        self.parts = parts
    }

    /// Runs the session to its end and says how it ended.
    public func run() async -> SessionOutcome {
        if let refusal = parts.history?.check() { return .refused(refusal) }
        let context = SessionContext(mode: mode, settings: settings, parts: parts)
        context.watchSignals()
        context.beginLeadIn()
        let inputs = await parts.startInputs(context)
        await context.openSound()
        let start = context.startInstant()
        let final = await context.runModel(from: start, inputs: inputs)
        inputs.stop()
        let (entry, recorded) = await context.record(final)
        await context.close(final, entry: entry, recorded: recorded)
        return await context.report(final, entry: entry, recorded: recorded)
    }
}
