import Glibc
import Testing
@testable import TouchtimeAudio
import TouchtimeCore

/// The frame-to-time mapping against a simulated device: no sound card, no sleeping.
@Suite struct DeviceClockModelTests {
    /// Runs `seconds` of the player's periods (160 ms). The device hears frame W at `heard(W)` (seconds); it
    /// reports that, plus `bias(t)` (a report artifact). Returns the final mapping error at the
    /// last frame (truth minus mapping) and the number of periods the model reported settled.
    private func simulate(
        seconds: Double, heard: (Double) -> Double, bias: (Double) -> Double = { _ in 0 }
    ) -> (error: Double, secondsPerFrame: Double, settled: Bool, worstAfter5s: Double) {
        var model = DeviceClockModel()
        let epoch = ContinuousClock.Instant.now
        var origin = epoch
        var secondsPerFrame = 1.0 / 48_000
        var settled = false
        var frames = 0.0
        var worst = 0.0
        while frames / 48_000 < seconds {
            let t = frames / 48_000
            let predicted = epoch.duration(to: origin).seconds + frames * secondsPerFrame
            if t > 5 { worst = max(worst, abs(heard(frames) - predicted)) }
            let reported = heard(frames) + bias(t)
            settled = model.observe(error: reported - predicted, at: t, origin: &origin, secondsPerFrame: &secondsPerFrame)
            frames += Double(ChimePlayer.periodFrames)
        }
        let predicted = epoch.duration(to: origin).seconds + frames * secondsPerFrame
        return (heard(frames) - predicted, secondsPerFrame, settled, worst)
    }

    @Test func aStalledStartIsTakenAtOnce() {
        // The server holds the stream 1.7 s before its first frame is heard.
        let result = simulate(seconds: 3, heard: { 1.7 + $0 / 48_000 })
        #expect(abs(result.error) < 1e-6)
        #expect(result.settled)
    }

    /// A sound server's stream start-up latency settles a few milliseconds from where it was when
    /// the stall was taken (4.8 ms through PulseAudio here): the mapping is on the settled level by
    /// the time the session may start, not 32 s later at the first fit.
    @Test func theMappingIsOnTheSettledLevelOnceSettled() {
        let result = simulate(seconds: 3, heard: { frames in 1.7 + (frames > 48_000 * 0.6 ? 0.0048 : 0) + frames / 48_000 })
        #expect(result.settled)
        #expect(abs(result.error) < 1e-4, "error \(result.error) s")
    }

    @Test func aSingleSpikeIsIgnored() {
        var spiked = false
        let result = simulate(seconds: 1, heard: { $0 / 48_000 }, bias: { t in
            if !spiked, t > 0.5 { spiked = true; return 0.05 }
            return 0
        })
        #expect(abs(result.error) < 1e-9)
    }

    @Test func aCardDriftingBy50ppmIsFollowed() {
        let result = simulate(seconds: 60, heard: { $0 / (48_000 * (1 + 50e-6)) })
        // Pure frame counting would be 3 ms off after 60 s; followed, well under a millisecond.
        #expect(abs(result.error) < 0.0003, "error \(result.error) s")
        #expect(abs(result.secondsPerFrame * 48_000 - 1 / (1 + 50e-6)) < 5e-6)
    }

    /// Measured: a PulseAudio null sink here consumed 221 ppm faster than the monotonic clock. Not
    /// followed (the model once took anything over 100 ppm for a report artifact), the mapping fell
    /// 66 ms behind in 5 minutes and, since writes are paced by it, the sink's queue ran dry and
    /// its stream restarted 60 ms late. Followed from the first fit (after 4 s of reports), it
    /// stays within 1.5 ms from 5 s on (221 ppm of 5.6 s before that fit), and within 0.1 ms at
    /// the end of 10 minutes.
    @Test func aDeviceRunning221ppmFastIsFollowedFromTheStart() {
        let result = simulate(seconds: 600, heard: { 1.7 + $0 / (48_000 * (1 + 221e-6)) })
        #expect(result.worstAfter5s < 0.0015, "worst \(result.worstAfter5s) s")
        #expect(abs(result.error) < 0.0001, "error \(result.error) s")
        #expect(abs(result.secondsPerFrame * 48_000 - 1 / (1 + 221e-6)) < 2e-6)
    }

    /// The same sink's rate wandered between 200 and 420 ppm fast over tens of seconds. Fitted
    /// every 4 s over the last 8 s, the mapping stays within 0.3 ms of it after the first 10 s
    /// (fitted every 32 s it was 1 ms off or more; over the last 16 s, 0.6 ms).
    @Test func aDeviceWhoseRateWandersIsFollowedClosely() {
        let period = 60.0
        @Sendable func heard(_ frames: Double) -> Double {
            let t = frames / 48_000
            // Fast by 310 +- 110 ppm, the excess varying over a minute: heard = t - integral of it.
            let wander: Double = 110e-6 * period / (2 * Double.pi) * (Glibc.cos(2 * Double.pi * t / period) - 1)
            return 1.7 + t - (310e-6 * t - wander)
        }
        var worstAfter10s = 0.0
        for seconds in stride(from: 10.0, through: 300, by: 7.3) {
            worstAfter10s = max(worstAfter10s, abs(simulate(seconds: seconds, heard: heard).error))
        }
        #expect(worstAfter10s < 0.0003, "worst \(worstAfter10s) s")
    }

    @Test func anImplausibleDriftInTheReportsIsIgnored() {
        // The card keeps time, but the reports wander by 2,000 ppm (no device is that far off):
        // the mapping must not follow, and the slow wander must never be mistaken for a jump.
        let result = simulate(seconds: 60, heard: { $0 / 48_000 }, bias: { t in 2_000e-6 * t })
        // Settling takes the reports' level over its first 1.6 s (3 ms of the wander); followed,
        // the mapping would be 120 ms off by the end.
        #expect(abs(result.error) < 0.004, "error \(result.error) s")
        #expect(result.secondsPerFrame == 1.0 / 48_000)
    }

    @Test func jitterAveragesOut() {
        var state: UInt64 = 42
        let result = simulate(seconds: 40, heard: { $0 / 48_000 }, bias: { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1
            return (Double(state >> 40) / Double(1 << 24) - 0.5) * 0.002   // +-1 ms of report jitter
        })
        #expect(abs(result.error) < 0.0002)
    }
}
