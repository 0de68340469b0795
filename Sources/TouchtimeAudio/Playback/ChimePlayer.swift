import Dispatch

#if canImport(Glibc)
import Glibc
#endif
import Synchronization
public import TouchtimeCore

/// Plays chimes through ALSA on one thread that owns the PCM for the whole session.
///
/// The thread writes a continuous stream (silence between chimes) about `latency` ahead of
/// real time. Each chime is placed at the exact frame that will be heard at its deadline:
/// the frame-to-time mapping comes from counting frames, corrected slowly toward what the
/// device reports (`snd_pcm_delay`), so a sound card whose clock drifts from the monotonic
/// clock cannot carry the chimes off their boundaries. Overlapping chimes are mixed, never
/// queued. Callers never block: `schedule` only takes a lock to hand chimes over.
public final class ChimePlayer: Sendable {
    /// A chime waiting for its moment. `id` identifies the moment it marks: the player is the
    /// one place where a moment scheduled twice (predicted, then observed) is played once.
    public struct Scheduled: Sendable {
        public var id: ChimePlan.Cue.ID
        public var samples: [Int16]
        public var at: ContinuousClock.Instant
        /// Speech: it never overlaps another utterance (starting, it fades out any still
        /// sounding), and it is faded out by `endBy` (the next boundary), which it never delays.
        public var isSpeech: Bool
        public var endBy: ContinuousClock.Instant?
        /// A command's confirmation: heard at once (through the immediate stream, a word too), and
        /// never muted (the "muted" that says so).
        public var answersCommand: Bool
        /// Its moment has happened (`ensure`): no new prediction takes it back, even while it
        /// still waits (speech waits `SpeechPlan.gap` after its boundary).
        var happened = false

        public init(id: ChimePlan.Cue.ID, samples: [Int16], at: ContinuousClock.Instant, isSpeech: Bool = false,
                    endBy: ContinuousClock.Instant? = nil, answersCommand: Bool = false) {
            self.answersCommand = answersCommand
            self.id = id
            self.samples = samples
            self.at = at
            self.isSpeech = isSpeech
            self.endBy = endBy
        }
    }


    private struct Shared {
        var pending: [Scheduled] = []
        /// Moments already handed to the mixer, newest last (bounded).
        var started: [ChimePlan.Cue.ID] = []
        var muted = false
        /// The volume's gain on everything mixed (1: as rendered).
        var level: Float = 1
        var stopping = false
        var drainWhenIdle = false
        var failure: ALSAError?
        var finished = false
        /// The stream runs and its frame-to-time mapping has settled.
        var ready = false
        /// The device's latest reported delay (`snd_pcm_delay`), when it reports one.
        var reportedDelay: Duration?
        /// The last reports once ready (at most 32): the delay, and how far each was from the
        /// mapping (s) before it was taken.
        var reports: [(delay: Duration, error: Double)] = []
        /// The earliest a sound handed over now can be placed on its frame in the stream: when the
        /// first frame not yet written is heard. A chime due sooner goes to the immediate stream.
        var placeableFrom: ContinuousClock.Instant
        /// Chimes taken for the immediate stream, to be handed to it once the lock is let go.
        var handOff: [Scheduled] = []
        var hasImmediate = false
        /// Speech that started before this instant is faded out by it (the current segment's end).
        var speechEndBy: ContinuousClock.Instant?
        /// Tasks waiting for the stream to be ready (or to end), and for it to end, by number.
        var readyWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var endWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0

        /// What the playback thread does next period.
        struct Turn {
            /// Due before the period ends: handed to the mixer.
            var starting: [Scheduled]
            var muted: Bool
            var level: Float
            var stop: Bool
            /// Asked to drain and nothing is left to play.
            var drain: Bool
            var speechEndBy: ContinuousClock.Instant?
        }

        /// Takes what is due before `periodEnd` (remembered as started) and the controls.
        mutating func takeTurn(before periodEnd: ContinuousClock.Instant, streamSilent: Bool) -> Turn {
            placeableFrom = periodEnd
            // Speech a little early: what it ducks eases down over the 30 ms before it starts.
            let speechEnd = periodEnd.advanced(by: Mixer.duckLead)
            let due = pending.filter { $0.at < ($0.isSpeech ? speechEnd : periodEnd) }
            pending.removeAll { $0.at < ($0.isSpeech ? speechEnd : periodEnd) }
            started += due.map(\.id)
            if started.count > 256 { started.removeFirst(started.count - 256) }
            defer { speechEndBy = nil }
            return Turn(starting: due, muted: muted, level: level, stop: stopping,
                        drain: drainWhenIdle && streamSilent && due.isEmpty && pending.isEmpty, speechEndBy: speechEndBy)
        }

