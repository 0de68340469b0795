import TouchtimeAudio
import TouchtimeCore
import TouchtimeSession

/// A session's sound through ALSA: its chimes, and its prompts when it speaks (from the speech
/// helper), in one stream (`SessionAudio`).
final class PlayedSound: SessionSound {
    typealias Instant = ContinuousClock.Instant

    private let audio: SessionAudio
    private let prompts: PromptSupply?
    private let opened = ContinuousClock.now

    private init(audio: SessionAudio, prompts: PromptSupply?) {
        self.audio = audio
        self.prompts = prompts
    }

    var minimumLead: Duration { audio.minimumLead }

    func predict(_ model: some SessionModel, start: Instant) {
        audio.predict(model, start: start)
    }

    func sound(_ event: SessionEvent, start: Instant) -> (reports: [SessionReport], loud: Duration) {
        let sounded = audio.observe(event, start: start)
        var reports: [SessionReport] = []
        if let cue = sounded.chime { reports.append(SessionReport(chime: cue)) }
        if let utterance = sounded.utterance { reports.append(SessionReport(speech: utterance)) }
        for kind in sounded.confirmed {
            reports.append(SessionReport(kind: kind, segmentIndex: event.segmentIndex, phaseID: event.phaseID, stepIndex: event.stepIndex,
                                         round: event.round, planned: event.planned))
        }
        return (reports, reports.isEmpty ? .zero : audio.loudLength(of: sounded))
    }

    func confirm(_ confirmation: Confirmation) -> [SessionReport.Kind] {
        // Its moment, to tell one step from the next: the time since the sound was opened.
        audio.confirm(confirmation, due: opened.duration(to: .now)).reports
    }

    func setMuted(_ muted: Bool) {
        audio.isMuted = muted
    }

    func changeVolume(by steps: Int) -> Int {
        audio.changeVolume(by: steps)
    }

    func ringOut() async {
        await audio.ringOut()
        prompts?.stop()
    }

    func fadeOut() async {
        await audio.fadeOut()
        prompts?.stop()
    }

    func stop() async {
        await audio.stop()
        prompts?.stop()
    }

    /// Opens a session's sound: the speech helper first (the first prompts are asked for at once,
    /// the rest as the session moves), then the device; waits for the first prompts until the
    /// lead-in (which began as this was called) ends, a second past it at most. Gives up when
    /// `giveUp` opens (an ending signal). Without a device: the warning and the reason; the
    /// session goes on silently.
    static func open(plan: ChimePlan, speech: SpeechPlan?, confirmations: ConfirmationPlan?, device: String, startIndex: Int, leadIn: Duration,
                     giveUp: Latch, notices: SoundNotices) async -> SoundOpening<Instant> {
        let leadInEnds = ContinuousClock.now.advanced(by: leadIn)
        var prompts: PromptSupply?
        var first: [String] = []
        if let speech {
            let supply = PromptSupply(options: speech.options, volume: plan.volume, helper: PromptsCommand.executablePath, onProblem: notices.warn)
            first = SpeechPlan.Order(speech).upcoming(from: startIndex, count: 2)
            // The confirmations' words come after the session's next prompts (`SessionAudio.predict`).
            supply.want(first)
            prompts = supply
        }
        let audio: SessionAudio
        do throws(ALSAError) {
            audio = try await SessionAudio.open(
                plan: plan, speech: speech.flatMap { speech in prompts.map { (speech, $0) } }, confirmations: confirmations, device: device, leadIn: leadIn, giveUp: giveUp,
                onFailure: { error in notices.lost("sound lost on '\(device)': \(error); the session goes on without chimes", error.description) },
                onTrouble: { line in notices.trouble(line) },
                // A lead-in of 2 s or more leaves time to let the stream's timing settle first.
                settle: leadIn >= .seconds(2))
        } catch {
            prompts?.stop()
            let problem = SoundProblem(error, device: device, environment: Environment.variables)
            return .unavailable(warning: "\(problem.reason); the session goes on without chimes", reason: error.description)
        }
        if let fix = audio.route.fix {
            notices.trouble("\(audio.route.description), whose timing reports scatter by tens of ms: "
                            + "chimes are placed by counting frames and may be a few ms off; fix: \(fix)")
        }
        if let prompts, !first.isEmpty {
            let first = first
            let wait = ContinuousClock.now.duration(to: max(leadInEnds, .now).advanced(by: .seconds(1)))
            await withTaskGroup(of: Void.self) { group in
                group.addTask { _ = await prompts.ready(first, within: wait) }
                group.addTask { await giveUp.wait() }
                _ = await group.next()
                group.cancelAll()
            }
        }
        return .opened(PlayedSound(audio: audio, prompts: prompts))
    }
}
