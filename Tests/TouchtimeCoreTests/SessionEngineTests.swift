import Testing
@testable import TouchtimeCore

/// The engine is a value: these tests feed it times by hand. No clock, no sleeping.
@Suite struct SessionEngineTests {
    /// warm 10 s; jawline steps 20 + 20 with 5 s stillness between and 5 s after; pause 10 s (stillness); end 15 s.
    static let timeline = Timeline(Fixtures.treatment([
        Fixtures.phase("warm", 10),
        Phase(id: "jawline", title: "Jawline", cue: "Sweep.",
              body: .steps([Step(cue: "Left.", duration: .seconds(20)), Step(cue: "Right.", duration: .seconds(20))]),
              stillnessAfter: .seconds(5), stillnessBetweenSteps: .seconds(5)),
        Fixtures.phase("pause", 10, kind: .stillness),
        Fixtures.phase("end", 15),
    ]))

    private func kinds(_ events: [SessionEvent]) -> [String] {
        events.map { event in
            [event.kind.name, event.phaseID, event.stepIndex.map(String.init)].compactMap { $0 }.joined(separator: " ")
        }
    }

    @Test func startAnnouncesSessionAndFirstPhase() {
        var engine = SessionEngine(timeline: Self.timeline)
        #expect(kinds(engine.start(at: .zero)) == ["session-start", "phase-start warm"])
        #expect(engine.nextDeadline == .seconds(10))
        #expect(engine.start(at: .seconds(1)).isEmpty, "starting twice does nothing")
    }