        /// Takes a period's timing: the delay reported, and readiness once the mapping has settled.
        mutating func observe(_ timing: PlaybackStream.Timing) {
            switch timing {
            case .reported(let delay, let error, let settled):
                reportedDelay = delay
                if ready {
                    reports.append((delay, error))
                    if reports.count > 32 { reports.removeFirst() }
                }
                if settled { ready = true }
            case .counted:
                ready = true
            }
        }

        /// The one place a moment's chime is de-duplicated: scheduled unless already known. A chime
        /// due before the stream can place it (a press's, one that starts a session at once) goes
        /// to the immediate stream, where it is the first thing heard.
        mutating func schedule(_ chime: Scheduled) {
            guard !started.contains(chime.id) else { return }
            if let index = pending.firstIndex(where: { $0.id == chime.id }) {
                pending[index].happened = pending[index].happened || chime.happened
                return
            }
            if hasImmediate, chime.answersCommand || (!chime.isSpeech && !muted), chime.at < placeableFrom {
                started.append(chime.id)
                handOff.append(chime)
                return
            }
            pending.append(chime)
        }
    }

    public static let sampleRate = ChimeSynthesizer.sampleRate
    /// The stream is written this much at a time: 160 ms, so the thread wakes 6.25 times a
    /// second (each wake-up costs as much again in a sound server: with 80 ms periods sound cost
    /// 0.40 % of a core, with 160 ms 0.19 % in steady state). A chime placed ahead (every boundary, warning,
    /// stroke and prompt is predicted) still starts on its frame; one that was not (a press, a
    /// skip) goes to the immediate stream (`ImmediateStream`), or, where the device cannot be
    /// opened twice, starts within `lead` plus a period.
    static let periodFrames = 7_680
    /// The lead kept when the playback thread cannot have real-time priority: under two busy cores
    /// an ordinary thread was seen waking up to 185 ms late, so this much is queued to ride it out.
    public static let ordinaryLead = Duration.milliseconds(250)
    /// The real-time priority asked for (SCHED_FIFO): low, like a sound server's clients get from rtkit.
    static let realtimePriority: Int32 = 5

    private let shared: Mutex<Shared>
    /// Where sounds nobody predicted are played at once (nil: into the stream, as late as its queue makes them).
    private let immediate: ImmediateStream?
    public let deviceName: String
    /// How the device reaches the ears (and which device was opened for it).
    public let route: SoundRoute
    /// What the device plays into: a sound server, a card, a file.
    public let deviceKind: PCMKind
    /// The playback thread runs at real-time priority (SCHED_FIFO): the system allowed it.
    public let isRealtime: Bool
    /// How far ahead of real time the stream is written: the lead asked for when the thread is
    /// real-time, else at least `ordinaryLead`.
    public let lead: Duration

    /// The most that can be queued ahead of now (the lead and a period): what a session must
    /// leave before its first chime placed on its frame, and how late an unplanned chime (a press)
    /// can sound without the immediate stream.
    public var queuedAhead: Duration {
        lead + .seconds(Double(Self.periodFrames) / Double(Self.sampleRate))
    }

