/// Keeps the mapping from frames written to the moment they are heard honest, from the delays a
/// device reports, without letting a noisy or biased report carry the chimes away.
///
/// The mapping is `heard(frame) = origin + frame x secondsPerFrame`. Each report gives an error
/// (when the device says the next frame is heard, minus when the mapping says):
/// - A sudden, sustained jump of over 20 ms from the recent level (a sound server holding a new stream's
///   first writes, a stall) is taken at once.
/// - A slow drift is the device's clock running apart from the monotonic clock: every 4 s a
///   straight line is fitted through the last 8 s of errors and the mapping moved onto it,
///   within `plausibleDrift`. The player paces its writes by the mapping, so following the
///   device is also what keeps its queue from draining. Measured through a PulseAudio null sink
///   here: it consumed 200 to 420 ppm faster than the monotonic clock, wandering within that
///   range over tens of seconds. Not followed (the model once took anything over 100 ppm for a
///   report artifact), its queue ran dry after about 290 s and the stream restarted 60 ms late;
///   fitted only every 32 s, the wander left the mapping a millisecond or more off between fits.
struct DeviceClockModel {
    static let jump = 0.020                 // s: report glitches of several ms were seen that the audio did not make
    /// Crystals are off by tens of ppm, cheap USB devices and sound servers by a few hundred; a
    /// rate further from nominal than this is taken for an artifact of the reports, not followed.
    static let plausibleDrift = 1_000e-6    // 1,000 ppm
    /// A fit every `fitEvery` reports (4 s of 160 ms periods) through the last `fitWindow` (8 s).
    static let fitEvery = 25
    static let fitWindow = 50
    private var sinceFit = 0
    /// The nominal seconds per frame, taken from the first report: what the drift is measured from.
    private var nominal: Double?

    /// Errors (s) against stream time (s), since the last fit or jump.
    private var samples: [(time: Double, error: Double)] = []
    /// The recent level of the error, which a jump is measured from.
    private var level = 0.0
    private var jumpCount = 0
    private var settledCount = 0
    /// The errors reported while settling.
    private var settling: [Double] = []
    /// Reports that agree (within `jump`) before the mapping is taken as settled: 1.6 s of periods.
    static let settleReports = 10

    /// Takes one report; corrects the mapping when warranted. Returns true once the mapping has
    /// settled: the stream runs and its reports agree with the mapping.
    mutating func observe(error: Double, at time: Double, origin: inout ContinuousClock.Instant,
                          secondsPerFrame: inout Double) -> Bool {
        if nominal == nil { nominal = secondsPerFrame }
        if abs(error - level) > Self.jump {
            jumpCount += 1
            if jumpCount >= 3 {
                origin = origin.advanced(by: .seconds(error))
                samples.removeAll()
                level = 0
                jumpCount = 0
                settledCount = 0
                settling.removeAll()
            }
            return settledCount >= Self.settleReports
        }
        jumpCount = 0
        settledCount += 1
        if settledCount <= Self.settleReports {
            // Settling (before the session starts): the mapping is put onto the median of these
            // reports, not left where one report at the jump put it (a stream's start-up latency
            // moves by a few ms: the first chimes of a session sounded 4.8 ms late until the first fit).
            settling.append(error)
            if settledCount == Self.settleReports {
                // The median: one report taken before the latency moved does not pull it.
                let median = settling.sorted()[settling.count / 2]
                origin = origin.advanced(by: .seconds(median))
                level = 0
                samples.removeAll()
                settling.removeAll()
                return true
            }
            return false
        }
        level += (error - level) * 0.02
        samples.append((time, error))
        if samples.count > Self.fitWindow { samples.removeFirst(samples.count - Self.fitWindow) }
        sinceFit += 1
        if sinceFit >= Self.fitEvery {
            sinceFit = 0
            let (intercept, slope) = Self.fit(samples)
            let nominal = nominal ?? secondsPerFrame
            if abs(secondsPerFrame * (1 + slope) / nominal - 1) <= Self.plausibleDrift {
                // Onto the fitted line: error(t) = intercept + slope x t, with t = frame / rate. The
                // samples kept for the next fits become errors against the new mapping.
                origin = origin.advanced(by: .seconds(intercept))
                secondsPerFrame *= 1 + slope
                level -= intercept + slope * time
                samples = samples.map { ($0.time, $0.error - (intercept + slope * $0.time)) }
            }
        }
        return true
    }

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