    @Test func walksEveryBoundaryInOrderWithTheRightEvents() {
        var engine = SessionEngine(timeline: Self.timeline)
        var all = engine.start(at: .zero)
        all += engine.advance(to: .seconds(1000))
        #expect(kinds(all) == [
            "session-start", "phase-start warm",
            "phase-start jawline", "step-start jawline 0",
            "stillness-start jawline",
            "step-start jawline 1",
            "stillness-start jawline",
            "phase-start pause", "stillness-start pause",
            "phase-start end",
            "session-end",
        ])
        #expect(all.map(\.due) == [0, 0, 10, 10, 30, 35, 55, 60, 60, 70, 85].map { Duration.seconds($0) })
        #expect(all.map(\.planned) == all.map(\.due), "at speed 1 the planned offset is the due time")
        #expect(engine.state == .finished(completed: true))
        #expect(engine.nextDeadline == nil)
    }

    @Test func lateAdvancesDoNotShiftLaterBoundaries() {
        var engine = SessionEngine(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        // Woken 400 ms late at the first boundary: the next deadline still follows the plan.
        let events = engine.advance(to: .milliseconds(10_400))
        #expect(events.first?.due == .seconds(10))
        #expect(engine.nextDeadline == .seconds(30))
        // Late again, and again: no accumulation.
        _ = engine.advance(to: .milliseconds(30_900))
        #expect(engine.nextDeadline == .seconds(35))
        #expect(engine.advance(to: .milliseconds(34_999)).isEmpty)
    }

    @Test func speedScalesSessionTimeButNotPlannedOffsets() {
        var engine = SessionEngine(timeline: Self.timeline, speed: 100)
        _ = engine.start(at: .zero)
        #expect(engine.nextDeadline == .milliseconds(100))
        let events = engine.advance(to: .milliseconds(850))
        #expect(events.last?.kind == .sessionEnd(completed: true))
        #expect(events.last?.due == .milliseconds(850))
        #expect(events.last?.planned == .seconds(85))
    }

    @Test func pauseHoldsTheClockAndMovesEveryLaterBoundary() {
        var engine = SessionEngine(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        #expect(kinds(engine.handle(.pause, at: .seconds(4))) == ["paused warm"])
        #expect(engine.nextDeadline == nil)
        #expect(engine.advance(to: .seconds(100)).isEmpty, "nothing falls due while paused")
        #expect(engine.remaining(at: .seconds(100)) == .seconds(6), "the countdown holds")
        #expect(engine.handle(.pause, at: .seconds(101)).isEmpty, "pausing twice does nothing")
        #expect(kinds(engine.handle(.togglePause, at: .seconds(104))) == ["resumed warm"])
        #expect(engine.nextDeadline == .seconds(110))
        let rest = engine.advance(to: .seconds(1000))
        #expect(rest.last?.due == .seconds(185), "the whole session moved by the 100 s pause")
    }

    @Test func nextSkipsToTheFollowingSegmentAtOnce() {
        var engine = SessionEngine(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        let events = engine.handle(.next, at: .seconds(3))
        #expect(kinds(events) == ["skipped warm", "phase-start jawline", "step-start jawline 0"])
        #expect(events[0].planned == .seconds(3))
        #expect(events[1].due == .seconds(3))
        #expect(engine.nextDeadline == .seconds(23), "the next segment gets its full length")
    }

    @Test func nextWhilePausedStaysPausedAtTheStartOfTheNextSegment() {
        var engine = SessionEngine(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        _ = engine.handle(.pause, at: .seconds(2))
        _ = engine.handle(.next, at: .seconds(5))
        #expect(engine.isPaused)
        #expect(engine.remaining(at: .seconds(50)) == .seconds(20))
        _ = engine.handle(.resume, at: .seconds(8))
        #expect(engine.nextDeadline == .seconds(28))
    }

    @Test func nextOnTheLastSegmentEndsTheSession() {
        var engine = SessionEngine(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        for second in 1...6 { _ = engine.handle(.next, at: .seconds(second)) }
        #expect(kinds(engine.handle(.next, at: .seconds(7))) == ["skipped end", "session-end"])
        #expect(engine.state == .finished(completed: true))
        #expect(engine.handle(.next, at: .seconds(8)).isEmpty)
    }

    @Test func previousRestartsOrGoesBackWithinThreeSeconds() {
        var engine = SessionEngine(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        _ = engine.advance(to: .seconds(10))   // jawline step 0 starts at 10
        // 5 s in: back to the start of this step (the phase's first, so the phase starts again too).
        #expect(kinds(engine.handle(.previous, at: .seconds(15))) == ["back jawline 0", "phase-start jawline", "step-start jawline 0"])
        #expect(engine.nextDeadline == .seconds(35))
        // 2 s into the restarted step: back to the previous segment, warm.
        #expect(kinds(engine.handle(.previous, at: .seconds(17))) == ["back jawline 0", "phase-start warm"])
        #expect(engine.nextDeadline == .seconds(27))
        // On the first segment, back always restarts it.
        #expect(kinds(engine.handle(.previous, at: .seconds(18))) == ["back warm", "phase-start warm"])
    }

    @Test func pausedTimeDoesNotCountTowardTheBackWindow() {
        var engine = SessionEngine(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        _ = engine.advance(to: .seconds(10))
        _ = engine.handle(.pause, at: .seconds(11))
        // 1 s of segment time, 60 s of pause: still within the back window.
        #expect(kinds(engine.handle(.previous, at: .seconds(71))) == ["back jawline 0", "phase-start warm"])
        #expect(engine.isPaused)
    }

    @Test func extendAndShortenMoveEveryLaterBoundary() {
        var engine = SessionEngine(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        let extended = engine.handle(.extend(.seconds(15)), at: .seconds(2))
        #expect(kinds(extended) == ["extended warm"])
        #expect(extended[0].kind == .extended(by: .seconds(15)))
        #expect(engine.nextDeadline == .seconds(25))
        _ = engine.handle(.extend(.seconds(-15)), at: .seconds(3))
        #expect(engine.nextDeadline == .seconds(10))
        // Shortening never leaves less than 1 s.
        let shortened = engine.handle(.extend(.seconds(-15)), at: .seconds(5))
        #expect(engine.nextDeadline == .seconds(6))
        #expect(shortened[0].kind == .extended(by: .seconds(-4)))
        // With under 1 s left, shortening changes nothing (it never lengthens either).
        let none = engine.handle(.extend(.seconds(-15)), at: .milliseconds(5500))
        #expect(none[0].kind == .extended(by: .zero))
        #expect(engine.nextDeadline == .seconds(6))
        let all = engine.advance(to: .seconds(1000))
        #expect(all.last?.due == .seconds(81), "the session ended 4 s early")
    }

    /// +15 s never sends the position (the bars, the events' `planned`) back, nor holds it still:
    /// what is left of the segment's plan is spread over what is left of its new length (issue 23).
    @Test func lengtheningSpreadsTheRestOfThePlanOverTheNewLength() throws {
        let timeline = Timeline(Fixtures.treatment([
            Phase(id: "warm", title: "Warm", cue: "c", body: .duration(.seconds(45))),
            Phase(id: "jaw", title: "Jaw", cue: "c", body: .duration(.seconds(60)), strokeSeconds: .seconds(4)),
        ]))
        var engine = SessionEngine(timeline: timeline)
        _ = engine.start(at: .zero)
        #expect(engine.plannedPosition(at: .seconds(16)) == .seconds(16))
        let extended = engine.handle(.extend(.seconds(15)), at: .seconds(16))
        #expect(extended[0].planned == .seconds(16), "the extension is where the session was")
        #expect(engine.plannedPosition(at: .seconds(16)) == .seconds(16), "not sent back")
        // 29 s of plan over 44 s: halfway through what is left, halfway through the rest of the plan.
        #expect(engine.plannedPosition(at: .seconds(38)) == .milliseconds(30_500))
        #expect(engine.plannedPosition(at: .seconds(59)) < .seconds(45))
        let state = DisplayState.make(engine: engine, at: .seconds(16))
        #expect(abs(state.segmentProgress - 16.0 / 45) < 0.001, "the bar stays where it was: \(state.segmentProgress)")
        #expect(abs(state.sessionProgress - 16.0 / 105) < 0.001)
        // Stroke ticks in a lengthened segment: each planned further on than the last.
        let next = engine.advance(to: .seconds(60))
        #expect(next.first?.kind == .phaseStart && next.first?.planned == .seconds(45))
        _ = engine.advance(to: .seconds(70))
        _ = engine.handle(.extend(.seconds(15)), at: .seconds(70))
        let ticks = engine.advance(to: .seconds(130)).filter { $0.kind == .stroke }.map(\.planned)
        #expect(ticks.count > 10)
        #expect(zip(ticks, ticks.dropFirst()).allSatisfy { $0 < $1 }, "\(ticks)")
        #expect(ticks.allSatisfy { $0 > .seconds(55) && $0 < .seconds(105) })
    }

    @Test func extendAtSpeedIsInProtocolTime() {
        var engine = SessionEngine(timeline: Self.timeline, speed: 10)
        _ = engine.start(at: .zero)
        let events = engine.handle(.extend(.seconds(15)), at: .zero)
        #expect(events[0].kind == .extended(by: .seconds(15)))
        #expect(engine.nextDeadline == .milliseconds(2500))
    }

    @Test func finishEndsEarlyFromAnyLiveState() {
        var engine = SessionEngine(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        _ = engine.advance(to: .seconds(12))
        let events = engine.handle(.finish, at: .seconds(12))
        #expect(kinds(events) == ["session-end"])
        #expect(events[0].completed == false)
        #expect(events[0].planned == .seconds(12))
        #expect(engine.state == .finished(completed: false))
        #expect(engine.advance(to: .seconds(1000)).isEmpty)
        #expect(engine.handle(.resume, at: .seconds(13)).isEmpty)
    }

    @Test func commandsBeforeStartAreIgnoredExceptFinish() {
        var engine = SessionEngine(timeline: Self.timeline)
        #expect(engine.handle(.next, at: .zero).isEmpty)
        #expect(engine.handle(.pause, at: .zero).isEmpty)
        #expect(kinds(engine.handle(.finish, at: .zero)) == ["session-end"])
    }

    @Test func nonsenseSpeedFallsBackToOne() {
        #expect(SessionEngine(timeline: Self.timeline, speed: .nan).speed == 1)
        #expect(SessionEngine(timeline: Self.timeline, speed: 0).speed == 1)
    }
}
