import Testing
import TouchtimeCore
import TouchtimeSession
import TouchtimeTestSupport

/// A session's order, on a manual clock with fake parts: no terminal, no sound card, no binary.
/// What comes before what at the end is what keeps a treatment's record safe and its terminal
/// usable: the record before anything else, the terminal back before the report, an ending signal
/// ending it in order.
@Suite struct SessionTests {
    static let text = """
        {"format": "touchtime/1", "id": "short", "title": "Short",
         "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 10}, {"id": "b", "title": "B", "cue": "c", "duration": 5}]}
        """

    static func timeline() throws -> Timeline {
        Timeline(try ProtocolLoader.decode(Array(text.utf8), file: "short.json"))
    }

    /// The fakes of one session, and the session built from them.
    struct Bench {
        let journal = SessionJournal()
        let clock = ManualClock()
        let inputs: FakeInputs
        let signals: FakeSignals
        let history: FakeHistory
        let screen: FakeScreen
        let log: RecordingLog
        let sound: FakeSound?
        var opening: SoundOpening<ManualClock.Instant>
        /// Said by the sound as it opens (a route whose timing is approximate).
        var trouble: String?

        init(fullScreen: Bool = true, sound: Bool = false, unavailable: String? = nil, trouble: String? = nil, refusal: String? = nil,
             recordFailure: String? = nil, logProblems: [String] = [], closeSummary: Bool = true,
             onEvent: @escaping @Sendable (SessionEvent, FakeSignals, FakeInputs) -> Void = { _, _, _ in }) {
            let journal = self.journal
            self.trouble = trouble
            inputs = FakeInputs(journal: journal)
            signals = FakeSignals(journal: journal)
            history = FakeHistory(journal: journal, refusal: refusal, failure: recordFailure)
            let inputs = self.inputs
            screen = FakeScreen(journal: journal, isFullScreen: fullScreen, onSummary: {
                // Any key closes the summary.
                if closeSummary { inputs.sink?.key(.char("x")) }
            })
            let signals = self.signals
            log = RecordingLog(journal: journal, writesPlainLines: !fullScreen, problems: logProblems,
                               onEvent: { onEvent($0, signals, inputs) })
            self.sound = sound ? FakeSound(journal: journal) : nil
            if let unavailable {
                opening = .unavailable(warning: "no sound: \(unavailable)", reason: unavailable)
            } else if let fake = self.sound {
                opening = .opened(fake)
            } else {
                opening = .none
            }
        }

        func session<Mode: SessionMode>(_ mode: Mode, exitAtEnd: Bool = false) -> Session<Mode, ManualClock> {
            let (inputs, opening, journal, trouble) = (self.inputs, self.opening, self.journal, self.trouble)
            return Session(
                mode: mode, settings: .init(leadIn: .seconds(3), keysAreTerminal: true, exitAtEnd: exitAtEnd),
                parts: .init(clock: clock, log: log, screen: screen, history: history, signals: signals,
                             openSound: { _, notices in
                                 journal.note("sound.open")
                                 if let trouble { notices.trouble(trouble) }
                                 return opening
                             },
                             startInputs: { inputs.start($0) },
                             wallNow: { "2026-12-07T10:00:00.000Z" },
                             warn: { line in journal.note("warn \(line)") }))
        }
    }

