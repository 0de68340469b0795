import Testing
@testable import TouchtimeCore

/// Practice as a value: scripted presses at chosen times, no clock, no sleeping.
@Suite struct PracticeTests {
    /// warm 10 s; jawline 20 + (5 stillness) + 20, then 5 stillness; pause 10; end 15.
    static let timeline = SessionEngineTests.timeline

    /// Drives a practice: `presses` are session times of presses; `until` is when to stop looking.
    private func practise(presses: [Duration], until end: Duration, quitAt: Duration? = nil, speed: Double = 1)
        -> (practice: PracticeSession, events: [SessionEvent]) {
        var practice = PracticeSession(timeline: Self.timeline, speed: speed)
        var events = practice.start(at: .zero)
        for press in presses {
            if let quitAt, quitAt < press { break }
            events += practice.advance(to: press)
            events += practice.handle(.press, at: press)
        }
        if let quitAt {
            events += practice.advance(to: quitAt)
            events += practice.handle(.quit, at: quitAt)
        } else {
            events += practice.advance(to: end)
        }
        return (practice, events)
    }

    @Test func earlyAndLatePressesAreScoredAgainstThePlan() {
        // warm pressed at 9 s (1 s early), jawline left 22 s later (2 s late), stillness 5 s (exact).
        let score = practise(presses: [.seconds(9), .seconds(31), .seconds(36)], until: .seconds(36)).practice.score
        #expect(score.results.map(\.segmentIndex) == [0, 1, 2])
        #expect(score.results.map(\.error) == [.seconds(-1), .seconds(2), .zero])
        #expect(score.results.map(\.errorPercent) == [-10, 10, 0])
        #expect(score.results.allSatisfy { !$0.missed })
        #expect(abs((score.meanAbsolutePercentError ?? 0) - 20.0 / 3) < 1e-9)
        #expect(score.rating == 87)
        #expect(score.worst?.segmentIndex == 0)
    }

