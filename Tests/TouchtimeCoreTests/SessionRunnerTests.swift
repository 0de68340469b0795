import Testing
@testable import TouchtimeCore
import TouchtimeTestSupport

/// The runner against a manual clock: whole sessions in microseconds, no sleeping.
@Suite struct SessionRunnerTests {
    private static func boundaries(_ timeline: Timeline) -> [Duration] {
        timeline.segments.map(\.plannedEnd)
    }

    @Test func sleepsToAbsoluteDeadlinesSoLateWakesNeverAccumulate() async throws {
        let ritual = try #require(try BundledProtocols.load(BundledProtocols.defaultID))
        let timeline = Timeline(ritual)
        // Every wake is 0.7 ms late, as a busy kernel might make it.
        let clock = ManualClock(wakeLatency: .microseconds(700))
        var stamped: [StampedEvent] = []
        let final = await SessionRunner(clock: clock).run(SessionEngine(timeline: timeline)) { stamped.append($0) }

        #expect(final.state == .finished(completed: true))
        // The runner asked for exactly the planned deadlines (boundaries and stroke ticks), as an
        // engine advanced exactly on time gives them: start + offset, never the sum of sleeps.
        var onTime = SessionEngine(timeline: timeline)
        _ = onTime.start(at: .zero)
        var planned: [Duration] = []
        while let deadline = onTime.nextDeadline {
            planned.append(deadline)
            _ = onTime.advance(to: deadline)
        }
        #expect(Set(Self.boundaries(timeline)).isSubset(of: planned))
        #expect(clock.requestedDeadlines.map(\.offset) == planned)
        // Each event is stamped with when it was seen: 0.7 ms late, the same at the end as at the start.
        let starts = stamped.filter { $0.event.kind.startsSegment }
        for item in starts.dropFirst() {
            #expect(item.elapsed - item.event.due == .microseconds(700))
        }
        #expect(stamped.last?.event.kind == .sessionEnd(completed: true))
        #expect(stamped.last?.elapsed == .milliseconds(435_000) + .microseconds(700))
    }

    @Test func rehearsalSpeedDividesEveryDeadline() async {
        let timeline = SessionEngineTests.timeline
        let clock = ManualClock()
        _ = await SessionRunner(clock: clock).run(SessionEngine(timeline: timeline, speed: 100)) { _ in }
        #expect(clock.requestedDeadlines.map(\.offset) == Self.boundaries(timeline).map { $0 / 100 })
    }

    @Test func commandsQueuedBeforeTheFirstSleepApplyAtOnce() async {
        let timeline = SessionEngineTests.timeline
        let clock = ManualClock()
        let inbox = CommandInbox()
        inbox.send(.extend(.seconds(15)))
        var kinds: [SessionEvent.Kind] = []
        _ = await SessionRunner(clock: clock).run(SessionEngine(timeline: timeline), inbox: inbox) { kinds.append($0.event.kind) }
        #expect(kinds.prefix(3) == [.sessionStart, .phaseStart, .extended(by: .seconds(15))])
        // Every boundary moved by the 15 s.
        #expect(clock.requestedDeadlines.map(\.offset) == Self.boundaries(timeline).map { $0 + .seconds(15) })
    }

    @Test func finishFromTheInboxEndsTheSessionEarly() async {
        let inbox = CommandInbox()
        inbox.send(.next)
        inbox.send(.finish)
        var events: [SessionEvent] = []
        let final = await SessionRunner(clock: ManualClock()).run(SessionEngine(timeline: SessionEngineTests.timeline), inbox: inbox) {
            events.append($0.event)
        }
        #expect(final.state == .finished(completed: false))
        #expect(events.map(\.kind) == [.sessionStart, .phaseStart, .skipped, .phaseStart, .stepStart, .sessionEnd(completed: false)])
    }

    @Test func aCancelledRunStopsWithoutFinishing() async {
        let task = Task { () -> (SessionEngine, [SessionEvent.Kind]) in
            withUnsafeCurrentTask { $0?.cancel() }  // cancelled before the runner's first sleep
            var kinds: [SessionEvent.Kind] = []
            let final = await SessionRunner(clock: ManualClock())
                .run(SessionEngine(timeline: SessionEngineTests.timeline), inbox: CommandInbox()) { kinds.append($0.event.kind) }
            return (final, kinds)
        }
        let (final, kinds) = await task.value
        #expect(final.state == .running)
        #expect(kinds == [.sessionStart, .phaseStart])
    }

    @Test func inboxKeepsCommandsInOrderAndClosesCleanly() async {
        let inbox = CommandInbox()
        inbox.send(.pause)
        inbox.send(.resume)
        #expect(await inbox.next() == .pause)
        #expect(inbox.drain() == [.resume])
        inbox.close()
        #expect(await inbox.next() == nil)
        inbox.send(.next)
        #expect(inbox.drain().isEmpty, "a closed inbox takes nothing")
    }

    @Test func aWaitingNextIsAnsweredBySend() async {
        let inbox = CommandInbox()
        async let received = inbox.next()
        // Whether next() or send() runs first, the command arrives.
        inbox.send(.togglePause)
        #expect(await received == .togglePause)
    }
}
