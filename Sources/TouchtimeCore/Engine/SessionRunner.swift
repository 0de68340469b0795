/// Drives a session (any `SessionModel`: a guided session, a practice, the stroke drill) in real
/// time: sleeps to each absolute deadline on an injected clock, applies commands from a
/// `CommandInbox`, and hands every event to `onEvent` the moment it happens.
///
/// Production passes `ContinuousClock()`; tests pass a `ManualClock` and never sleep.
/// The runner is deliberately thin: all decisions live in the model.
public struct SessionRunner<C: Clock>: Sendable where C.Duration == Duration {
    public let clock: C

    public init(clock: C) {
        self.clock = clock
    }

    private enum Wake: Sendable {
        case deadline
        case command(SessionCommand)
        case interrupted
    }

    /// Runs the session to its end (or until the task is cancelled) and returns the final model.
    ///
    /// The session starts at `start` (now, if nil): waiting for it is the lead-in, during which
    /// commands go to the model not yet started (which takes an ending and mute). `onEvent` is called on the runner's task, synchronously, so output
    /// is written before the next sleep; `onUpdate` after each change, with the start instant, so
    /// the audio layer can schedule the next boundary's chime ahead of time. A heard command
    /// (`SessionCommand.heard`) is reported (`onReport`, `heard`) and then given to the model, once
    /// the session has begun; before, it is dropped.
    public func run<Model: SessionModel>(
        _ engine: Model,
        startingAt start: C.Instant? = nil,
        inbox: CommandInbox? = nil,
        onEvent: (StampedEvent) -> Void,
        onReport: (StampedReport) -> Void = { _ in },
        onUpdate: (Model, C.Instant) -> Void = { _, _ in }
    ) async -> Model {
        var engine = engine
        let start = start ?? clock.now
        func elapsed() -> Duration { start.duration(to: clock.now) }
        func emit(_ events: [SessionEvent]) {
            for event in events { onEvent(StampedEvent(event: event, elapsed: elapsed())) }
        }
        func apply(_ command: SessionCommand, at now: Duration) {
            guard case .heard(let phrase, let score, let then) = command else {
                emit(engine.handle(command, at: now))
                return
            }
            guard engine.state == .running || engine.isPaused else { return }
            onReport(StampedReport(report: SessionReport(.heard(phrase: phrase, score: score), model: engine, at: now), elapsed: elapsed()))
            apply(then, at: now)
        }
        while clock.now < start, !Task.isCancelled {
            // The lead-in: a model not yet started takes only what makes sense before the start
            // (an ending, mute); the rest does nothing.
            let wakes = await wait(until: start, inbox: inbox)
            for case .command(let command) in wakes {
                apply(command, at: elapsed())
                onUpdate(engine, start)
            }
            if engine.isFinished { return engine }
        }
        emit(engine.start(at: .zero))
        onUpdate(engine, start)
        while !engine.isFinished, !Task.isCancelled {
            var commands = inbox?.drain() ?? []
            if commands.isEmpty {
                let wakes = await wait(until: engine.nextDeadline.map { start.advanced(by: $0) }, inbox: inbox)
                for case .command(let command) in wakes { commands.append(command) }
                if commands.isEmpty, Task.isCancelled { break }
            }
            let now = elapsed()
            // Boundaries that fell due come first, then the commands, in the order they were sent.
            emit(engine.advance(to: now))
            for command in commands {
                apply(command, at: now)
            }
            onUpdate(engine, start)
        }
        return engine
    }

    /// Sleeps until the deadline (if any) or until a command arrives, whichever is first.
    /// Returns every wake that happened, so a command racing the deadline is never lost.
    private func wait(until deadline: C.Instant?, inbox: CommandInbox?) async -> [Wake] {
        guard let inbox else {
            guard let deadline else { return [.interrupted] }
            return [await sleep(until: deadline)]
        }
        return await withTaskGroup(of: Wake.self) { group in
            if let deadline {
                group.addTask { await sleep(until: deadline) }
            }
            group.addTask {
                if let command = await inbox.next() { return .command(command) }
                return .interrupted
            }
            var wakes: [Wake] = []
            if let first = await group.next() { wakes.append(first) }
            group.cancelAll()
            for await other in group { wakes.append(other) }
            return wakes
        }
    }

    private func sleep(until deadline: C.Instant) async -> Wake {
        do {
            try await clock.sleep(until: deadline, tolerance: nil)
            return .deadline
        } catch {
            return .interrupted
        }
    }
}