    @Test func eventsCarryTheProtocolsOwnOffsetsAndThePressItsError() {
        let events = practise(presses: [.seconds(9), .seconds(31)], until: .seconds(31)).events
        #expect(events.map(\.kind) == [.sessionStart, .phaseStart, .press(error: .seconds(-1)), .phaseStart, .stepStart,
                                       .press(error: .seconds(2)), .stillnessStart])
        // Starts at their planned offsets (warm 0, jawline 10, the stillness 30), not the stretched ones;
        // a press at where it belonged (the segment's planned end); every event due when it happened.
        #expect(events.map(\.planned) == [0, 0, 10, 10, 10, 30, 30].map { Duration.seconds($0) })
        #expect(events.map(\.due) == [0, 0, 9, 9, 9, 31, 31].map { Duration.seconds($0) })
        #expect(!events.contains { $0.kind == .skipped }, "a press is told as a press")
    }

    @Test func aSegmentLeftToThreeTimesItsLengthIsMissed() {
        // warm pressed on time at 10 s; jawline left never pressed: it ends itself at 10 + 60 s.
        let (practice, events) = practise(presses: [.seconds(10)], until: .seconds(71))
        #expect(practice.score.results.count == 2)
        #expect(practice.score.results[1] == PracticeResult(segmentIndex: 1, planned: .seconds(20), actual: .seconds(60), missed: true))
        #expect(practice.score.results[1].errorPercent == 200)
        #expect(practice.score.rating == 0)
        #expect(events.last?.kind == .stillnessStart && events.last?.due == .seconds(70) && events.last?.planned == .seconds(30))
    }

    @Test func theScreenSeesTheRealTimelineAndTheMissDeadlineStaysInside() {
        var practice = PracticeSession(timeline: Self.timeline)
        _ = practice.start(at: .zero)
        #expect(practice.timeline == Self.timeline)
        #expect(practice.nextDeadline == .seconds(30), "warm (10 s) runs out at 3x")
        #expect(practice.remaining(at: .seconds(4)) == .seconds(6))
        #expect(practice.remaining(at: .seconds(25)) == .zero, "past its length, nothing is left; it still runs")
        #expect(practice.plannedPosition(at: .seconds(25)) == .seconds(10))
        let state = DisplayState.make(engine: practice, at: .seconds(4), controls: .practice)
        #expect(state.target == .seconds(10))
        #expect(state.next == "Jawline: Step 1 (20s)", "the next segment's real length, not 60 s")
    }

    @Test func onlyThePressAndAnEndingChangeAPractice() {
        var practice = PracticeSession(timeline: Self.timeline)
        _ = practice.start(at: .zero)
        for command: SessionCommand in [.next, .previous, .extend(.seconds(15)), .extend(.seconds(-15)), .togglePause, .toggleMute] {
            #expect(practice.handle(command, at: .seconds(1)).isEmpty, "\(command) does nothing")
        }
        #expect(practice.currentIndex == 0 && practice.nextDeadline == .seconds(30) && practice.score.results.isEmpty)
        #expect(practice.handle(.quit, at: .seconds(2)).map(\.kind) == [.quit, .sessionEnd(completed: false)])
    }

    @Test func timeStoppedByCtrlZIsNotCounted() {
        // The program pauses a practice while the process is stopped, and resumes it on fg.
        var practice = PracticeSession(timeline: Self.timeline)
        _ = practice.start(at: .zero)
        _ = practice.handle(.pause, at: .seconds(4))
        _ = practice.handle(.resume, at: .seconds(100))
        _ = practice.handle(.press, at: .seconds(105))
        #expect(practice.score.results.first?.actual == .seconds(9))
    }

    @Test func aPracticeAbandonedHalfwayScoresWhatWasDone() {
        let score = practise(presses: [.seconds(11), .seconds(30)], until: .seconds(100), quitAt: .seconds(33)).practice.score
        #expect(score.results.map(\.segmentIndex) == [0, 1], "the segment running at the quit is not scored")
        #expect(score.results.map(\.error) == [.seconds(1), .seconds(-1)])
    }

    @Test func aWholePracticeOnTimeIsPerfect() {
        var time = Duration.zero
        var presses: [Duration] = []
        for segment in Self.timeline.segments {
            time += segment.plannedDuration
            presses.append(time)
        }
        let (practice, events) = practise(presses: presses, until: time + .seconds(1))
        #expect(practice.score.results.count == Self.timeline.segments.count)
        #expect(practice.score.meanAbsolutePercentError == 0)
        #expect(practice.score.rating == 100)
        #expect(events.last?.kind == .sessionEnd(completed: true) && events.last?.planned == Self.timeline.totalDuration)
    }

    @Test func atRehearsalSpeedTheScoreIsInProtocolTime() {
        // At 10x, warm's 10 s are 1 s of session time: a press at 1.2 s is 2 s late.
        let score = practise(presses: [.milliseconds(1200)], until: .milliseconds(1200), speed: 10).practice.score
        #expect(score.results.first?.error == .seconds(2))
    }

    @Test func stretchingKeepsTheShapeAndDropsTheMarks() {
        let stretched = Timeline(PracticeSession.stretched(Self.timeline.treatment))
        #expect(stretched.segments.map(\.role) == Self.timeline.segments.map(\.role))
        #expect(stretched.segments.map(\.plannedDuration) == Self.timeline.segments.map { $0.plannedDuration * 3 })
        #expect(stretched.segments.allSatisfy { $0.strokeInterval == nil && $0.warningBefore == nil })
    }
}

/// The stroke drill as a value: taps at chosen times.
@Suite struct StrokeDrillTests {
    static let treatment = Fixtures.treatment([
        Fixtures.phase("warm", 10),
        Phase(id: "sweep", title: "Sweep", cue: "c", body: .duration(.seconds(20)), strokeSeconds: .seconds(4)),
        Fixtures.phase("rest", 5, kind: .stillness),
    ])

