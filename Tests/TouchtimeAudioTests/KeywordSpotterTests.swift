import Foundation
import Testing
@testable import TouchtimeAudio
import TouchtimeCore

/// pocketsphinx through its dlopen'ed calls: real speech (flite's other voices, never `slt`, the
/// one touchtime speaks with) fed at 16 kHz in 64 ms chunks, as the microphone loop feeds it.
@Suite(.serialized) struct KeywordSpotterTests {
    static let phrases = VoiceCommand.allCases.map { KeywordSpotter.Phrase(text: $0.phrase, threshold: $0.defaultThreshold) }

    /// `text` spoken by the flite command's `voice`, at 16 kHz.
    static func spoken(_ text: String, voice: String) throws -> [Int16] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-spoken-\(getpid())-\(voice).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let flite = Process()
        flite.executableURL = URL(fileURLWithPath: "/usr/bin/flite")
        flite.arguments = ["-voice", voice, "-t", text, "-o", path]
        try flite.run()
        flite.waitUntilExit()
        let audio = try WAVFile.read(path)
        guard audio.sampleRate != KeywordSpotter.sampleRate else { return audio.samples }
        let floats = audio.samples.map { Float($0) / 32768 }
        let resampled = try #require(Resampler.resample(floats, from: audio.sampleRate, to: KeywordSpotter.sampleRate))
        return resampled.map { Int16(max(-32767, min(32767, ($0 * 32767).rounded()))) }
    }

    static func spot(_ samples: [Int16], with spotter: KeywordSpotter) -> [KeywordSpotter.Hit] {
        let silence = [Int16](repeating: 0, count: 8000)
        let all = silence + samples + silence
        return stride(from: 0, to: all.count, by: 1024).flatMap { spotter.process(Array(all[$0..<min($0 + 1024, all.count)])) }
            + spotter.flush()
    }

    @Test func eachCommandIsSpottedAndNothingElse() throws {
        let spotter = try KeywordSpotter(phrases: Self.phrases)
        for phrase in Self.phrases.map(\.text) {
            let hits = Self.spot(try Self.spoken("okay, \(phrase).", voice: "kal16"), with: spotter)
            #expect(hits.map(\.phrase) == [phrase], "\(phrase): \(hits)")
        }
        let talk = try Self.spoken("Let's pause here for a moment, then more serum on the palms, and back to the next stroke.", voice: "kal16")
        #expect(Self.spot(talk, with: spotter).isEmpty, "unprefixed words are talk, not commands")
    }

    /// A prompt is understood over the bell it follows (issue 23): spoken 0.35 s after a transition
    /// bell at full volume, the recogniser gets it as it does alone, the bell ducked under it. (Over
    /// the bell as it was, 0 dB apart, it heard nothing; ducked by 18 or 24 dB, still nothing.)
    @Test(arguments: [("timer next", "kal16"), ("timer pause", "kal16"), ("timer back", "rms"), ("timer resume", "awb")])
    func aPromptOverItsBellIsUnderstoodAsAlone(phrase: String, speaker: String) throws {
        let spotter = try KeywordSpotter(phrases: Self.phrases)
        let speech = try Self.spoken("okay, \(phrase).", voice: speaker)
        // At 48 kHz and at the level touchtime speaks at (-9 dBFS peak), as the session mixes it.
        let peak = Float(speech.map { abs(Int($0)) }.max() ?? 1) / 32768
        let gain = Float(pow(10, SpeechSynthesizer.level / 20)) / max(peak, 1e-6)
        let voice = try #require(Resampler.resample(speech.map { Float($0) / 32768 * gain }, from: 16_000, to: 48_000))
            .map { Int16(max(-32767, min(32767, ($0 * 32767).rounded()))) }
        let bell = ChimeSynthesizer.render(ChimeVoice(kind: .transition))
        func heard(_ voices: [Mixer.Voice]) throws -> [String] {
            var mixer = Mixer()
            for voice in voices { mixer.add(voice, now: 0) }
            var out: [Int16] = []
            var block = [Int16](repeating: 0, count: 4_800)
            while out.count < 16_800 + voice.count + 48_000 {
                mixer.mix(from: out.count, into: &block)
                out += block
            }
            let at16k = try #require(Resampler.resample(out.map { Float($0) / 32768 }, from: 48_000, to: 16_000))
                .map { Int16(max(-32767, min(32767, ($0 * 32767).rounded()))) }
            spotter.restart()
            return Self.spot(at16k, with: spotter).map(\.phrase)
        }
        #expect(try heard([Mixer.Voice(samples: voice, startFrame: 16_800, isSpeech: true)]) == [phrase], "alone")
        #expect(try heard([Mixer.Voice(samples: bell, startFrame: 0), Mixer.Voice(samples: voice, startFrame: 16_800, isSpeech: true)])
                == [phrase], "over its bell, as alone")
    }

    @Test func whatIsMissingIsOneLine() {
        #expect(throws: ListenError("no English model for pocketsphinx at /nonexistent/model; install it: apt install pocketsphinx-en-us")) {
            _ = try KeywordSpotter(phrases: Self.phrases, modelDirectory: "/nonexistent/model")
        }
        #expect(throws: ListenError("pocketsphinx's dictionary has no word 'zqxv'")) {
            _ = try KeywordSpotter(phrases: [.init(text: "timer zqxv", threshold: 1e-20)])
        }
    }

    @Test func thresholdsAreWrittenAsPocketsphinxReadsThem() {
        #expect(KeywordSpotter.thresholdText(1e-20) == "1e-20")
        #expect(KeywordSpotter.thresholdText(3e-25) == "3.0e-25")
        #expect(KeywordSpotter.thresholdText(1e-5) == "1e-5")
    }
}
