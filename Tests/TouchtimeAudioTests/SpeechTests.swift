import Foundation
import Testing
import TouchtimeAudio
import TouchtimeCore
import TouchtimeTestSupport

/// Speech as the stream gets it: flite's voice (and espeak-ng's), resampled with libsoxr to
/// 48 kHz, trimmed, at its level; and placed in a rendered guide to the sample.
@Suite struct SpeechTests {
    private func decibels(_ value: Float) -> Double { 20 * log10(Double(value)) }

    @Test func anUtteranceStartsAtOnceAndPeaksAtItsLevel() throws {
        let samples = floats(try SpeechSynthesizer.render("Jawline. Left side."))
        #expect(samples.count > 48_000 / 2 && samples.count < 48_000 * 3, "half a second to three: \(samples.count)")
        let peak = samples.map(abs).max() ?? 0
        #expect(abs(decibels(peak) - SpeechSynthesizer.level) < 0.05, "peak \(decibels(peak)) dBFS")
        // Leading silence is trimmed: the voice is heard within 10 ms of the utterance's first sample.
        let firstSound = try #require(samples.firstIndex { abs($0) > 0.003 })
        #expect(firstSound < 480, "first sound at sample \(firstSound)")
        #expect(floats(try SpeechSynthesizer.render("Jawline. Left side.")) == samples, "the same text, the same samples")
        let quieter = floats(try SpeechSynthesizer.render("Jawline. Left side.", volume: 50))
        #expect(abs(decibels(quieter.map(abs).max() ?? 0) - (SpeechSynthesizer.level - 12.04)) < 0.1, "50 is about -12 dB")
    }

    @Test func theRateChangesTheLength() throws {
        let normal = floats(try SpeechSynthesizer.render("Lift, sculpt and smooth"))
        let slow = floats(try SpeechSynthesizer.render("Lift, sculpt and smooth", rate: 0.5))
        let fast = floats(try SpeechSynthesizer.render("Lift, sculpt and smooth", rate: 2))
        #expect(Double(slow.count) > Double(normal.count) * 1.5)
        #expect(Double(fast.count) < Double(normal.count) * 0.75)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/espeak-ng"), "needs espeak-ng (.ci/setup installs it)"))
    func anotherLanguageIsSpokenByEspeak() throws {
        let german = floats(try SpeechSynthesizer.render("Kieferlinie, linke Seite", language: "de"))
        #expect(german.count > 48_000 / 2)
        #expect(abs(decibels(german.map(abs).max() ?? 0) - SpeechSynthesizer.level) < 0.05)
        #expect(throws: SpeechError.self) { try SpeechSynthesizer.render("x", language: "zz-notalanguage") }
    }

    @Test func aRenderedGuidePlacesEachPromptAfterItsChime() throws {
        let drill = try #require(try BundledProtocols.load("trainee-drill"))
        let timeline = Timeline(drill)
        let speech = SpeechPlan(timeline: timeline)
        let bank = try SpeechBank.render(speech)
        let guide = SessionRenderer(ChimePlan(timeline: timeline), speech: (speech, bank))
        #expect(guide.utterances.map(\.text).first == "Warm.")
        #expect(guide.utterances.count == 10)
        // Each prompt's first sample is at round((boundary + 0.35 s) x 48000), and it is there whole
        // (the drill's segments are long enough): the guide minus every chime and prompt is silence.
        let chimes = guide.cues.map { (start: SessionRenderer.onsetSample($0.planned), samples: ChimeSynthesizer.render($0.voice)) }
        let prompts = guide.utterances.map {
            (start: SessionRenderer.onsetSample($0.planned + SpeechPlan.gap), samples: bank[$0.text] ?? [])
        }
        let sounds = (chimes + prompts).sorted { $0.start < $1.start }
        let found = ChimeOnsets.find(sounds.map(\.samples), in: ChimeOnsets.floats(guide.samples))
        #expect(found.allFound)
        for (sound, onset) in zip(sounds, found.onsets) {
            #expect(abs((onset ?? -1) - sound.start) <= 1, "a sound planned at \(sound.start) found at \(onset ?? -1)")
        }
        #expect(found.residualPeak <= 4.0 / 32767)
        let silent = SessionRenderer(ChimePlan(timeline: timeline))
        #expect(silent.utterances.isEmpty && silent.count < guide.count + 48_000)
    }
}

/// 16-bit samples as floats in [-1, 1].
private func floats(_ samples: [Int16]) -> [Float] { samples.map { Float($0) / 32767 } }