    @Test func tapsAtTheTargetCadenceReadAsTheTarget() throws {
        var drill = try #require(StrokeDrill(treatment: Self.treatment))
        #expect(drill.timeline.segments.count == 1, "only the paced phase")
        _ = drill.start(at: .zero)
        for second in [1, 5, 9, 13] { _ = drill.handle(.press, at: .seconds(second)) }
        _ = drill.advance(to: .seconds(30))
        let result = try #require(drill.results.first)
        #expect(result.taps == 4 && result.target == .seconds(4))
        #expect(result.cadence?.meanPeriod == .seconds(4) && result.cadence?.spread == .zero)
        #expect(drill.isFinished)
    }

    @Test func aTapIsAPressEventAndOtherKeysDoNothing() throws {
        var drill = try #require(StrokeDrill(treatment: Self.treatment))
        _ = drill.start(at: .zero)
        #expect(drill.handle(.press, at: .seconds(2)).map(\.kind) == [.press(error: nil)])
        #expect(drill.handle(.next, at: .seconds(3)).isEmpty && drill.handle(.togglePause, at: .seconds(3)).isEmpty)
        #expect(StrokeDrill(treatment: Fixtures.treatment([Fixtures.phase("warm", 10)])) == nil, "nothing to drill")
    }

    /// The drill's screen shows the period to keep and the taps so far, in the full and the compact layout.
    @Test func theScreenShowsTheTargetPeriodAndTheTapCount() throws {
        var drill = try #require(StrokeDrill(treatment: Self.treatment))
        _ = drill.start(at: .zero)
        for second in [1, 5, 9] { _ = drill.handle(.press, at: .seconds(second)) }
        let state = DisplayState.make(engine: drill, at: .seconds(10), controls: .drill)
        #expect(state.stroke == .init(target: .seconds(4), taps: 3))
        for size in [ScreenRenderer.Size(width: 80, height: 24), ScreenRenderer.Size(width: 50, height: 12)] {
            let text = ScreenRenderer.render(state, size: size, color: false).joined(separator: "\n")
            #expect(text.contains("a stroke every 4s · 3 taps"), "\(size): \(text)")
        }
        var practice = PracticeSession(timeline: Timeline(Self.treatment))
        _ = practice.start(at: .zero)
        #expect(DisplayState.make(engine: practice, at: .seconds(1), controls: .practice).stroke == nil, "only the drill counts taps")
    }
}

/// `practice --support`: what a practice with less support shows, and what it keeps.
@Suite struct PracticeSupportTests {
    @Test func lessSupportNamesSegmentsByNumberAndKeepsTheirLengthsAndPlaces() throws {
        let drill = try #require(try BundledProtocols.load("trainee-drill"))
        #expect(PracticeSupport.prompts.shown(drill) == drill)
        for support in [PracticeSupport.chimes, .blind] {
            let shown = Timeline(support.shown(drill))
            let named = Timeline(drill)
            #expect(shown.segments.map(\.plannedDuration) == named.segments.map(\.plannedDuration), "the targets stay")
            #expect(shown.segments.map(\.role) == named.segments.map(\.role), "segment i is segment i")
            let titles = shown.segments.map { shown.title(of: $0) }
            #expect(titles.prefix(3) == ["Phase 1", "Phase 2: Step 1", "Phase 2: stillness"])
            for segment in shown.segments where !segment.isStillness {
                #expect(shown.cue(of: segment).isEmpty, "no cue: \(shown.title(of: segment))")
            }
            let words = titles.joined(separator: " ") + shown.treatment.phases.map(\.id).joined(separator: " ")
            for name in ["Warm", "Jawline", "jawline", "Lift", "Cheeks", "Centering"] { #expect(!words.contains(name), "\(name) shows") }
        }
        #expect(PracticeSupport.allCases.sorted() == [.prompts, .chimes, .blind], "less support is more")
    }
}
