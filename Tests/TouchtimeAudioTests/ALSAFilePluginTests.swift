import Foundation
import Testing
import TouchtimeAudio
import TouchtimeCore
import TouchtimeTestSupport

/// The real libasound path, on a machine with no sound card: ALSA's `file` plugin on a `null`
/// slave writes every frame the player sends into a WAV, which is then taken apart.
@Suite(.serialized) struct ALSAFilePluginTests {
    /// A moment's identity; the player plays each once.
    private func moment(_ number: Int) -> ChimePlan.Cue.ID {
        ChimePlan.Cue.ID(mark: .start, segmentIndex: number, due: .zero)
    }

    private func capturePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-alsa-\(UUID().uuidString).wav").path
    }

    @Test func capturedStreamHoldsExactlyTheScheduledChimesInOrder() async throws {
        let path = capturePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let player = try ChimePlayer(device: "file:'\(path)',wav")
        #expect(await player.ready())
        let kinds: [ChimeKind] = [.transition, .stillness, .warning, .pace, .finish]
        let gaps: [Duration] = [.zero, .milliseconds(300), .milliseconds(450), .milliseconds(175), .milliseconds(612)]
        let templates = kinds.map { ChimeSynthesizer.render(ChimeVoice(kind: $0)) }
        // Far enough ahead that a test thread descheduled under a loaded machine (the whole suite
        // runs in parallel on two cores) still schedules every chime before it falls due.
        var at = ContinuousClock.now.advanced(by: .milliseconds(600))
        for index in kinds.indices {
            at = at.advanced(by: gaps[index])
            player.ensure(ChimePlayer.Scheduled(id: moment(index), samples: templates[index], at: at))
        }
        await player.ringOut()
        #expect(player.failure == nil)

        let audio = try WAVFile.read(path)
        #expect(audio.sampleRate == 48_000 && audio.channels == 1)
        let result = ChimeOnsets.find(templates, in: ChimeOnsets.floats(audio.samples))
        #expect(result.allFound)
        // Nothing else was written: the capture is these chimes and silence, to within rounding.
        #expect(result.residualPeak <= 2.0 / 32767)
        let onsets = result.onsets.compactMap { $0 }
        let measured = zip(onsets, onsets.dropFirst()).map { $1 - $0 }
        let planned = gaps.dropFirst().map { Int(($0.seconds * 48_000).rounded()) }
        for (got, want) in zip(measured, planned) {
            #expect(abs(got - want) <= 1, "gap \(got) samples, planned \(want)")
        }
    }

    /// Bells piled up at a rehearsal's speed: at most sixteen sound at once, the oldest fading out,
    /// so what is held (and mixed) stays bounded however many are struck.
    @Test func beyondSixteenSoundsTheOldestFadeOut() async throws {
        let path = capturePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let player = try ChimePlayer(device: "file:'\(path)',wav")
        #expect(await player.ready())
        // Eighteen flat sounds of 100 (one second each), 20 ms apart: all at once would sum to 1,800.
        let flat = [Int16](repeating: 100, count: 48_000)
        let start = ContinuousClock.now.advanced(by: .milliseconds(400))
        for index in 0..<18 {
            player.ensure(ChimePlayer.Scheduled(id: moment(index), samples: flat, at: start.advanced(by: .milliseconds(20 * index))))
        }
        await player.ringOut()
        let samples = try WAVFile.read(path).samples
        guard let first = samples.firstIndex(where: { $0 != 0 }) else {
            Issue.record("nothing was played")
            return
        }
        // Once all have started (340 ms) and any fade is over (60 ms), until the first still sounding ends.
        let held = samples[(first + 48 * 450)..<(first + 48 * 900)]
        #expect(held.allSatisfy { $0 == 1_600 }, "sixteen sound: \(Set(held).sorted())")
        // While a stolen one fades (60 ms) it still adds a little; all eighteen at full never sound.
        #expect((samples.max() ?? 0) < 1_800, "never all eighteen at once")
    }

    /// A predicted moment that happens is only marked (its sound is not fetched again), and a new
    /// prediction no longer takes it back; a moment nobody scheduled is not known.
    @Test func aPredictedMomentMarkedHappenedStillPlays() async throws {
        let path = capturePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let player = try ChimePlayer(device: "file:'\(path)',wav")
        #expect(await player.ready())
        let chime = ChimeSynthesizer.render(ChimeVoice(kind: .warning))
        player.replaceUpcoming(with: [ChimePlayer.Scheduled(id: moment(1), samples: chime, at: .now.advanced(by: .milliseconds(300)))])
        #expect(player.markHappened(moment(1)))
        #expect(!player.markHappened(moment(2)), "never scheduled")
        player.replaceUpcoming(with: [])  // the next prediction: it keeps what has happened
        await player.ringOut()
        let result = ChimeOnsets.find([chime], in: ChimeOnsets.floats(try WAVFile.read(path).samples))
        #expect(result.allFound && result.residualPeak <= 2.0 / 32767, "the marked warning played, once")
    }

    @Test func aMomentScheduledTwicePlaysOnce() async throws {
        let path = capturePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let player = try ChimePlayer(device: "file:'\(path)',wav")
        let chime = ChimeSynthesizer.render(ChimeVoice(kind: .warning))
        let at = ContinuousClock.now.advanced(by: .milliseconds(100))
        player.replaceUpcoming(with: [ChimePlayer.Scheduled(id: moment(1), samples: chime, at: at)])
        player.ensure(ChimePlayer.Scheduled(id: moment(1), samples: chime, at: at))
        await player.ringOut()
        let recording = ChimeOnsets.floats(try WAVFile.read(path).samples)
        let result = ChimeOnsets.find([chime], in: recording)
        #expect(result.allFound && result.residualPeak <= 2.0 / 32767, "one warning, and nothing more")
    }

    @Test func replacingTheScheduleCancelsFutureChimes() async throws {
        let path = capturePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let player = try ChimePlayer(device: "file:'\(path)',wav")
        let chime = ChimeSynthesizer.render(ChimeVoice(kind: .transition))
        player.replaceUpcoming(with: [ChimePlayer.Scheduled(id: moment(2), samples: chime, at: .now.advanced(by: .seconds(1)))])
        player.replaceUpcoming(with: [])  // the session was paused
        await player.ringOut()
        #expect(try WAVFile.read(path).samples.allSatisfy { $0 == 0 })
    }

    @Test func speechEndsByItsBoundaryAndNeverOverlapsSpeech() async throws {
        let path = capturePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let player = try ChimePlayer(device: "file:'\(path)',wav")
        #expect(await player.ready())
        // Two second-long "utterances" (a steady tone each, easy to measure): the first must be gone
        // by 0.5 s (its next boundary); the second starts at 0.3 s, and the first makes way for it.
        let tone = (0..<48_000).map { Int16((sin(2 * Double.pi * 500 * Double($0) / 48_000) * 0.25 * 32767).rounded()) }
        let other = (0..<48_000).map { Int16((sin(2 * Double.pi * 700 * Double($0) / 48_000) * 0.25 * 32767).rounded()) }
        let start = ContinuousClock.now.advanced(by: .milliseconds(200))
        player.ensure(.init(id: moment(1), samples: tone, at: start, isSpeech: true, endBy: start.advanced(by: .milliseconds(500))))
        player.ensure(.init(id: moment(2), samples: other, at: start.advanced(by: .milliseconds(300)), isSpeech: true))
        // A third, alone, longer than the time to its boundary: faded out by it, never after.
        player.ensure(.init(id: moment(3), samples: tone, at: start.advanced(by: .milliseconds(1500)), isSpeech: true,
                            endBy: start.advanced(by: .milliseconds(1800))))
        await player.ringOut()
        let recording = ChimeOnsets.floats(try WAVFile.read(path).samples)
        let first = try #require(recording.firstIndex { abs($0) > 0.01 })
        func peak(_ from: Double, _ to: Double) -> Float {
            recording[(first + Int(from * 48_000))..<min(recording.count, first + Int(to * 48_000))].map(abs).max() ?? 0
        }
        #expect(peak(0.0, 0.2) > 0.24, "the first sounds")
        // From 0.3 s only the second sounds: the first faded out as it began (within 60 ms).
        #expect(abs(peak(0.3, 0.8) - 0.25) < 0.01, "no overlap: never louder than one")
        #expect(peak(1.31, 1.49) < 0.001, "the first never comes back, the second has ended after its second")
        #expect(peak(1.5, 1.73) > 0.24, "the third sounds")
        #expect(peak(1.8, 2.6) < 0.001, "and is gone by its boundary")
    }

    @Test func mutedChimesAreNotPlayed() async throws {
        let path = capturePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let player = try ChimePlayer(device: "file:'\(path)',wav")
        player.isMuted = true
        player.ensure(ChimePlayer.Scheduled(id: moment(3), samples: ChimeSynthesizer.render(ChimeVoice(kind: .pace)),
                                            at: .now.advanced(by: .milliseconds(100))))
        await player.ringOut()
        #expect(try WAVFile.read(path).samples.allSatisfy { $0 == 0 })
    }

    /// Volume down mid-session: a later chime comes out at the new level's gain, the earlier one
    /// as rendered. (SessionAudio.changeVolume: 100 to 50 is a gain of (50/100)^2.)
    @Test func aVolumeChangeScalesWhatIsPlayedAfterIt() async throws {
        let path = capturePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let player = try ChimePlayer(device: "file:'\(path)',wav")
        #expect(await player.ready())
        let bell = ChimeSynthesizer.render(ChimeVoice(kind: .pace))
        let start = ContinuousClock.now.advanced(by: .milliseconds(200))
        player.ensure(ChimePlayer.Scheduled(id: moment(1), samples: bell, at: start))
        // The first bell has been written out (200 ms ahead plus the queue) before the change.
        try await Task.sleep(for: .milliseconds(1500))
        player.level = 0.25
        player.ensure(ChimePlayer.Scheduled(id: moment(2), samples: bell, at: ContinuousClock.now.advanced(by: .milliseconds(600))))
        await player.ringOut()
        let samples = try WAVFile.read(path).samples
        let loud = ChimeOnsets.floats(bell)
        let result = ChimeOnsets.find([loud, loud.map { $0 * 0.25 }], in: ChimeOnsets.floats(samples))
        #expect(result.allFound, "the first at full gain, the second at a quarter")
        let peaks = result.onsets.compactMap { $0 }.map { onset in
            samples[onset..<min(onset + bell.count, samples.count)].map { abs(Int($0)) }.max() ?? 0
        }
        #expect(peaks.count == 2)
        if peaks.count == 2 {
            #expect(abs(Double(peaks[1]) / Double(peaks[0]) - 0.25) < 0.01, "peaks \(peaks)")
        }
    }

    /// From a session started at volume 10, VOL 50 is a gain of (50/10)^2 = 25 on what was rendered:
    /// the player takes it whole (it was once capped at 16, which played like volume 40).
    @Test func aLargeVolumeStepIsTakenWhole() async throws {
        let path = capturePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let plan = ChimePlan(timeline: Timeline(try ProtocolLoader.decode(Array(#"""
            {"format":"touchtime/1","id":"v","title":"V","phases":[{"id":"a","title":"A","cue":"c","duration":5}]}
            """#.utf8), file: "v.json")), volume: 10)
        let sound = try await SessionAudio.open(plan: plan, device: "file:'\(path)',wav", onFailure: { _ in })
        #expect(sound.changeVolume(by: 4) == 50)
        #expect(sound.gain == 25)
        await sound.stop()
    }

    @Test func aMissingDeviceIsOneReadableError() {
        #expect {
            _ = try ChimePlayer(device: "touchtime_no_such_device")
        } throws: { error in
            guard let error = error as? ALSAError else { return false }
            return error.code < 0 && error.function == "snd_pcm_open" && !error.message.isEmpty
        }
    }
}
