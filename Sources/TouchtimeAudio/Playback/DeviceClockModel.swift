/// Keeps the mapping from frames written to the moment they are heard honest, from the delays a
/// device reports, without letting a noisy or biased report carry the chimes away.
///
/// The mapping is `heard(frame) = origin + frame x secondsPerFrame`. Each report gives an error
/// (when the device says the next frame is heard, minus when the mapping says):
/// - Before the stream is ready (no chime placed yet) each report is taken whole; it is ready
///   once three reports in a row agree with the mapping (within `agreement`): half a second, so
///   sound can start soon, and the mapping goes on to the median of its first ten reports while
///   the first chimes play.
/// - A lasting deviation is followed: five reports in a row that agree (within `agreement`) and
///   sit more than `step` from the recent level (a server that dropped cycles, a start-up latency
///   that moved), or three that agree more than `jump` away (a stall). One report off alone is
///   never taken.
/// - A slow drift is the device's clock running apart from the monotonic clock: every 4 s a
///   straight line is fitted through the last 8 s of errors and the mapping moved onto it,
///   within `plausibleDrift`. The player paces its writes by the mapping, so following the
///   device is also what keeps its queue from draining. Measured through a PulseAudio null sink
///   here: it consumed 200 to 420 ppm faster than the monotonic clock, wandering within that
///   range over tens of seconds.
/// - Where reports cannot be trusted (`trustsReports` false: the pulse plugin to pipewire-pulse,
///   whose reports scatter by tens of milliseconds in a sawtooth while the sound plays on time),
///   chimes are placed by counting frames: only a deviation that lasts 20 s and exceeds
///   `untrustedStep` is followed (by the median of those reports), so the queue never drains.
struct DeviceClockModel {
    let trustsReports: Bool
    static let jump = 0.020                 // s
    static let step = 0.004                 // s
    static let agreement = 0.002            // s
    static let untrustedStep = 0.030        // s
    /// Crystals are off by tens of ppm, cheap USB devices and sound servers by a few hundred; a
    /// rate further from nominal than this is taken for an artifact of the reports, not followed.
    static let plausibleDrift = 1_000e-6    // 1,000 ppm
    /// A fit every `fitEvery` reports (4 s of 160 ms periods) through the last `fitWindow` (8 s).
    static let fitEvery = 25
    static let fitWindow = 50
    private var sinceFit = 0
    /// The nominal seconds per frame, taken from the first report: what the drift is measured from.
    private var nominal: Double?

    /// Errors (s) against stream time (s), since the last fit or step.
    private var samples: [(time: Double, error: Double)] = []
    /// The last few errors, newest last: what a lasting deviation is recognised by.
    private var recent: [Double] = []
    /// The recent level of the error, which a deviation is measured from.
    private var level = 0.0
    private(set) var isReady = false
    /// Reports in a row that agreed with the mapping before it was ready.
    private var agreeing = 0
    /// Ready once this many reports in a row agree (half a second of 160 ms periods): a server
    /// that holds a new stream's first writes is seen holding it before the first chime.
    static let quickReadyReports = 3
    let readyReports: Int
    /// The first reports once ready, whose median the mapping is put on.
    private var settling: [Double] = []
    static let settleReports = 10
    /// The lasting deviations followed once ready (s, positive: the device fell behind).
    private(set) var followed = 0.0

    /// `readyReports`: how many reports in a row must agree before the mapping is ready (3 to
    /// start at once; 10, 1.6 s, when there is time, as in a lead-in: a server that stalls a new
    /// stream late, as PipeWire was once seen to 0.4 s in, is then seen before the first chime).
    init(trustsReports: Bool = true, readyReports: Int = DeviceClockModel.quickReadyReports) {
        self.trustsReports = trustsReports
        self.readyReports = readyReports
    }