    /// Opens the device and starts the playback thread, at real-time priority where the system
    /// allows it (RLIMIT_RTPRIO, or root); `TOUCHTIME_NO_REALTIME=1` declines it (to measure the
    /// fallback). Throws when the device cannot be opened.
    /// `onFailure` is called once, from the playback thread, if the device is lost later;
    /// `onTrouble` once, with a line saying what, if the sound ran dry or the device fell behind.
    /// On PipeWire, `default` is played through the `pipewire` PCM when it is the pulse plugin
    /// (see `SoundRoute`); a route whose delay reports cannot be trusted is played by counting
    /// frames, with the ordinary thread's longer lead. `settle`: the stream is ready only once
    /// 1.6 s of reports agree (when there is time for it), else after half a second.
    public init(
        device: String = "default", latency: Duration = .milliseconds(60),
        onFailure: @escaping @Sendable (ALSAError) -> Void = { _ in },
        onTrouble: @escaping @Sendable (String) -> Void = { _ in }, settle: Bool = false
    ) throws(ALSAError) {
        // The device's buffer holds what can be queued (either lead and a period) with room to spare.
        let most = max(latency, Self.ordinaryLead) + .milliseconds(150)
        let (pcm, opened) = try Self.open(SoundRoute.candidates(for: device), bufferFrames: Int(most.seconds * Double(Self.sampleRate)))
        let box = PCMBox(pcm)
        self.deviceName = device
        self.deviceKind = pcm.kind
        self.route = SoundRoute.of(asked: device, opened: opened, kind: pcm.kind)
        let declined = getenv("TOUCHTIME_NO_REALTIME").map { String(cString: $0) == "1" } ?? false
        // The playback loop owns a thread of its own for the whole session; its priority decides the lead.
        let thread = AudioThread(realtimePriority: declined ? nil : Self.realtimePriority)
        self.isRealtime = thread.isRealtime
        let trusted = route.reportsAreReliable
        self.lead = thread.isRealtime && trusted ? latency : max(latency, Self.ordinaryLead)
        let lead = self.lead
        // A second stream for sounds that answer a press, where the device can be opened twice.
        let immediate = ImmediateStream(device: opened, priority: declined ? nil : Self.realtimePriority)
        self.immediate = immediate
        var state = Shared(placeableFrom: ContinuousClock.now.advanced(by: lead + .seconds(2 * Double(Self.periodFrames) / Double(Self.sampleRate))))
        state.hasImmediate = immediate != nil
        self.shared = Mutex(state)
        let watch = TroubleWatch(device: opened, report: onTrouble)
        thread.run { [self] in
            let stream = PlaybackStream(pcm: box.device, lead: lead, trustsReports: trusted,
                                        readyReports: settle ? DeviceClockModel.settleReports : DeviceClockModel.quickReadyReports)
            self.playbackLoop(stream: stream, watch: watch, onFailure: onFailure)
        }
    }

    /// Opens the first of `names` that opens; the last one's error when none does.
    private static func open(_ names: [String], bufferFrames: Int) throws(ALSAError) -> (PCMDevice, String) {
        var failure = ALSAError(function: "snd_pcm_open", code: -ENOENT, message: "No such device")
        for name in names {
            do throws(ALSAError) {
                return (try PCMDevice(name: name, sampleRate: Self.sampleRate, periodFrames: Self.periodFrames, bufferFrames: bufferFrames), name)
            } catch {
                failure = error
            }
        }
        throw failure
    }

    /// Schedules chimes. Any pending chime still in the future is replaced (the session's plan
    /// changed), unless its moment has happened; moments already played are skipped.
    public func replaceUpcoming(with chimes: [Scheduled], now: ContinuousClock.Instant = .now) {
        scheduling { state in
            state.pending.removeAll { $0.at > now && !$0.happened }
            for chime in chimes { state.schedule(chime) }
        }
    }

    /// Schedules under the lock, then hands what is due at once to the immediate stream (back to
    /// the stream, should that have failed).
    private func scheduling(_ body: (inout Shared) -> Void) {
        let handOff = shared.withLock { state -> [Scheduled] in
            body(&state)
            defer { state.handOff.removeAll() }
            return state.handOff
        }
        guard !handOff.isEmpty else { return }
        let refused = handOff.filter { immediate?.play($0.samples, at: $0.at, isSpeech: $0.isSpeech, keepsWhenMuted: $0.answersCommand) != true }
        guard !refused.isEmpty else { return }
        shared.withLock { state in
            state.hasImmediate = false
            state.pending += refused
        }
    }

    /// Speech that starts before `instant` (sounding, or waiting to) is faded out by it: the end
    /// of the segment it speaks for, however that end moved.
    public func endSpeech(by instant: ContinuousClock.Instant) {
        shared.withLock { state in
            state.speechEndBy = instant
            for index in state.pending.indices where state.pending[index].isSpeech && state.pending[index].at < instant {
                state.pending[index].endBy = min(state.pending[index].endBy ?? instant, instant)
            }
        }
    }

    /// Marks a moment as happened when it is already scheduled or played; false when it is not
    /// known (its sound must then be handed over with `ensure`). Lets the session fetch a sound
    /// only for a moment nobody predicted, never on the way from an event to its report.
    public func markHappened(_ id: ChimePlan.Cue.ID) -> Bool {
        shared.withLock { state in
            if state.started.contains(id) { return true }
            guard let index = state.pending.firstIndex(where: { $0.id == id }) else { return false }
            state.pending[index].happened = true
            return true
        }
    }

    /// Schedules one chime whose moment has happened, unless it was already scheduled or played.
    public func ensure(_ chime: Scheduled) {
        var chime = chime
        chime.happened = true
        scheduling { $0.schedule(chime) }
    }

