public import TouchtimeCore

/// A session's chimes: every voice rendered before the session starts, then each chime handed
/// to the player ahead of its boundary, so its sound (not the write call) starts on time.
///
/// The engine is a value, so the next boundary is predicted by advancing a copy to its next
/// deadline. The prediction is redone after every change (a boundary, a pause, a skip), and
/// events that were not predicted (a skip's new segment) are played as soon as they happen.
public final class SessionSound: Sendable {
    public let plan: ChimePlan
    private let player: ChimePlayer
    private let bank: [ChimeVoice: [Float]]

    /// Renders every voice the plan can use, then opens the device. Throws if it cannot be opened.
    /// Waiting for a sound server to start the stream (a second or more) stops early once
    /// `giveUp` says so (the session is being ended).
    public init(
        plan: ChimePlan, device: String, latency: Duration = .milliseconds(60), giveUp: @escaping () -> Bool = { false },
        onFailure: @escaping @Sendable (ALSAError) -> Void
    ) throws(ALSAError) {
        // Open first: without a device there is nothing to render for.
        self.player = try ChimePlayer(device: device, latency: latency, onFailure: onFailure)
        self.minimumLead = latency + .milliseconds(20)
        var bank: [ChimeVoice: [Float]] = [:]
        for voice in plan.voices { bank[voice] = ChimeSynthesizer.render(voice) }
        self.bank = bank
        self.plan = plan
        player.waitUntilReady(giveUp: giveUp)
    }

    /// How far ahead the stream is written: a session must start at least this far in the
    /// future for its first chime to land on its first boundary.
    public let minimumLead: Duration

    public var isMuted: Bool {
        get { player.isMuted }
        set { player.isMuted = newValue }
    }

    /// Schedules the chimes of the next moment the session will reach (the start, for one not yet started).
    public func predict(_ engine: some SessionModel, start: ContinuousClock.Instant) {
        var copy = engine
        let events: [SessionEvent]
        if copy.state == .ready {
            events = copy.start(at: .zero)
        } else if let deadline = copy.nextDeadline {
            events = copy.advance(to: deadline)
        } else {
            events = []
        }
        player.replaceUpcoming(with: plan.cues(for: events).compactMap { scheduled($0, start: start) })
    }

    /// Called for each event as it happens: makes sure its chime plays (at once, if it was not
    /// predicted) and returns the cue to report as a `chime` event (the plan gives a moment's
    /// cue to one of its events only). Nil when the event has no chime, or it cannot sound.
    public func observe(_ event: SessionEvent, start: ContinuousClock.Instant) -> ChimePlan.Cue? {
        guard let cue = plan.cue(for: event), let chime = scheduled(cue, start: start) else { return nil }
        player.ensure(chime)
        guard !player.isMuted, player.failure == nil else { return nil }
        return cue
    }

    /// Lets the last chimes (the finish) ring out, then closes the device.
    public func finish() {
        player.finish()
    }

    /// Stops at once (a signal ended the session).
    public func stop() {
        player.stop()
    }

    private func scheduled(_ cue: ChimePlan.Cue, start: ContinuousClock.Instant) -> ChimePlayer.Scheduled? {
        guard let samples = bank[cue.voice] else { return nil }
        return ChimePlayer.Scheduled(id: cue.id, samples: samples, at: start.advanced(by: cue.due))
    }
}