    /// Takes one report; corrects the mapping when warranted. Returns true once the mapping is
    /// ready: the stream runs and its reports agree with the mapping.
    mutating func observe(error: Double, at time: Double, origin: inout ContinuousClock.Instant,
                          secondsPerFrame: inout Double) -> Bool {
        if nominal == nil { nominal = secondsPerFrame }
        if !trustsReports { return count(error: error, origin: &origin) }
        guard isReady else {
            if abs(error) <= Self.agreement {
                agreeing += 1
                isReady = agreeing >= readyReports
            } else {
                agreeing = 0
                origin = origin.advanced(by: .seconds(error))
            }
            return isReady
        }
        recent.append(error)
        if recent.count > 5 { recent.removeFirst() }
        if settling.count < Self.settleReports {
            // While the first chimes play: the mapping goes onto the median of the first reports,
            // not left on the one that made it ready (a stream's start-up latency moves by a few
            // ms: the first chimes of a session sounded 4.8 ms late until the first fit).
            settling.append(error)
            if settling.count == Self.settleReports {
                let median = settling.sorted()[settling.count / 2]
                if abs(median) <= Self.jump {
                    origin = origin.advanced(by: .seconds(median))
                    samples.removeAll()
                    recent.removeAll()
                    level = 0
                    sinceFit = 0
                    return true
                }
            }
        }
        if let deviation = lastingDeviation() {
            origin = origin.advanced(by: .seconds(deviation))
            // Once settled, a deviation is the device falling behind (or catching up), worth saying.
            if settling.count >= Self.settleReports { followed += deviation }
            samples.removeAll()
            recent.removeAll()
            level = 0
            sinceFit = 0
            return true
        }
        level += (error - level) * 0.02
        samples.append((time, error))
        if samples.count > Self.fitWindow { samples.removeFirst(samples.count - Self.fitWindow) }
        sinceFit += 1
        if sinceFit >= Self.fitEvery {
            sinceFit = 0
            fitDrift(origin: &origin, secondsPerFrame: &secondsPerFrame, at: time)
        }
        return true
    }

    /// The deviation to follow, when the last reports agree on one: three more than `jump` from
    /// the level, or five more than `step`.
    private func lastingDeviation() -> Double? {
        for (count, threshold) in [(3, Self.jump), (5, Self.step)] where recent.count >= count {
            let last = recent.suffix(count).sorted()
            guard let low = last.first, let high = last.last, high - low <= Self.agreement else { continue }
            let median = last[count / 2]
            if abs(median - level) > threshold { return median }
        }
        return nil
    }

    /// Onto the line fitted through the recent errors (error(t) = intercept + slope x t, with
    /// t = frame / rate), when its rate is plausible. The samples kept become errors against the
    /// new mapping.
    private mutating func fitDrift(origin: inout ContinuousClock.Instant, secondsPerFrame: inout Double, at time: Double) {
        let (intercept, slope) = Self.fit(samples)
        let nominal = nominal ?? secondsPerFrame
        guard abs(secondsPerFrame * (1 + slope) / nominal - 1) <= Self.plausibleDrift else { return }
        origin = origin.advanced(by: .seconds(intercept))
        secondsPerFrame *= 1 + slope
        level -= intercept + slope * time
        samples = samples.map { ($0.time, $0.error - (intercept + slope * $0.time)) }
        recent = recent.map { $0 - (intercept + slope * time) }
    }

    /// Counting frames: ready at the first report (the stream runs), which places frame 0. The reports' median over
    /// each 20 s is compared with their first 20 s (such reports carry a bias of their own: 25 ms
    /// through pipewire-pulse); a change of more than `untrustedStep` is followed.
    private mutating func count(error: Double, origin: inout ContinuousClock.Instant) -> Bool {
        guard isReady else {
            // Frame 0's moment from the first report (a guess before it): the frames are counted from there.
            origin = origin.advanced(by: .seconds(error))
            isReady = true
            return true
        }
        samples.append((0, error))
        guard samples.count >= 125 else { return true }
        let median = samples.map(\.error).sorted()[samples.count / 2]
        samples.removeAll()
        guard let baseline else {
            self.baseline = median
            return true
        }
        if abs(median - baseline) > Self.untrustedStep {
            origin = origin.advanced(by: .seconds(median - baseline))
            followed += median - baseline
        }
        return true
    }

    /// Counting frames: the reports' median over their first 20 s.
    private var baseline: Double?

    /// Least-squares line through the samples: error = intercept + slope x time.
    static func fit(_ samples: [(time: Double, error: Double)]) -> (intercept: Double, slope: Double) {
        let count = Double(samples.count)
        let meanTime = samples.reduce(0) { $0 + $1.time } / count
        let meanError = samples.reduce(0) { $0 + $1.error } / count
        var covariance = 0.0
        var variance = 0.0
        for sample in samples {
            covariance += (sample.time - meanTime) * (sample.error - meanError)
            variance += (sample.time - meanTime) * (sample.time - meanTime)
        }
        let slope = variance > 0 ? covariance / variance : 0
        return (meanError - slope * meanTime, slope)
    }
}
