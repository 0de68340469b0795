import Testing
@testable import TouchtimeCore

@Suite struct ChimePlanTests {
    @Test func defaultRitualIsMarkedByTransitionsStillnessAndFinish() throws {
        let ritual = try #require(try BundledProtocols.load(BundledProtocols.defaultID))
        // The jawline is paced: a tick every 4 s stroke, none in the last second of a step.
        let paced = ChimePlan(timeline: Timeline(ritual)).plannedCues.filter { $0.voice.kind == .pace }
        #expect(paced.map(\.planned) == (Array(stride(from: 49, through: 101, by: 4)) + Array(stride(from: 109, through: 161, by: 4))).map { Duration.seconds($0) })
        let cues = ChimePlan(timeline: Timeline(ritual), pace: false).plannedCues
        #expect(cues.map(\.voice.kind) == [
            .transition,                                   // warm
            .transition, .transition, .stillness,          // jawline left, right, stillness after
            .transition, .stillness, .transition, .stillness, .transition,  // lift with stillness between
            .stillness,                                    // pause (phase-start and stillness-start: one chime)
            .transition,                                   // centering
            .finish,
        ])
        #expect(cues.map(\.planned) == [0, 45, 105, 165, 175, 235, 245, 290, 300, 360, 390, 435].map { Duration.seconds($0) })
        #expect(cues.allSatisfy { $0.voice.volume == 100 && $0.voice.pitchRatio == 1 })
    }

    @Test func optionsChooseStartVolumeAndPitchPerPhase() throws {
        let treatment = try Fixtures.load(Fixtures.document(phases: """
            [{"id": "a", "title": "A", "cue": "c", "duration": 10, "chimes": {"start": "none"}},
             {"id": "b", "title": "B", "cue": "c", "duration": 10, "chimes": {"volume": 50, "pitch": 660}},
             {"id": "c", "title": "C", "cue": "c", "kind": "stillness", "duration": 10, "chimes": {"start": "warning"}}]
            """, extra: #", "chimes": {"volume": 80}"#))
        let cues = ChimePlan(timeline: Timeline(treatment), volume: 50).plannedCues
        #expect(cues.map(\.voice) == [
            ChimeVoice(kind: .transition, volume: 25, pitchRatio: 0.75),   // b: 50 x its own 50%
            ChimeVoice(kind: .warning, volume: 40),                        // c: 50 x 80%
            ChimeVoice(kind: .finish, volume: 40),
        ])
    }

    @Test func strokesAndWarningsSoundUnlessPacingIsOff() throws {
        let treatment = try Fixtures.load(Fixtures.document(phases: """
            [{"id": "a", "title": "A", "cue": "c", "duration": 10, "strokeSeconds": 4, "chimes": {"warningBefore": 3}}]
            """))
        let timeline = Timeline(treatment)
        #expect(ChimePlan(timeline: timeline).plannedCues.map(\.voice.kind) == [.transition, .pace, .warning, .pace, .finish])
        #expect(ChimePlan(timeline: timeline, pace: false).plannedCues.map(\.voice.kind) == [.transition, .warning, .finish])
        #expect(ChimePlan(timeline: timeline).voices.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.finish, .pace, .transition, .warning])
    }

    @Test func theStrokeTickHasItsOwnVolume() throws {
        let quiet = Timeline(try Fixtures.load(Fixtures.document(phases: #"[{"id": "a", "title": "A", "cue": "c", "duration": 10, "strokeSeconds": 4}]"#)))
        #expect(ChimePlan(timeline: quiet).voices.first { $0.kind == .pace }?.volume == 40, "the default: about -28 dBFS")
        let loud = Timeline(try Fixtures.load(Fixtures.document(phases: """
            [{"id": "a", "title": "A", "cue": "c", "duration": 10, "strokeSeconds": 4},
             {"id": "b", "title": "B", "cue": "c", "duration": 10, "strokeSeconds": 4, "chimes": {"paceVolume": 70}}]
            """, extra: #", "chimes": {"paceVolume": 100}"#)))
        let paced = ChimePlan(timeline: loud, volume: 50).plannedCues.filter { $0.voice.kind == .pace }
        #expect(Set(paced.map(\.voice.volume)) == [50, 35], "relative to --volume, a phase's own winning")
        #expect(ChimePlan(timeline: loud).plannedCues.first { $0.voice.kind == .transition }?.voice.volume == 100, "only the tick")
    }

    @Test func anEarlyEndHasNoFinishChime() {
        let plan = ChimePlan(timeline: SessionEngineTests.timeline)
        #expect(plan.cue(for: SessionEvent(kind: .sessionEnd(completed: false), planned: .seconds(3), due: .seconds(3))) == nil)
        #expect(plan.cue(for: SessionEvent(kind: .sessionEnd(completed: true), planned: .seconds(85), due: .seconds(85)))?.voice.kind == .finish)
        #expect(plan.cue(for: SessionEvent(kind: .paused, planned: .zero, due: .zero)) == nil)
    }

    @Test func aMomentsChimeBelongsToItsFirstEventOnly() {
        var engine = SessionEngine(timeline: SessionEngineTests.timeline)
        let plan = ChimePlan(timeline: SessionEngineTests.timeline)
        _ = engine.start(at: .zero)
        let events = engine.advance(to: .seconds(10))   // phase-start jawline + step-start 0
        #expect(events.map(\.kind) == [.phaseStart, .stepStart])
        #expect(plan.cue(for: events[0])?.id == ChimePlan.Cue.ID(mark: .start, segmentIndex: 1, due: .seconds(10)))
        #expect(plan.cue(for: events[1]) == nil, "the step's start is the phase's: one chime")
        #expect(plan.cues(for: events).count == 1)
        // A step that does not start its phase has its own chime.
        let second = engine.advance(to: .seconds(30))   // stillness between the steps
        #expect(plan.cues(for: second).map(\.voice.kind) == [.stillness])
        // A skip makes a new moment with its own identity.
        let skipped = engine.handle(.next, at: .seconds(32))
        #expect(plan.cues(for: skipped).first?.id == ChimePlan.Cue.ID(mark: .start, segmentIndex: 3, due: .seconds(32)))
    }
}

@Suite struct EngineMarkTests {
    static let timeline = Timeline(Fixtures.treatment([
        Phase(id: "sweep", title: "Sweep", cue: "c", body: .duration(.seconds(10)),
              strokeSeconds: .seconds(4), chimes: ChimeOptions(warningBefore: .seconds(3))),
        Fixtures.phase("rest", 5, kind: .stillness),
    ]))

    private func marks(_ events: [SessionEvent]) -> [String] {
        events.map { "\($0.kind.name)@\($0.due.milliseconds)" }
    }

    @Test func strokesFromTheStartAndTheWarningBeforeTheEnd() {
        var engine = SessionEngine(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        let events = engine.advance(to: .seconds(20))
        // Ticks at 4 and 8 s (none in the last quarter stroke, 9 to 10 s); warning at 7 s.
        #expect(marks(events) == ["stroke@4000", "warning@7000", "stroke@8000", "phase-start@10000", "stillness-start@10000", "session-end@15000"])
        #expect(events[1].planned == .seconds(7))
    }

    @Test func marksNeverMoveTheBoundaries() {
        var engine = SessionEngine(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        _ = engine.advance(to: .milliseconds(4300))   // a late wake after the first tick
        #expect(engine.nextDeadline == .seconds(7))
        _ = engine.advance(to: .seconds(9))
        #expect(engine.nextDeadline == .seconds(10))
    }

    @Test func pauseShiftsMarksAndExtendMovesOnlyTheWarning() {
        var engine = SessionEngine(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        _ = engine.handle(.pause, at: .seconds(1))
        _ = engine.handle(.resume, at: .seconds(3))
        #expect(engine.nextDeadline == .seconds(6), "the first tick, 2 s later")
        _ = engine.handle(.extend(.seconds(5)), at: .seconds(3))
        let events = engine.advance(to: .seconds(30))
        #expect(marks(events).prefix(5) == ["stroke@6000", "stroke@10000", "warning@14000", "stroke@14000", "phase-start@17000"])
    }

    @Test func aRestartedSegmentTicksAgain() {
        var engine = SessionEngine(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        _ = engine.advance(to: .seconds(5))
        _ = engine.handle(.previous, at: .seconds(5))
        #expect(engine.nextDeadline == .seconds(9))
    }

    @Test func stillnessHasNoMarks() {
        let timeline = Timeline(try! Fixtures.load(Fixtures.document(phases: """
            [{"id": "p", "title": "P", "cue": "c", "kind": "stillness", "duration": 10}]
            """, extra: #", "chimes": {"warningBefore": 3}"#)))
        #expect(timeline.segments[0].warningBefore == nil && timeline.segments[0].strokeInterval == nil)
    }
}