    /// Waits (at most `timeout`) until the stream is running and its timing has settled, so a
    /// chime scheduled next lands on time; false when it did not, or the stream failed. A sound
    /// server can hold a new stream's first writes for a second or more; this is where that wait
    /// belongs, before the session starts. Ends early when the task is cancelled. Nothing polls:
    /// the playback thread resumes the waiting task.
    public func ready(within timeout: Duration = .seconds(3)) async -> Bool {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.untilReady() }
            group.addTask { try? await Task.sleep(for: timeout) }
            _ = await group.next()
            group.cancelAll()
        }
        return shared.withLock { $0.ready && $0.failure == nil }
    }

    /// Waits (at most `timeout`) until a sound handed over for now is heard: the immediate stream
    /// has handed one to the device (or, without one, the stream is ready). False when not: the
    /// sound server holds the new stream, and the wait is worth saying.
    public func started(within timeout: Duration) async -> Bool {
        guard let immediate else { return await ready(within: timeout) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await immediate.untilStarted() }
            group.addTask { try? await Task.sleep(for: timeout) }
            _ = await group.next()
            group.cancelAll()
        }
        return immediate.hasStarted
    }

    /// A sound due now can be heard at once, not only after what the stream has queued (a lead
    /// and a period): the device opened a second time for it.
    public var playsAtOnce: Bool { immediate != nil }

    /// Returns once the stream is ready, has ended, or the task is cancelled.
    private func untilReady() async {
        await wait(forEnd: false)
    }

    /// Returns once the playback thread has closed the device, or the task is cancelled.
    private func untilEnded() async {
        await wait(forEnd: true)
    }

    /// Waits for `condition` on the shared state, parked among `waiters` until the playback thread
    /// resumes them, or the task is cancelled: whichever takes the waiter out (under the lock)
    /// resumes it, once.
    private func wait(forEnd: Bool) async {
        let number = shared.withLock { state -> Int in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = shared.withLock { state -> Bool in
                    let done = forEnd ? state.finished : state.ready || state.finished || state.failure != nil
                    if done || Task.isCancelled { return true }
                    if forEnd { state.endWaiters[number] = continuation } else { state.readyWaiters[number] = continuation }
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            shared.withLock { state in
                forEnd ? state.endWaiters.removeValue(forKey: number) : state.readyWaiters.removeValue(forKey: number)
            }?.resume()
        }
    }

    /// Takes out the waiters the state now releases, to be resumed (from the playback thread).
    private func release(_ state: inout Shared) -> [CheckedContinuation<Void, Never>] {
        var resumed: [CheckedContinuation<Void, Never>] = []
        if state.ready || state.finished || state.failure != nil {
            resumed += state.readyWaiters.values
            state.readyWaiters.removeAll()
        }
        if state.finished {
            resumed += state.endWaiters.values
            state.endWaiters.removeAll()
        }
        return resumed
    }

    /// Muted: no new chime starts, and sounding ones fade out over the next period written (160 ms).
    public var isMuted: Bool {
        get { shared.withLock { $0.muted } }
        set {
            shared.withLock { $0.muted = newValue }
            immediate?.isMuted = newValue
        }
    }

    /// A gain on everything played, from the next period written (a volume change mid-session);
    /// 1 plays every sound as rendered. Ramps over a period, so nothing clicks. Up to 10,000: a
    /// session started at volume 1 turned up to 100 ((100 / 1)^2); a cap below that made the
    /// badge say one volume while another played. (Mixing clamps each sample to 16 bits.)
    public var level: Float {
        get { shared.withLock { $0.level } }
        set {
            let level = newValue.isFinite ? max(0, min(newValue, 10_000)) : 1
            shared.withLock { $0.level = level }
            immediate?.level = level
        }
    }

    /// How long until a frame written now is heard, as the device last reported it (`snd_pcm_delay`,
    /// the stream's buffer and the server's or card's own); nil before the stream runs, and for a
    /// device that reports none (ALSA's file plugin).
    public var reportedDelay: Duration? { shared.withLock { $0.reportedDelay } }

    /// The failure that stopped playback, if any.
    public var failure: ALSAError? { shared.withLock { $0.failure } }

    /// Lets pending and sounding chimes ring out, then closes the device; a cancelled task stops it at once.
    public func ringOut() async {
        await immediate?.untilIdle()
        shared.withLock { $0.drainWhenIdle = true }
        await untilEnded()
        immediate?.stop()
        if Task.isCancelled { await stop() }
    }

    /// Stops at once and closes the device (waiting at most 2 s for the thread to close it).
    public func stop() async {
        immediate?.stop()
        shared.withLock { $0.stopping = true }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.untilEnded() }
            group.addTask { try? await Task.sleep(for: .seconds(2)) }
            _ = await group.next()
            group.cancelAll()
        }
    }

    /// Fades out whatever sounds (one period, no click), lets what is queued play, then closes
    /// the device: the user is done listening.
    public func fadeOutAndStop() async {
        immediate?.isMuted = true
        shared.withLock { state in
            state.muted = true
            state.pending.removeAll()
            state.drainWhenIdle = true
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.untilEnded() }
            group.addTask { try? await Task.sleep(for: .seconds(2)) }
            _ = await group.next()
            group.cancelAll()
        }
        await stop()
    }

    /// The reports since the stream became ready (the last 32): each delay, and how far each
    /// was from the frame-to-time mapping (s). Their spread says whether the route's reports can
    /// place a chime.
    public var recentReports: [(delay: Duration, error: Double)] { shared.withLock { $0.reports } }

    /// The first delay the device reports once its stream runs, waiting at most `timeout`; nil
    /// when none came (or the stream failed).
    public func firstReportedDelay(within timeout: Duration) async -> Duration? {
        _ = await ready(within: timeout)
        return shared.withLock { $0.failure == nil ? $0.reportedDelay : nil }
    }

    // MARK: The playback thread

    /// One period at a time until stopped, drained or failed: measure the device's timing, take
    /// what is due, start it, mix and write, pace.
    private func playbackLoop(stream: PlaybackStream, watch: TroubleWatch, onFailure: @Sendable (ALSAError) -> Void) {
        var stream = stream
        var watch = watch
        var draining = true
        while true {
            if let timing = stream.measure() { update { $0.observe(timing) } }
            let turn = shared.withLock { $0.takeTurn(before: stream.periodEnd, streamSilent: stream.isSilent) }
            if turn.stop { draining = false; break }
            if let speechEndBy = turn.speechEndBy { stream.endSpeech(by: speechEndBy) }
            if turn.drain { break }
            let starting = turn.muted ? turn.starting.filter(\.answersCommand) : turn.starting
            stream.start(starting)
            // What rings in the immediate stream (a skip's bell) is ducked under this stream's speech.
            for speech in starting where speech.isSpeech {
                let length = Duration.seconds(Double(speech.samples.count) / Double(Self.sampleRate))
                let until = speech.at.advanced(by: length)
                immediate?.duck(from: speech.at, until: speech.endBy.map { min($0, until) } ?? until)
            }
            do throws(ALSAError) {
                try stream.writePeriod(gain: turn.level, muted: turn.muted)
            } catch {
                update { $0.failure = error }
                onFailure(error)
                draining = false
                break
            }
            watch.check(stream)
            stream.pace()
        }
        stream.close(draining: draining)
        update { $0.finished = true }
    }

    /// Changes the shared state, then resumes the waiters the change released.
    private func update(_ change: (inout Shared) -> Void) {
        let resumed = shared.withLock { state -> [CheckedContinuation<Void, Never>] in
            change(&state)
            return release(&state)
        }
        for waiter in resumed { waiter.resume() }
    }
}

