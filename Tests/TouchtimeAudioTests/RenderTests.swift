import Testing
import TouchtimeAudio
import TouchtimeCore
import TouchtimeTestSupport

@Suite struct RenderTests {
    @Test func everyChimeStartsWithinOneSampleOfItsPlannedOffset() async throws {
        let ritual = try #require(try BundledProtocols.load("trainee-drill"))
        let plan = ChimePlan(timeline: Timeline(ritual))
        let rendering = SessionRenderer(plan)
        #expect(rendering.cues.map(\.voice.kind) == [
            .transition, .transition, .stillness, .transition, .transition, .transition, .transition, .stillness, .transition, .finish,
        ])
        let templates = rendering.cues.map { ChimeSynthesizer.render($0.voice) }
        let samples = try await rendering.samples()
        let result = ChimeOnsets.find(templates, in: ChimeOnsets.floats(samples))
        #expect(result.allFound)
        #expect(result.residualPeak <= 2.0 / 32767)
        for (cue, onset) in zip(rendering.cues, result.onsets) {
            let planned = SessionRenderer.onsetSample(cue.planned)
            #expect(abs((onset ?? -1) - planned) <= 1, "\(cue.voice.kind) at \(cue.planned): sample \(onset ?? -1), planned \(planned)")
        }
        // The guide runs to the end of the last chime.
        #expect(samples.count == SessionRenderer.onsetSample(.seconds(63)) + templates.last!.count)
        #expect(rendering.sessionEnd == SessionRenderer.onsetSample(.seconds(63)))
        #expect(rendering.longestCount >= samples.count)
    }
}
