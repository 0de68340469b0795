import Testing
@testable import TouchtimeCore

/// Practice scoring at the engine level, with scripted press times: no clock, no sleeping.
@Suite struct PracticeTests {
    /// warm 10 s; jawline 20 + (5 stillness) + 20, then 5 stillness; pause 10; end 15.
    static let timeline = SessionEngineTests.timeline

    /// Drives a practice: `presses` are session times of presses; `until` is when to stop looking.
    private func practise(presses: [Duration], until end: Duration, quitAt: Duration? = nil) -> PracticeScorer {
        var engine = SessionEngine(timeline: Timeline(PracticeSession.stretched(Self.timeline.treatment)))
        var scorer = PracticeScorer(timeline: Self.timeline)
        func feed(_ events: [SessionEvent]) { for event in events { scorer.record(event, elapsed: event.due) } }
        feed(engine.start(at: .zero))
        for press in presses {
            if let quitAt, quitAt < press { break }
            feed(engine.advance(to: press))
            feed(engine.handle(.next, at: press))
        }
        if let quitAt {
            feed(engine.advance(to: quitAt))
            feed(engine.handle(.finish, at: quitAt))
        } else {
            feed(engine.advance(to: end))
        }
        return scorer
    }

    @Test func earlyAndLatePressesAreScoredAgainstThePlan() {
        // warm pressed at 9 s (1 s early), jawline left 22 s later (2 s late), stillness 5 s (exact).
        let scorer = practise(presses: [.seconds(9), .seconds(31), .seconds(36)], until: .seconds(36))
        #expect(scorer.results.map(\.segmentIndex) == [0, 1, 2])
        #expect(scorer.results.map(\.error) == [.seconds(-1), .seconds(2), .zero])
        #expect(scorer.results.map(\.errorPercent) == [-10, 10, 0])
        #expect(scorer.results.allSatisfy { !$0.missed })
        #expect(abs((scorer.meanAbsolutePercentError ?? 0) - 20.0 / 3) < 1e-9)
        #expect(scorer.rating == 87)
        #expect(scorer.worst?.segmentIndex == 0)
    }

    @Test func aSegmentLeftToThreeTimesItsLengthIsMissed() {
        // warm pressed on time at 10 s; jawline left never pressed: it ends itself at 10 + 60 s.
        let scorer = practise(presses: [.seconds(10)], until: .seconds(71))
        #expect(scorer.results.count == 2)
        #expect(scorer.results[1] == PracticeResult(segmentIndex: 1, planned: .seconds(20), actual: .seconds(60), missed: true))
        #expect(scorer.results[1].errorPercent == 200)
        #expect(scorer.rating == 0)
    }

    @Test func aPracticeAbandonedHalfwayScoresWhatWasDone() {
        let scorer = practise(presses: [.seconds(11), .seconds(30)], until: .seconds(100), quitAt: .seconds(33))
        #expect(scorer.results.map(\.segmentIndex) == [0, 1], "the segment running at the quit is not scored")
        #expect(scorer.results.map(\.error) == [.seconds(1), .seconds(-1)])
    }

    @Test func aWholePracticeOnTimeIsPerfect() {
        var time = Duration.zero
        var presses: [Duration] = []
        for segment in Self.timeline.segments {
            time += segment.plannedDuration
            presses.append(time)
        }
        let scorer = practise(presses: presses, until: time + .seconds(1))
        #expect(scorer.results.count == Self.timeline.segments.count)
        #expect(scorer.meanAbsolutePercentError == 0)
        #expect(scorer.rating == 100)
    }

    @Test func stretchingKeepsTheShapeAndDropsTheMarks() {
        let stretched = Timeline(PracticeSession.stretched(Self.timeline.treatment))
        #expect(stretched.segments.map(\.role) == Self.timeline.segments.map(\.role))
        #expect(stretched.segments.map(\.plannedDuration) == Self.timeline.segments.map { $0.plannedDuration * 3 })
        #expect(stretched.segments.allSatisfy { $0.strokeInterval == nil && $0.warningBefore == nil })
    }
}
