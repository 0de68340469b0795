import Synchronization
public import TouchtimeCore
import TouchtimeSystem

/// A session's sound: its chimes, and its spoken prompts when it speaks. The chimes are rendered
/// before the session starts; the prompts come from a `PromptSource` that renders the next few
/// the session will need (a prompt not ready at its moment is not spoken). Each sound is handed
/// to the player ahead of its moment, so its sound (not the write call) starts on time, in the
/// one continuous stream.
///
/// The engine is a value, so the next boundary is predicted by advancing a copy to its next
/// deadline. The prediction is redone after every change (a boundary, a pause, a skip), and
/// events that were not predicted (a skip's new segment) are played as soon as they happen.
/// An utterance starts `SpeechPlan.gap` after its chime and is faded out before the next
/// boundary (which it never delays), and never overlaps another.
public final class SessionAudio: Sendable {
    public let plan: ChimePlan
    public let speech: SpeechPlan?
    private let player: ChimePlayer
    private let bank: ChimeBank
    private let prompts: (any PromptSource)?
    /// The session's utterances in the order planned: what to ask the prompts for next.
    private let order: SpeechPlan.Order?

    /// Opens the device (throws if it cannot be opened), renders the chimes the session starts
    /// with (all of them, unless it has very many: the rest are rendered a moment ahead of their
    /// boundary), and waits (3 s at most) for the stream's timing to settle: both on a thread of
    /// their own, never blocking the caller's task. A session without
    /// a lead-in does not wait: its first chime is played at once (through the immediate stream,
    /// where the device has one), and the stream's timing settles while it rings; with one, every
    /// chime is placed on its frame. `speech`, when given, is the plan of prompts and where their
    /// samples come from. The wait ends early once `giveUp` opens (the session is being ended).
    public static func open(
        plan: ChimePlan, speech: (plan: SpeechPlan, prompts: any PromptSource)? = nil, confirmations: ConfirmationPlan? = nil, device: String,
        latency: Duration = .milliseconds(60), leadIn: Duration = .seconds(3), giveUp: Latch? = nil,
        onFailure: @escaping @Sendable (ALSAError) -> Void,
        onTrouble: @escaping @Sendable (String) -> Void = { _ in }, settle: Bool = false
    ) async throws(ALSAError) -> SessionAudio {
        let opened = await DedicatedThread.result(named: "touchtime.sound.open") { () -> Result<SessionAudio, ALSAError> in
            // Open first: without a device there is nothing to render for. Then the first chime
            // heard, so a session that starts at once can: the rest are rendered while it rings.
            Result { () throws(ALSAError) in
                let player = try ChimePlayer(device: device, latency: latency, onFailure: onFailure, onTrouble: onTrouble, settle: settle)
                let audio = SessionAudio(player: player, atOnce: leadIn == .zero, plan: plan, speech: speech, confirmations: confirmations)
                audio.bank.prepare(plan, count: 1)
                return audio
            }
        }
        let audio = try opened.get()
        let bank = audio.bank
        // The confirmations first (short, and a press can come at once), then the rest of the bank:
        // nothing is rendered on the way from a press to its sound.
        let prepare = { @Sendable in
            if confirmations != nil { audio.prepareConfirmations() }
            bank.prepare(plan)
        }
        if !DedicatedThread.start(named: "touchtime.sound.render", prepare) { prepare() }
        guard leadIn > .zero else { return audio }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = await audio.player.ready() }
            if let giveUp { group.addTask { await giveUp.wait() } }
            _ = await group.next()
            group.cancelAll()
        }
        return audio
    }

    private init(player: ChimePlayer, atOnce: Bool, plan: ChimePlan, speech: (plan: SpeechPlan, prompts: any PromptSource)?,
                 confirmations: ConfirmationPlan?) {
        self.player = player
        self.confirmations = confirmations
        self.minimumLead = atOnce && player.playsAtOnce ? Self.atOnce : player.queuedAhead + .milliseconds(20)
        self.bank = ChimeBank()
        self.plan = plan
        self.currentVolume = Mutex(plan.volume)
        self.speech = speech?.plan
        self.prompts = speech?.prompts
        self.order = speech.map { SpeechPlan.Order($0.plan) }
    }

    /// How commands are confirmed (nil: they are not, as in practice).
    public let confirmations: ConfirmationPlan?
    /// Each confirmation's sound, rendered once (at the plan's volume: the level applies on top).
    private let confirmationSounds = Mutex<[Confirmation: [Int16]]>([:])

    /// How the device reaches the ears.
    public var route: SoundRoute { player.route }

    /// How far in the future a session must start for its first chime to sound on its first
    /// boundary: what the stream has queued ahead (a lead and a period), or, for a session without
    /// a lead-in where sounds due at once have a stream of their own, the moment it takes to hand
    /// one over (that chime then sounds as soon as the device starts it: within 5 to 12 ms here).
    public let minimumLead: Duration
    static let atOnce = Duration.milliseconds(20)

    public var isMuted: Bool {
        get { player.isMuted }
        set { player.isMuted = newValue }
    }

    /// The gain the volume puts on everything played (1 at the plan's volume).
    public var gain: Float { player.level }

    /// The volume now, 0 to 100 (the plan's until changed).
    public var volume: Int { currentVolume.withLock { $0 } }
    private let currentVolume: Mutex<Int>

    /// Turns the volume up (positive) or down by `steps` of 10 on the same audio taper as
    /// `--volume`, within 0 to 100, and returns it. Everything was rendered at the plan's volume,
    /// so the change is a gain on the mix, (new / planned)^2. A plan at volume 0 rendered
    /// silence: it stays silent.
    @discardableResult
    public func changeVolume(by steps: Int) -> Int {
        currentVolume.withLock { volume in
            guard plan.volume > 0 else { return volume }
            volume = min(max(volume + 10 * steps, 0), 100)
            let ratio = Float(volume) / Float(plan.volume)
            player.level = ratio * ratio
            return volume
        }
    }

    /// Schedules the chimes and the prompt of the next moment the session will reach (the start,
    /// for one not yet started), and bounds any prompt still to sound by the current segment's end.
    public func predict(_ engine: some SessionModel, start: ContinuousClock.Instant) {
        if engine.state == .running {
            player.endSpeech(by: start.advanced(by: engine.remaining(at: .zero)))
        }
        var copy = engine
        let events: [SessionEvent]
        if copy.state == .ready {
            events = copy.start(at: .zero)
        } else if let deadline = copy.nextDeadline {
            events = copy.advance(to: deadline)
        } else {
            events = []
        }
        let chimes = plan.cues(for: events).compactMap { scheduled($0, start: start) }
        let utterances = speech?.utterances(for: events) ?? []
        prompts?.want(utterances.map(\.text) + (order?.upcoming(from: engine.currentIndex) ?? []) + (confirmations?.texts ?? []))
        let said = utterances.compactMap { utterance in
            scheduled(utterance, start: start, endBy: copy.state == .running ? start.advanced(by: copy.remaining(at: .zero)) : nil)
        }
        player.replaceUpcoming(with: chimes + said)
    }


    /// What an event sounds, reported as `chime` and `speech` events: its chime and its prompt.
    public struct Sounded: Sendable {
        public var chime: ChimePlan.Cue?
        public var utterance: SpeechPlan.Utterance?
        /// A command's confirmation: its sound, its word, or both.
        public var confirmed: [SessionReport.Kind] = []
        /// How long the confirmation sounds.
        var confirmationLength: Duration = .zero
    }

    /// Called for each event as it happens: makes sure its chime and prompt play (at once, if
    /// they were not predicted) and returns what to report (the plans give a moment's sounds to
    /// one of its events only). Nothing is reported that cannot sound (muted, the device lost).
    public func observe(_ event: SessionEvent, start: ContinuousClock.Instant) -> Sounded {
        var sounded = Sounded()
        // A predicted moment is only marked: its sound was fetched (or rendered) ahead of time.
        if let cue = plan.cue(for: event) {
            if player.markHappened(cue.id) {
                sounded.chime = cue
            } else if let chime = scheduled(cue, start: start) {
                player.ensure(chime)
                sounded.chime = cue
            }
        }
        if let utterance = speech?.utterance(for: event) {
            if player.markHappened(utterance.id) {
                sounded.utterance = utterance
            } else if let item = scheduled(utterance, start: start, endBy: nil) {
                player.ensure(item)
                sounded.utterance = utterance
            }
        }
        guard player.failure == nil else { return Sounded() }
        if let (confirmation, amount) = ConfirmationPlan.confirmation(for: event) {
            (sounded.confirmed, sounded.confirmationLength) = confirm(confirmation, amount: amount, due: event.due,
                                                                     at: start.advanced(by: event.due))
        }
        guard !player.isMuted else { return Sounded(confirmed: sounded.confirmed, confirmationLength: sounded.confirmationLength) }
        return sounded
    }

    /// Confirms a command the moment it is taken (`at`, its event's session time `due`): its word
    /// when it is said and ready, else its sound; both when asked. Heard at once (the immediate
    /// stream), also while muted. Returns what to report and how long it sounds.
    public func confirm(_ confirmation: Confirmation, amount: Duration? = nil, due: Duration,
                        at instant: ContinuousClock.Instant = .now) -> (reports: [SessionReport.Kind], length: Duration) {
        guard let plan = confirmations, player.failure == nil else { return ([], .zero) }
        var reports: [SessionReport.Kind] = []
        var length = Duration.zero
        var playsSound = plan.playsSound(confirmation)
        var sound: [Int16] = []
        if playsSound {
            sound = confirmationSound(confirmation)
            length = Self.length(of: sound)
        }
        if let words = plan.spokenWords(for: confirmation, amount: amount) {
            if let samples = prompts?.samples(for: words), !samples.isEmpty {
                // After the sound, when both are asked for.
                let at = instant.advanced(by: playsSound ? length : .zero)
                player.ensure(ChimePlayer.Scheduled(id: .init(mark: .confirmationSpeech, segmentIndex: nil, due: due), samples: samples,
                                                    at: at, isSpeech: true, answersCommand: true))
                reports.append(.confirmationSpeech(confirmation, text: words))
                length += Self.length(of: samples)
            } else if !playsSound {
                // Not ready to be said (another amount, the helper gone): the sound says it.
                playsSound = true
                sound = confirmationSound(confirmation)
                length = Self.length(of: sound)
            }
        }
        if playsSound, !sound.isEmpty {
            player.ensure(ChimePlayer.Scheduled(id: .init(mark: .confirmation, segmentIndex: nil, due: due), samples: sound, at: instant,
                                                answersCommand: true))
            reports.insert(.confirmationChime(confirmation), at: 0)
        }
        return (reports, length)
    }

    /// Renders every confirmation's sound ahead (on the render thread), so none is rendered on a press.
    func prepareConfirmations() {
        for confirmation in Confirmation.allCases { _ = confirmationSound(confirmation) }
    }

    private func confirmationSound(_ confirmation: Confirmation) -> [Int16] {
        if let kept = confirmationSounds.withLock({ $0[confirmation] }) { return kept }
        let samples = ChimeSynthesizer.render(confirmation, volume: plan.volume)
        confirmationSounds.withLock { $0[confirmation] = samples }
        return samples
    }

    private static func length(of samples: [Int16]) -> Duration {
        .milliseconds(Int64(Double(samples.count) * 1000 / Double(ChimeSynthesizer.sampleRate)))
    }

    /// How long what an event sounds is loud, from its boundary: its chime's strike (a bell
    /// rings on for seconds, quietly: at most the first 3 s count) and its prompt, which starts
    /// `SpeechPlan.gap` after. A session that listens does not search its own sound meanwhile.
    public func loudLength(of sounded: Sounded) -> Duration {
        var length = sounded.confirmationLength
        if let cue = sounded.chime {
            // The chime was fetched to be played moments ago, so it is kept; it is never rendered
            // here, on the session's event path (a bell let go since counts as the longest).
            let loud = Duration.seconds(3)
            let seconds = bank.keptCount(for: cue.voice).map { Double($0) / Double(ChimeSynthesizer.sampleRate) }
            length = seconds.map { min(.milliseconds(Int64($0 * 1000)), loud) } ?? loud
        }
        if let utterance = sounded.utterance, let samples = prompts?.samples(for: utterance.text) {
            let seconds = Double(samples.count) / Double(ChimeSynthesizer.sampleRate)
            length = max(length, SpeechPlan.gap + .milliseconds(Int64(seconds * 1000)))
        }
        return length
    }

    /// Lets the last sounds (the finish, "session complete") ring out, then closes the device;
    /// a cancelled task stops it at once. Returns at once if the sound has stopped.
    public func ringOut() async {
        await player.ringOut()
    }

    /// Stops at once (a signal ended the session).
    public func stop() async {
        await player.stop()
    }

    /// Fades out what still rings, then stops (the summary was closed before the bell rang out).
    public func fadeOut() async {
        await player.fadeOutAndStop()
    }

    /// Why the device stopped playing, if it did.
    public var failure: ALSAError? { player.failure }

    private func scheduled(_ cue: ChimePlan.Cue, start: ContinuousClock.Instant) -> ChimePlayer.Scheduled? {
        ChimePlayer.Scheduled(id: cue.id, samples: bank.samples(for: cue.voice), at: start.advanced(by: cue.due))
    }

    private func scheduled(_ utterance: SpeechPlan.Utterance, start: ContinuousClock.Instant,
                           endBy: ContinuousClock.Instant?) -> ChimePlayer.Scheduled? {
        guard let samples = prompts?.samples(for: utterance.text), !samples.isEmpty else { return nil }
        return ChimePlayer.Scheduled(id: utterance.id, samples: samples, at: start.advanced(by: utterance.id.due + SpeechPlan.gap),
                                     isSpeech: true, endBy: endBy)
    }
}
