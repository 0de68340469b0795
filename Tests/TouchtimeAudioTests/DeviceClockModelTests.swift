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
    ) -> (error: Double, secondsPerFrame: Double, settled: Bool) {
        var model = DeviceClockModel()
        let epoch = ContinuousClock.Instant.now
        var origin = epoch
        var secondsPerFrame = 1.0 / 48_000
        var settled = false
        var frames = 0.0
        while frames / 48_000 < seconds {
            let t = frames / 48_000
            let predicted = epoch.duration(to: origin).seconds + frames * secondsPerFrame
            let reported = heard(frames) + bias(t)
            settled = model.observe(error: reported - predicted, at: t, origin: &origin, secondsPerFrame: &secondsPerFrame)
            frames += Double(ChimePlayer.periodFrames)
        }
        let predicted = epoch.duration(to: origin).seconds + frames * secondsPerFrame
        return (heard(frames) - predicted, secondsPerFrame, settled)
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

    @Test func anImplausibleDriftInTheReportsIsIgnored() {
        // The card keeps time, but the reports wander by 370 ppm: the mapping must not follow,
        // and the slow wander must never be mistaken for a jump.
        let result = simulate(seconds: 60, heard: { $0 / 48_000 }, bias: { t in 370e-6 * t })
        // Settling takes the reports' level over its first 1.6 s (0.3 ms of the wander); followed,
        // the mapping would be 22 ms off by the end.
        #expect(abs(result.error) < 0.0005)
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
