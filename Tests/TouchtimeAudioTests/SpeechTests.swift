import Foundation
import Testing
@testable import TouchtimeAudio
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

/// The speech helper's answer, both ways, and what a broken or cut answer becomes.
@Suite struct SpeechHelperAnswerTests {
    @Test func samplesRoundTripAndProblemsAreOneLine() throws {
        let utterances: [[Int16]] = [[0, 1, -1, .max, .min], [], [42]]
        let bytes = SpeechBank.encode(.success(utterances))
        let bank = try SpeechBank.decode(bytes, texts: ["a", "b", "c"])
        #expect(bank == ["a": utterances[0], "b": utterances[1], "c": utterances[2]])
        #expect(throws: SpeechError("flite cannot be loaded")) {
            try SpeechBank.decode(SpeechBank.encode(.failure(SpeechError("flite cannot be loaded"))), texts: ["a"])
        }
        #expect(throws: SpeechError("the speech helper's answer was cut short")) {
            try SpeechBank.decode(Array(bytes.dropLast()), texts: ["a", "b", "c"])
        }
        #expect(throws: SpeechError("the speech helper gave no answer")) { try SpeechBank.decode([], texts: ["a"]) }
    }

    /// The helper renders exactly what this process would.
    @Test func theHelperRendersWhatThisProcessWould() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        var helper: String?
        var folder = binary
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("touchtime").path
            if FileManager.default.isExecutableFile(atPath: candidate) { helper = candidate; break }
            folder = folder.deletingLastPathComponent()
        }
        let path = try #require(helper ?? (FileManager.default.isExecutableFile(atPath: ".build/debug/touchtime") ? ".build/debug/touchtime" : nil))
        let plan = SpeechPlan(timeline: Timeline(try ProtocolLoader.decode(Array(#"""
            {"format":"touchtime/1","id":"v","title":"V","voice":{"say":"title"},
             "phases":[{"id":"a","title":"Left side","cue":"c","duration":5},{"id":"b","title":"Right side","cue":"c","duration":5}]}
            """#.utf8), file: "v.json")))
        #expect(try SpeechBank.renderApart(plan, volume: 80, helper: path) == SpeechBank.render(plan, volume: 80))
    }
}
