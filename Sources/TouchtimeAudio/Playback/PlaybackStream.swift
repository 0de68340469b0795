import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// What the playback thread owns: the device, the frames written so far and when each is heard
/// (the mapping the device's reports keep honest), and the mixer. One period at a time: measure,
/// start what is due, mix and write, pace.
struct PlaybackStream {
    let pcm: PCMDevice
    let lead: Duration
    private let clock = ContinuousClock()
    private let rate = Double(ChimePlayer.sampleRate)
    private let period = ChimePlayer.periodFrames
    private let isRealTime: Bool
    private var output: [Int16]
    private var mixer = Mixer()
    private(set) var framesWritten = 0
    /// When frame 0 is heard; refined from the device's reported delay when it gives one.
    private var origin: ContinuousClock.Instant
    private var secondsPerFrame: Double
    private var clockModel: DeviceClockModel
    private var unreportedPeriods = 0
    /// The device's last reported delay (what is queued ahead of the next frame written).
    private var lastDelay: Duration?

    /// `trustsReports`: whether the device's delay reports may move the mapping to the
    /// millisecond (see `DeviceClockModel`).
    init(pcm: PCMDevice, lead: Duration, trustsReports: Bool = true, readyReports: Int = DeviceClockModel.quickReadyReports) {
        self.pcm = pcm
        self.lead = lead
        clockModel = DeviceClockModel(trustsReports: trustsReports, readyReports: readyReports)
        isRealTime = pcm.isRealTime
        output = [Int16](repeating: 0, count: ChimePlayer.periodFrames)
        origin = ContinuousClock.now.advanced(by: lead)
        secondsPerFrame = 1 / Double(ChimePlayer.sampleRate)
    }

    /// What a period's measurement says about the stream's timing.
    enum Timing {
        /// The device reports the next frame heard `delay` from now; the mapping has settled or not.
        /// `error`: how far the report was from the mapping before it was taken (s).
        case reported(delay: Duration, error: Double, settled: Bool)
        /// A device that is not real-time (ALSA's file plugin) reports no delay: once it has
        /// taken two periods, frame counting is all there is, and it is ready.
        case counted
    }

    /// Measures the device's delay and corrects the mapping by it; nil when there is nothing to
    /// say (a real-time device reports none while it prebuffers: it is ready only once its
    /// reports have settled).
    mutating func measure() -> Timing? {
        let now = clock.now
        if isRealTime, let delay = pcm.delay(), delay > 0 {
            let measured = now.advanced(by: .seconds(Double(delay) / rate))
            lastDelay = .seconds(Double(delay) / rate)
            let error = nextFrameTime.duration(to: measured).seconds
            let settled = clockModel.observe(error: error, at: Double(framesWritten) / rate,
                                             origin: &origin, secondsPerFrame: &secondsPerFrame)
            return .reported(delay: .seconds(Double(delay) / rate), error: error, settled: settled)
        }
        guard !isRealTime else { return nil }
        unreportedPeriods += 1
        return unreportedPeriods >= 2 ? .counted : nil
    }

    /// When the next frame written is heard.
    var nextFrameTime: ContinuousClock.Instant {
        origin.advanced(by: .seconds(Double(framesWritten) * secondsPerFrame))
    }

    /// When the period written next ends: what starts before it is due now.
    var periodEnd: ContinuousClock.Instant {
        nextFrameTime.advanced(by: .seconds(Double(period) / rate))
    }

    /// Nothing sounds.
    var isSilent: Bool { mixer.isSilent }

    /// Chimes can be placed: the device's reports have placed the mapping (or it reports none
    /// and frames are counted).
    var isReady: Bool { !isRealTime || clockModel.isReady }

    /// Times the device ran dry so far.
    var underruns: Int { pcm.underruns }

    /// How far the device fell behind the mapping in lasting steps (s): cycles a sound server
    /// dropped, followed.
    var followed: Double { clockModel.followed }

    /// The frame heard at `instant`.
    private func frame(at instant: ContinuousClock.Instant) -> Int {
        framesWritten + Int((nextFrameTime.duration(to: instant).seconds * rate).rounded())
    }

    /// Speech that started before `instant` fades out by it.
    mutating func endSpeech(by instant: ContinuousClock.Instant) {
        mixer.endSpeech(by: frame(at: instant))
    }

    /// Hands the due sounds to the mixer, each on the frame heard at its moment (one already
    /// late starts now).
    mutating func start(_ due: [ChimePlayer.Scheduled]) {
        for sound in due.sorted(by: { $0.at < $1.at }) {
            mixer.add(Mixer.Voice(samples: sound.samples, startFrame: max(framesWritten, frame(at: sound.at)), isSpeech: sound.isSpeech,
                                  endFrame: sound.endBy.map(frame(at:)), keepsWhenMuted: sound.answersCommand), now: framesWritten)
        }
    }

    /// Mixes a period at `gain` (ramped to, so nothing clicks) and writes it; muted, what sounded
    /// fades out in it (all but a command's confirmation).
    mutating func writePeriod(gain: Float, muted: Bool) throws(ALSAError) {
        if muted { mixer.mute(now: framesWritten) }
        mixer.mix(from: framesWritten, into: &output, gain: gain)
        try output.withUnsafeBufferPointer { (buffer) throws(ALSAError) in try pcm.write(buffer) }
        framesWritten += period
    }

    /// Stays about `lead` ahead of real time: a device that never blocks (ALSA's file plugin on
    /// `null`) must not be written faster than the session runs. (A sleep to a deadline on the
    /// playback thread's own, not a poll.)
    func pace() {
        // Until a real-time device's reports have placed the mapping, its blocking writes pace
        // the stream: sleeping on a mapping still guessed could let a freshly started stream run
        // dry (pipewire-alsa reported an underrun at every start as an ordinary thread).
        guard !isRealTime || clockModel.isReady else {
            // Only no further ahead than the lead by what the device last reported: a queue
            // filled deeper would hold the first chime back by the excess.
            // (The delay was measured before this period was written: the queue is a period deeper.)
            let queued = (lastDelay ?? .zero) + .seconds(Double(period) / rate)
            if lastDelay != nil, queued > lead { usleep(UInt32((queued - lead).seconds * 1_000_000)) }
            return
        }
        let writeAheadLimit = clock.now.advanced(by: lead)
        let nextStart = nextFrameTime
        if nextStart > writeAheadLimit {
            usleep(UInt32(writeAheadLimit.duration(to: nextStart).seconds * 1_000_000))
        }
    }

    /// Lets what was written play out (or not), and closes the device.
    func close(draining: Bool) {
        if draining { pcm.drain() }
        pcm.close()
    }
}