    @Test func aGuidedSessionIsRecordedBeforeItsSummaryAndGivesTheTerminalBackLast() async throws {
        let bench = Bench(sound: true)
        let outcome = await bench.session(RunMode(model: SessionEngine(timeline: try Self.timeline()), hasSound: true)).run()
        #expect(outcome == SessionOutcome())
        let journal = bench.journal
        #expect(journal.only("history", "screen.open", "screen.begin", "screen.summary", "screen.close", "inputs.start", "inputs.stop",
                             "sound.open") == [
            "history.check", "screen.open", "inputs.start", "sound.open", "screen.begin", "inputs.stop", "history.append",
            "screen.summary", "screen.close",
        ])
        // The last bell rings out while the summary waits; the key that closes it fades it out; after
        // the report, what still rings rings out (at once here). Never stopped short.
        #expect(journal.only("sound.ring-out", "sound.stop", "sound.fade-out").sorted() == ["sound.fade-out", "sound.ring-out", "sound.ring-out"])
        #expect(journal.only("sound.ring-out", "sound.fade-out", "screen.close").last == "sound.ring-out")
        #expect(bench.history.written.first?.outcome == .completed)
        #expect(bench.history.written.first?.actual == .seconds(15))
        // Each start of a segment is an event; listening is quieted for its chime, which is then reported.
        let events = journal.only("log.event", "log.report", "inputs.quiet")
        #expect(events.prefix(5) == ["log.event session-start", "log.event phase-start", "inputs.quiet", "log.report chime",
                                     "log.event phase-start"])
    }

    @Test func aPracticeReportsOnlyOnceTheTerminalIsBack() async throws {
        let bench = Bench()
        let timeline = try Self.timeline()
        let outcome = await bench.session(PracticeMode(model: PracticeSession(timeline: timeline), reveal: false, chimes: false)).run()
        #expect(outcome.signal == nil && outcome.problems.isEmpty)
        let order = bench.journal.only("history.append", "screen.close", "log.text", "log.finish")
        #expect(order == ["history.append", "screen.close", "log.text", "log.finish"])
        #expect(bench.history.written.first?.mode == .practice)
    }

    /// SIGTERM mid-session: the session ends at once and in order, its record says aborted, the
    /// sound stops (no fade, no ringing out), no summary, the terminal back, and the signal in the outcome.
    @Test func anEndingSignalEndsItInOrderWithItsRecord() async throws {
        let bench = Bench(sound: true, onEvent: { event, signals, _ in
            if event.kind == .phaseStart, event.phaseID == "b" { signals.send(.ending(15)) }
        })
        let outcome = await bench.session(RunMode(model: SessionEngine(timeline: try Self.timeline()), hasSound: true)).run()
        #expect(outcome.signal == 15)
        let journal = bench.journal
        #expect(journal.index(of: "screen.summary") == nil)
        #expect(journal.only("history.append", "sound.stop", "screen.close") == ["sound.stop", "history.append", "sound.stop", "screen.close",
                                                                                 "sound.stop"])
        #expect(bench.history.written.first?.outcome == .aborted)
        #expect(journal.only("log.event session-end") == ["log.event session-end"])
    }

    /// A place where the record could not be written safely refuses the session before anything opens.
    @Test func aRefusedHistoryOpensNothing() async throws {
        let bench = Bench(sound: true, refusal: "history.jsonl: not a regular file (a FIFO)")
        let outcome = await bench.session(RunMode(model: SessionEngine(timeline: try Self.timeline()), hasSound: true)).run()
        #expect(outcome == .refused("history.jsonl: not a regular file (a FIFO)"))
        #expect(bench.journal.all == ["history.check"])
    }

    /// A record that cannot be written, and a log that lost lines: both said once, after the
    /// terminal is back, and in the outcome (the executable's exit 74).
    @Test func whatCouldNotBeWrittenIsSaidAfterTheTerminalIsBack() async throws {
        let bench = Bench(recordFailure: "history.jsonl: cannot write the history: disk full",
                          logProblems: ["standard output: cannot write plain lines: broken pipe"])
        let outcome = await bench.session(RunMode(model: SessionEngine(timeline: try Self.timeline()), hasSound: false), exitAtEnd: true).run()
        #expect(outcome.problems == ["standard output: cannot write plain lines: broken pipe",
                                     "history.jsonl: cannot write the history: disk full"])
        let journal = bench.journal
        let closed = try #require(journal.index(of: "screen.close"))
        let said = try #require(journal.index(of: "warn history.jsonl: cannot write the history: disk full"))
        #expect(closed < said)
    }

    /// Sound that cannot be had: with the full screen up, its warning waits until the terminal is
    /// back; the screen shows it meanwhile, and the events say so as the session starts.
    @Test func soundUnavailableIsShownAtOnceAndSaidAfter() async throws {
        let bench = Bench(sound: true, unavailable: "no such file or directory (snd_pcm_open)")
        _ = await bench.session(RunMode(model: SessionEngine(timeline: try Self.timeline()), hasSound: true), exitAtEnd: true).run()
        let journal = bench.journal
        // In the warning's plain words.
        let shown = try #require(journal.index(of: "screen.sound-problem no sound: no such file or directory (snd_pcm_open)"))
        let started = try #require(journal.index(of: "log.event session-start"))
        #expect(shown < started)
        #expect(journal.all[started + 1] == "log.report audio-unavailable")
        let closed = try #require(journal.index(of: "screen.close"))
        let said = try #require(journal.index(of: "warn no sound: no such file or directory (snd_pcm_open)"))
        #expect(closed < said, "deferred while the full screen was up")
    }

    /// Sound that plays, but not as it should (the pulse plugin to pipewire-pulse): said once when
    /// the terminal is back, and in the events as the session starts, never before it.
    @Test func soundTroubleAtTheStartIsSaidAndInTheEventsAsTheSessionStarts() async throws {
        let bench = Bench(sound: true, trouble: "ALSA 'pulse' plays through ALSA's pulse plugin to PipeWire")
        _ = await bench.session(RunMode(model: SessionEngine(timeline: try Self.timeline()), hasSound: true), exitAtEnd: true).run()
        let journal = bench.journal
        let started = try #require(journal.index(of: "log.event session-start"))
        #expect(journal.all[started + 1] == "log.report audio-trouble")
        #expect(journal.all.filter { $0 == "log.report audio-trouble" }.count == 1)
        let closed = try #require(journal.index(of: "screen.close"))
        let said = try #require(journal.index(of: "warn ALSA 'pulse' plays through ALSA's pulse plugin to PipeWire"))
        #expect(closed < said, "deferred while the full screen was up")
    }

    /// A spoken command is reported as heard, then acts as its key would, before anything else happens.
    @Test func aHeardCommandIsReportedThenActs() async throws {
        let bench = Bench(onEvent: { event, _, inputs in
            if event.kind == .phaseStart, event.phaseID == "a" {
                inputs.sink?.heard(phrase: "timer next", score: -1200, command: .next)
            }
        })
        _ = await bench.session(RunMode(model: SessionEngine(timeline: try Self.timeline()), hasSound: false), exitAtEnd: true).run()
        let events = bench.journal.only("log.event", "log.report", "screen.heard")
        let heard = try #require(events.firstIndex(of: "log.report heard"))
        #expect(events[heard - 1] == "screen.heard timer next")
        #expect(events[heard + 1] == "log.event skipped")
    }
}
