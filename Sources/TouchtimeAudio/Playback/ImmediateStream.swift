#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import TouchtimeCore

/// Sounds that answer something just done (a press, a launch): a second stream beside the long,
/// pre-placed one, with a short buffer, started when a sound comes and stopped once it has rung
/// out. The session's stream is written a lead and a period ahead (60 to 410 ms) so that every
/// predicted chime lands on its frame; a sound nobody predicted would wait behind all of that.
/// Here it is the first thing the new stream plays: measured through a PulseAudio null sink and
/// pipewire-alsa, see the README ("Every route a laptop has").
///
/// Its own thread (real-time where the system allows it) sleeps on a semaphore while idle, with the
/// device closed, so an idle stream costs nothing; while a sound rings it writes 10 ms at a time.
final class ImmediateStream: Sendable {
    /// 10 ms at a time, at most 40 ms queued (an ordinary thread keeps 80 ms, to ride out a late
    /// wake-up): a sound arriving while another rings waits at most that long.
    static let periodFrames = 480
    static let realtimeBufferFrames = 1_920
    static let ordinaryBufferFrames = 3_840

    private struct State {
        var pending: [Sound] = []
        /// While speech in the session's stream sounds, what rings here is ducked (as the mixer ducks
        /// a bell under speech in one stream): from, until.
        var ducks: [(from: ContinuousClock.Instant, until: ContinuousClock.Instant)] = []
        var level: Float = 1
        var muted = false
        var stopping = false
        /// The device failed: sounds go back to the session's stream.
        var failed = false
        /// A sound has been handed to the device; whether it is idle (nothing pending or sounding).
        var started = false
        var idle = true
        var waiters: [Int: (condition: @Sendable (State) -> Bool, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextWaiter = 0

        /// Takes out the waiters whose condition now holds, to be resumed.
        mutating func released() -> [CheckedContinuation<Void, Never>] {
            let done = waiters.filter { $0.value.condition(self) }
            for key in done.keys { waiters.removeValue(forKey: key) }
            return done.values.map(\.continuation)
        }
    }

    struct Sound {
        var samples: [Int16]
        var at: ContinuousClock.Instant
        var isSpeech: Bool
        var keepsWhenMuted: Bool
    }

    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    /// The device's buffer: what is written now is heard about this much later.
    private let bufferFrames: Int
    private let finished = DispatchSemaphore(value: 0)

    /// Opens `device` a second time; nil when it cannot be (a card opened exclusively, a file):
    /// immediate sounds then go into the session's stream, as late as its queue makes them.
    init?(device: String, priority: Int32?) {
        let thread = AudioThread(realtimePriority: priority)
        let buffer = thread.isRealtime ? Self.realtimeBufferFrames : Self.ordinaryBufferFrames
        let open = { @Sendable () -> PCMDevice? in
            try? PCMDevice(name: device, sampleRate: ChimePlayer.sampleRate, periodFrames: Self.periodFrames, bufferFrames: buffer)
        }
        // Opened once to learn that it can be (twice, beside the session's stream), then closed:
        // an idle stream left open on PipeWire made its graph drop cycles (the session's chimes
        // moved by 5 to 20 ms, a server "fell behind"), so the device is opened when a sound comes.
        guard let probe = open() else {
            thread.run {}
            return nil
        }
        let realTime = probe.isRealTime
        probe.close()
        guard realTime else {
            thread.run {}
            return nil
        }
        bufferFrames = buffer
        thread.run { [self] in
            self.loop(open: open)
        }
    }

    /// Plays `samples` at `at` (at once when it has passed); false when the stream cannot (it failed
    /// or is stopping): the caller plays it another way. `keepsWhenMuted`: a command's confirmation.
    func play(_ samples: [Int16], at: ContinuousClock.Instant, isSpeech: Bool = false, keepsWhenMuted: Bool = false) -> Bool {
        let taken = state.withLock { state -> Bool in
            guard !state.failed, !state.stopping else { return false }
            state.pending.append(Sound(samples: samples, at: at, isSpeech: isSpeech, keepsWhenMuted: keepsWhenMuted))
            state.idle = false
            return true
        }
        if taken { wake.signal() }
        return taken
    }

    var level: Float {
        get { state.withLock { $0.level } }
        set { state.withLock { $0.level = newValue } }
    }

    var isMuted: Bool {
        get { state.withLock { $0.muted } }
        set { state.withLock { $0.muted = newValue } }
    }

    /// Speech sounds in the session's stream from `from` until `until`: what rings here is ducked
    /// meanwhile, held 200 ms after and eased back over 300 ms.
    func duck(from: ContinuousClock.Instant, until: ContinuousClock.Instant) {
        state.withLock { state in
            let now = ContinuousClock.now
            state.ducks.removeAll { $0.until.advanced(by: .milliseconds(550)) < now }
            state.ducks.append((from.advanced(by: .milliseconds(-30)), until))
        }
    }

    /// The duck on what is heard at `instant`: 1, `Mixer.duck` under speech, easing back after.
    private static func duckGain(at instant: ContinuousClock.Instant, _ ducks: [(from: ContinuousClock.Instant, until: ContinuousClock.Instant)]) -> Float {
        var gain: Float = 1
        for duck in ducks where instant >= duck.from {
            // As the mixer ducks: held 200 ms after the speech, then eased back over 300 ms.
            let after = duck.until.duration(to: instant).seconds - 0.2
            let here = after <= 0 ? Mixer.duck : after >= 0.3 ? 1 : Mixer.duck + (1 - Mixer.duck) * Float(after / 0.3)
            gain = min(gain, here)
        }
        return gain
    }

    /// Stops what sounds and closes the device (waiting at most a second for the thread).
    func stop() {
        state.withLock { $0.stopping = true }
        wake.signal()
        _ = finished.wait(timeout: .now() + .seconds(1))
        change { $0.failed = true }
    }

    /// Returns once a sound has been handed to the device (or it failed, or the task is cancelled).
    func untilStarted() async {
        await wait { $0.started || $0.failed }
    }

    /// A sound has been handed to the device.
    var hasStarted: Bool { state.withLock { $0.started } }

    /// Returns once everything has rung out (or it failed, or the task is cancelled).
    func untilIdle() async {
        await wait { $0.idle || $0.failed }
    }

    private func wait(until condition: @escaping @Sendable (State) -> Bool) async {
        let number = state.withLock { state -> Int in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if condition(state) || Task.isCancelled { return true }
                    state.waiters[number] = (condition, continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: number) }?.continuation.resume()
        }
    }

