import Testing
@testable import TouchtimeCore

@Suite struct TimelineTests {
    @Test func flattensTheDefaultRitual() throws {
        let ritual = try #require(try BundledProtocols.load(BundledProtocols.defaultID))
        let timeline = Timeline(ritual)
        #expect(timeline.segments.map(\.role) == [
            .phase, .step(0), .step(1), .stillnessAfter,
            .step(0), .stillnessBetweenSteps(afterStep: 0), .step(1), .stillnessBetweenSteps(afterStep: 1), .step(2),
            .stillnessPhase, .phase,
        ])
        #expect(timeline.segments.map(\.startsPhase) == [true, true, false, false, true, false, false, false, false, true, true])
        #expect(timeline.totalDuration == .seconds(435))
        // Segments tile the timeline with no gap and no overlap.
        for (previous, next) in zip(timeline.segments, timeline.segments.dropFirst()) {
            #expect(previous.plannedEnd == next.plannedStart)
        }
        #expect(timeline.segments.last?.plannedEnd == timeline.totalDuration)
    }

    @Test func namesSegmentsForPeople() {
        let timeline = Timeline(Fixtures.treatment([Fixtures.stepsPhase("lift", [5, 5], between: 2), Fixtures.phase("rest", 3, kind: .stillness)]))
        #expect(timeline.segments.map { timeline.title(of: $0) } == ["Lift: S1", "Lift: stillness", "Lift: S2", "Rest"])
        #expect(timeline.cue(of: timeline.segments[1]) == "Hands still, let the skin respond.")
        #expect(timeline.segments.map(\.isStillness) == [false, true, false, true])
    }
}