/// Says once (per kind) that the sound ran dry or the device fell behind: a gap heard, or chimes
/// that had to move with a sound server that dropped cycles. Lives on the playback thread.
struct TroubleWatch {
    let device: String
    let report: @Sendable (String) -> Void
    private var saidUnderrun = false
    private var saidBehind = false
    /// Falling behind by more than this in all is worth saying.
    static let behind = 0.020

    init(device: String, report: @escaping @Sendable (String) -> Void) {
        self.device = device
        self.report = report
    }

    /// Underruns before the stream was ready: a stream starting up, in silence (nothing is placed
    /// before it is ready), never heard as a gap.
    private var beforeReady: Int?

    mutating func check(_ stream: PlaybackStream) {
        guard stream.isReady else { return }
        if beforeReady == nil { beforeReady = stream.underruns }
        if !saidUnderrun, stream.underruns > beforeReady ?? 0 {
            saidUnderrun = true
            report("the sound on '\(device)' ran dry (a gap was heard): the system is too busy or the sound server stalled; the session goes on")
        }
        if !saidBehind, abs(stream.followed) > Self.behind {
            saidBehind = true
            let amount = Int((abs(stream.followed) * 1000).rounded())
            // Positive: frames are heard later than written for (the server held the stream);
            // negative: earlier (it dropped some of what was queued).
            report(stream.followed > 0
                   ? "the sound server behind '\(device)' fell \(amount) ms behind (it held the stream); the chimes follow it"
                   : "the sound server behind '\(device)' skipped \(amount) ms of what was queued (it dropped it); the chimes follow it")
        }
    }
}