    /// Changes the state, then resumes the waiters the change released.
    private func change(_ body: (inout State) -> Void) {
        let resumed = state.withLock { state in
            body(&state)
            return state.released()
        }
        for waiter in resumed { waiter.resume() }
    }

    // MARK: The stream's thread

    /// Idle until a sound comes; then 10 ms at a time until everything has rung out; then drained
    /// and prepared for the next.
    private func loop(open: () -> PCMDevice?) {
        var device: PCMDevice?
        defer {
            device?.close()
            change { $0.failed = true }
            finished.signal()
        }
        var mixer = Mixer()
        var output = [Int16](repeating: 0, count: Self.periodFrames)
        var written = 0
        var wasMuted = false
        while true {
            wake.wait()
            written = 0
            mixer.silence()
            while true {
                let (all, level, muted, stopping, nextAt, ducks) = takeDue()
                if stopping { return }
                // Muted: only a confirmation starts, and what else sounds fades out.
                let due = all.filter { !muted || $0.keepsWhenMuted }
                if muted, !wasMuted { mixer.mute(now: written) }
                wasMuted = muted
                if let pcm = device, !due.isEmpty, let queued = pcm.delay() {
                    // Heard at once, not behind what is queued: the queue is thrown away and the
                    // sounds still ringing go on from the frame being heard.
                    pcm.drop()
                    pcm.prepare()
                    written -= min(max(queued, 0), written)
                }
                for sound in due {
                    mixer.add(Mixer.Voice(samples: sound.samples, startFrame: written, isSpeech: sound.isSpeech,
                                          keepsWhenMuted: sound.keepsWhenMuted), now: written)
                }
                if mixer.isSilent {
                    if let nextAt, device == nil {
                        // One still to come, and the device closed: sleep until it is due.
                        usleep(UInt32(max(0, ContinuousClock.now.duration(to: nextAt).seconds) * 1_000_000))
                        continue
                    }
                    if nextAt == nil {
                        // Everything has rung out: let what is queued play, and close the device
                        // until the next sound.
                        device?.drain()
                        device?.close()
                        device = nil
                        change { state in state.idle = state.pending.isEmpty }
                        break
                    }
                    // Running, with one still to come: silence meanwhile.
                }
                if device == nil {
                    // A new stream: it starts with the first write, at once.
                    guard let opened = open() else { return }
                    device = opened
                }
                guard let pcm = device else { return }
                // What is written now is heard about a buffer from now: ducked if speech sounds then.
                let heard = ContinuousClock.now.advanced(by: .seconds(Double(bufferFrames) / Double(ChimePlayer.sampleRate)))
                mixer.mix(from: written, into: &output, gain: level * Self.duckGain(at: heard, ducks))
                do throws(ALSAError) {
                    try output.withUnsafeBufferPointer { (buffer) throws(ALSAError) in try pcm.write(buffer) }
                } catch {
                    return
                }
                written += Self.periodFrames
                if !due.isEmpty { change { $0.started = true } }
            }
        }
    }

    /// The sounds due now, the controls, and when the next waiting one is due.
    private func takeDue() -> (due: [Sound], level: Float, muted: Bool, stopping: Bool, nextAt: ContinuousClock.Instant?,
                               ducks: [(from: ContinuousClock.Instant, until: ContinuousClock.Instant)]) {
        state.withLock { state in
            let now = ContinuousClock.now
            let due = state.pending.filter { $0.at <= now }
            state.pending.removeAll { $0.at <= now }
            return (due, state.level, state.muted, state.stopping, state.pending.map(\.at).min(), state.ducks)
        }
    }
}

/// Hands a device to the one thread that uses it from then on.
final class PCMBox: @unchecked Sendable {
    let device: PCMDevice
    init(_ device: PCMDevice) { self.device = device }
}
