import Synchronization
import TouchtimeCore

/// What the keys, a pedal and listening tell a session, from their own threads: each goes through
/// the key controller (what it means in this mode), then to the screen, the sound or the inbox.
extension SessionContext: SessionInputSink {
    func key(_ key: Key) {
        let now = elapsedNow
        let (outcomes, controls) = shared.withLock { shared in (shared.controller.handle(key, at: now), shared.controller) }
        for outcome in outcomes {
            act(outcome, controls)
            if let settleAt = outcome.settleAt { settle(after: settleAt - now) }
        }
    }

    func action(_ action: KeyAction) {
        let now = elapsedNow
        let (outcome, controls) = shared.withLock { shared in (shared.controller.handle(action: action, at: now), shared.controller) }
        act(outcome, controls)
    }

    /// A spoken command, taken once the session has begun: shown, then sent as a key's would be.
    func heard(phrase: String, score: Int, command: SessionCommand) {
        let now = clock.now
        guard let start = shared.withLock({ $0.start }), now >= start else { return }
        parts.screen.showHeard(phrase)
        inbox.send(.heard(phrase: phrase, score: score, command: command))
    }

    func warn(_ line: String) {
        warnings.post(line)
    }

    /// A second press of one key is held back a moment to tell it from a held key's repeat; it is
    /// settled when no repeat followed.
    private func settle(after delay: Duration) {
        Task { [self] in
            try? await clock.sleep(for: delay + .milliseconds(1))
            let now = elapsedNow
            let (outcomes, controls) = shared.withLock { shared in (shared.controller.settle(at: now), shared.controller) }
            for outcome in outcomes { act(outcome, controls) }
        }
    }

    /// What a key's outcome does: the screen shows it, a volume step changes the sound, a command
    /// goes to the session, a key on the summary closes it.
    private func act(_ outcome: KeyController.Outcome, _ controls: KeyController) {
        parts.screen.show(controls)
        if outcome.overlay == .confirmQuit, parts.log.writesPlainLines, !outcome.repeated, outcome.settleAt == nil {
            parts.log.note("press q (or y) again within 3 s to quit")
        }
        if outcome.close { summaryClosed.open() }
        if outcome.volumeStep != 0, let sound {
            let volume = sound.changeVolume(by: outcome.volumeStep)
            parts.screen.showVolume(volume)
            parts.log.note("volume \(volume)")
            // Heard at the new level; reported where the session is.
            let (latest, now) = (shared.withLock { $0.latest }, elapsedNow)
            for kind in sound.confirm(.volume) {
                parts.log.emit(StampedReport(report: SessionReport(kind, model: latest, at: now), elapsed: now))
            }
        }
        if let command = outcome.command {
            if command == .quit { shared.withLock { $0.quitAsked = true } }
            inbox.send(command)
        }
    }
}
