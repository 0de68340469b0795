import Synchronization
public import TouchtimeCore
public import TouchtimeSession

/// What a session did, in order, as its fake parts saw it: `"history.append"`, `"screen.close"`,
/// `"log.event session-start"`. Shipped beside `Session` (as swift-log ships its in-memory
/// handler), so that a session's order is a unit test on a `ManualClock`, without a terminal,
/// a sound card or the binary.
public final class SessionJournal: Sendable {
    private let entries = Mutex<[String]>([])

    public init() {}

    public func note(_ entry: String) { entries.withLock { $0.append(entry) } }

    public var all: [String] { entries.withLock { $0 } }

    /// The entries that start with one of `prefixes`, in order.
    public func only(_ prefixes: String...) -> [String] {
        all.filter { entry in prefixes.contains { entry.hasPrefix($0) } }
    }

    /// Where `entry` first is, to compare orders; nil when it never happened.
    public func index(of entry: String) -> Int? { all.firstIndex(of: entry) }
}

/// A log that keeps every line.
public final class RecordingLog: SessionLog {
    public let journal: SessionJournal
    public let writesPlainLines: Bool
    private let problems: [String]
    /// Called with each event as it is written (a test can act mid-session).
    private let onEvent: @Sendable (SessionEvent) -> Void

    public init(journal: SessionJournal, writesPlainLines: Bool = true, problems: [String] = [],
                onEvent: @escaping @Sendable (SessionEvent) -> Void = { _ in }) {
        self.journal = journal
        self.writesPlainLines = writesPlainLines
        self.problems = problems
        self.onEvent = onEvent
    }

    public func emit(_ stamped: StampedEvent) {
        journal.note("log.event \(stamped.event.kind.name)")
        onEvent(stamped.event)
    }

    public func emit(_ stamped: StampedReport) { journal.note("log.report \(stamped.report.kind.name)") }
    public func note(_ line: String) { journal.note("log.note \(line)") }
    public func report(_ text: String) { journal.note("log.text") }

    public func finish() async -> [String] {
        journal.note("log.finish")
        return problems
    }
}

/// A screen that draws nothing and notes what it was asked to show.
public final class FakeScreen: SessionScreen {
    public typealias Instant = ManualClock.Instant
    public let journal: SessionJournal
    public let isFullScreen: Bool
    /// Called when the summary shows (a test presses a key to close it).
    private let onSummary: @Sendable () -> Void

    public init(journal: SessionJournal, isFullScreen: Bool = true, onSummary: @escaping @Sendable () -> Void = {}) {
        self.journal = journal
        self.isFullScreen = isFullScreen
        self.onSummary = onSummary
    }

    public func open(model: any SessionModel, controls: KeyController, leadInEnds: Instant) { journal.note("screen.open") }
    public func begin(at start: Instant) { journal.note("screen.begin") }
    public func show(_ model: any SessionModel) {}
    public func show(_ controls: KeyController) {}
    public func showSummary(_ summary: DisplayState.Summary) {
        journal.note("screen.summary")
        onSummary()
    }
    public func showSoundProblem(_ reason: String) { journal.note("screen.sound-problem \(reason)") }
    public func reveal(_ text: String) { journal.note("screen.reveal") }
    public func showVolume(_ level: Int) { journal.note("screen.volume \(level)") }
    public func showHeard(_ phrase: String) { journal.note("screen.heard \(phrase)") }
    public func redraw() {}
    public func suspend() { journal.note("screen.suspend") }
    public func resume() { journal.note("screen.resume") }
    public func close() { journal.note("screen.close") }
}

/// A sound that plays nothing: each start of a segment "sounds" a transition chime, reported.
public final class FakeSound: SessionSound {
    public typealias Instant = ManualClock.Instant
    public let journal: SessionJournal
    public let minimumLead: Duration

    public init(journal: SessionJournal, minimumLead: Duration = .milliseconds(400)) {
        self.journal = journal
        self.minimumLead = minimumLead
    }

    public func predict(_ model: some SessionModel, start: Instant) {}

    public func sound(_ event: SessionEvent, start: Instant) -> (reports: [SessionReport], loud: Duration) {
        guard event.kind.startsSegment else { return ([], .zero) }
        return ([SessionReport(kind: .chime(.transition), segmentIndex: event.segmentIndex, phaseID: event.phaseID, planned: event.planned)],
                .seconds(3))
    }

    public func setMuted(_ muted: Bool) { journal.note("sound.muted \(muted)") }
    public func changeVolume(by steps: Int) -> Int { 50 + 10 * steps }
    public func confirm(_ confirmation: Confirmation) -> [SessionReport.Kind] {
        journal.note("sound.confirm \(confirmation.rawValue)")
        return [.confirmationChime(confirmation)]
    }
    public func ringOut() async { journal.note("sound.ring-out") }
    public func fadeOut() async { journal.note("sound.fade-out") }
    public func stop() async { journal.note("sound.stop") }
}

/// Inputs that read nothing by themselves: a test tells the session what they would.
public final class FakeInputs: SessionInputs {
    public let journal: SessionJournal
    private let sinkBox = Mutex<(any SessionInputSink)?>(nil)

    public init(journal: SessionJournal) {
        self.journal = journal
    }

    /// What `Session.Parts.startInputs` is given.
    public func start(_ sink: any SessionInputSink) -> any SessionInputs {
        journal.note("inputs.start")
        sinkBox.withLock { $0 = sink }
        return self
    }

    /// The session's sink, once the inputs are started.
    public var sink: (any SessionInputSink)? { sinkBox.withLock { $0 } }

    public func quiet(for length: Duration) { journal.note("inputs.quiet") }
    public func stop() { journal.note("inputs.stop") }
}

/// A history in memory; it may refuse the session, or fail to write its record.
public final class FakeHistory: SessionHistory {
    public let journal: SessionJournal
    private let refusal: String?
    private let failure: String?
    private let entries = Mutex<[HistoryEntry]>([])

    public init(journal: SessionJournal, refusal: String? = nil, failure: String? = nil, entries: [HistoryEntry] = []) {
        self.journal = journal
        self.refusal = refusal
        self.failure = failure
        self.entries.withLock { $0 = entries }
    }

    public var written: [HistoryEntry] { entries.withLock { $0 } }

    public func check() -> String? {
        journal.note("history.check")
        return refusal
    }

    public func append(_ entry: HistoryEntry) -> String? {
        journal.note("history.append")
        if let failure { return failure }
        entries.withLock { $0.append(entry) }
        return nil
    }

    public func newest(where matches: (HistoryEntry) -> Bool) -> HistoryEntry? {
        entries.withLock { $0 }.last(where: matches)
    }
}

/// Signals a test sends by hand.
public final class FakeSignals: SessionSignals {
    public let ended = Latch()
    private let state = Mutex<(first: Int32?, handler: (@Sendable (SessionSignal) -> Void)?)>((nil, nil))
    public let journal: SessionJournal

    public init(journal: SessionJournal) {
        self.journal = journal
    }

    public var firstEnding: Int32? { state.withLock { $0.first } }

    public func watch(_ handler: @escaping @Sendable (SessionSignal) -> Void) {
        state.withLock { $0.handler = handler }
    }

    /// Delivers `signal` as the signal thread would.
    public func send(_ signal: SessionSignal) {
        let handler = state.withLock { state -> (@Sendable (SessionSignal) -> Void)? in
            if case .ending(let number) = signal, state.first == nil { state.first = number }
            return state.handler
        }
        if case .ending = signal { ended.open() }
        handler?(signal)
    }

    public func stopProcess() { journal.note("process.stop") }
}
