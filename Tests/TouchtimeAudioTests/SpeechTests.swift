import Foundation
import Testing
import Synchronization
@testable import TouchtimeAudio
import TouchtimeCore
import TouchtimeTestSupport

/// Speech as the stream gets it: flite's voice (and espeak-ng's), resampled with libsoxr to
/// 48 kHz, trimmed, at its level; and placed in a rendered guide to the sample.
@Suite struct SpeechTests {
    private func decibels(_ value: Float) -> Double { 20 * log10(Double(value)) }

    @Test func anUtteranceStartsAtOnceAndPeaksAtItsLevel() async throws {
        let samples = floats(try await SpeechSynthesizer.render("Jawline. Left side."))
        #expect(samples.count > 48_000 / 2 && samples.count < 48_000 * 3, "half a second to three: \(samples.count)")
        let peak = samples.map(abs).max() ?? 0
        #expect(abs(decibels(peak) - SpeechSynthesizer.level) < 0.05, "peak \(decibels(peak)) dBFS")
        // Leading silence is trimmed: the voice is heard within 10 ms of the utterance's first sample.
        let firstSound = try #require(samples.firstIndex { abs($0) > 0.003 })
        #expect(firstSound < 480, "first sound at sample \(firstSound)")
        #expect(floats(try await SpeechSynthesizer.render("Jawline. Left side.")) == samples, "the same text, the same samples")
        let quieter = floats(try await SpeechSynthesizer.render("Jawline. Left side.", volume: 50))
        #expect(abs(decibels(quieter.map(abs).max() ?? 0) - (SpeechSynthesizer.level - 12.04)) < 0.1, "50 is about -12 dB")
    }

    @Test func theRateChangesTheLength() async throws {
        let normal = floats(try await SpeechSynthesizer.render("Lift, sculpt and smooth"))
        let slow = floats(try await SpeechSynthesizer.render("Lift, sculpt and smooth", rate: 0.5))
        let fast = floats(try await SpeechSynthesizer.render("Lift, sculpt and smooth", rate: 2))
        #expect(Double(slow.count) > Double(normal.count) * 1.5)
        #expect(Double(fast.count) < Double(normal.count) * 0.75)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/espeak-ng"), "needs espeak-ng (.ci/setup installs it)"))
    func anotherLanguageIsSpokenByEspeak() async throws {
        let german = floats(try await SpeechSynthesizer.render("Kieferlinie, linke Seite", language: "de"))
        #expect(german.count > 48_000 / 2)
        #expect(abs(decibels(german.map(abs).max() ?? 0) - SpeechSynthesizer.level) < 0.05)
        await #expect(throws: SpeechError.self) { try await SpeechSynthesizer.render("x", language: "zz-notalanguage") }
    }

    /// A protocol's words are never espeak-ng's options: `--phonout=FILE` once emptied FILE, and
    /// `-fFILE` read FILE aloud. Spoken as text, each is a few seconds of speech, and FILE is as it was.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/espeak-ng"), "needs espeak-ng (.ci/setup installs it)"))
    func wordsThatLookLikeOptionsAreSpokenNotObeyed() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-espeak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let victim = folder.appendingPathComponent("victim").path
        try "precious record\n".write(toFile: victim, atomically: true, encoding: .utf8)
        for text in ["--phonout=\(victim)", "-f\(victim)", "-w\(victim)"] {
            let samples = try await SpeechSynthesizer.render(text, language: "de")
            #expect(samples.count > 48_000 / 2, "\(text) is spoken")
        }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious record\n")
    }

    /// A prompt longer than a minute is cut at a minute, faded, never held whole.
    @Test func anUtteranceIsAtMostAMinute() async throws {
        let text = String(repeating: "Glide slowly upward from the jaw toward the cheekbones. ", count: 30)
        let samples = try await SpeechSynthesizer.render(text, rate: 0.5)
        #expect(samples.count == Int(SpeechSynthesizer.longest.seconds) * 48_000)
        #expect(samples.suffix(10).allSatisfy { abs(Int($0)) < 200 }, "it ends faded out")
    }

    @Test func aRenderedGuidePlacesEachPromptAfterItsChime() async throws {
        let drill = try #require(try BundledProtocols.load("trainee-drill"))
        let timeline = Timeline(drill)
        let speech = SpeechPlan(timeline: timeline)
        var bank: [String: [Int16]] = [:]
        for text in speech.texts { bank[text] = try await SpeechSynthesizer.render(text) }
        let spoken = bank
        let guide = SessionRenderer(ChimePlan(timeline: timeline), speech: speech)
        let samples = try await guide.samples { text in spoken[text] ?? [] }
        #expect(guide.utterances.map(\.text).first == "Warm.")
        #expect(guide.utterances.count == 10)
        // Each prompt's first sample is at round((boundary + 0.35 s) x 48000), and it is there whole
        // (the drill's segments are long enough): what is left of the guide there once the prompt is
        // taken out is the bell ducked under it (30 dB down: under 2 % of the prompt's energy), and
        // one sample either way leaves more.
        let guideFloats = ChimeOnsets.floats(samples)
        for utterance in guide.utterances {
            let prompt = ChimeOnsets.floats(bank[utterance.text] ?? [])
            let start = SessionRenderer.onsetSample(utterance.planned + SpeechPlan.gap)
            let length = min(prompt.count, 24_000)
            func left(_ shift: Int) -> Float {
                (0..<length).reduce(0) { sum, index in
                    let difference = guideFloats[start + shift + index] - prompt[index]
                    return sum + difference * difference
                }
            }
            let energy = prompt.prefix(length).reduce(0) { $0 + $1 * $1 }
            #expect(left(0) < 0.02 * energy, "\(utterance.text): \(left(0) / energy) of its energy left at its planned sample")
            #expect(left(-1) > left(0) && left(1) > left(0), "\(utterance.text): placed to the sample")
        }
        let silent = try await SessionRenderer(ChimePlan(timeline: timeline)).samples()
        #expect(silent.count < samples.count + 48_000)
    }
}

/// 16-bit samples as floats in [-1, 1].
private func floats(_ samples: [Int16]) -> [Float] { samples.map { Float($0) / 32767 } }

/// The session and its speech helper: the wire both ways, whole or in pieces, and the helper
/// itself: what it renders, what happens when it hangs or dies.
@Suite struct SpeechHelperTests {
    @Test func requestsAndAnswersRoundTripInAnyPieces() throws {
        var bytes = PromptWire.request("Jawline. Left side.") + PromptWire.request("") + PromptWire.request("Grüße")
        for answer: Result<[Int16], SpeechError> in [.success([0, 1, -1, .max, .min]), .success([]), .failure(SpeechError("flite cannot be loaded"))] {
            bytes += PromptWire.answer(answer)
        }
        // The requests, fed a byte at a time.
        var reader = PromptWire.Reader()
        var texts: [String] = []
        let requestBytes = PromptWire.request("Jawline. Left side.") + PromptWire.request("") + PromptWire.request("Grüße")
        for byte in requestBytes {
            reader.append([byte])
            while let text = try reader.nextRequest() { texts.append(text) }
        }
        #expect(texts == ["Jawline. Left side.", "", "Grüße"])
        // The answers, in pieces of 3 bytes.
        var answers = PromptWire.Reader()
        var results: [Result<[Int16], SpeechError>] = []
        let answerBytes = Array(bytes[requestBytes.count...])
        for start in stride(from: 0, to: answerBytes.count, by: 3) {
            answers.append(Array(answerBytes[start..<min(start + 3, answerBytes.count)]))
            while let result = try answers.nextAnswer() { results.append(result) }
        }
        #expect(results.count == 3)
        #expect(try results[0].get() == [0, 1, -1, .max, .min])
        #expect(try results[1].get() == [])
        #expect(throws: SpeechError("flite cannot be loaded")) { try results[2].get() }
        var broken = PromptWire.Reader()
        broken.append([7, 0, 0, 0, 0])
        #expect(throws: SpeechError("the speech helper's answer is not in its format")) { try broken.nextAnswer() }
        var huge = PromptWire.Reader()
        huge.append([0xFF, 0xFF, 0xFF, 0x7F])
        #expect(throws: SpeechError.self) { try huge.nextRequest() }
    }

    /// The built binary, which is the helper.
    private func helper() throws -> String {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        var folder = binary
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("touchtime").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return try #require(FileManager.default.isExecutableFile(atPath: ".build/debug/touchtime") ? ".build/debug/touchtime" : nil)
    }

    /// The helper renders exactly what this process would, one prompt at a time as asked.
    @Test func theHelperRendersWhatThisProcessWould() async throws {
        let problems = ProblemLog()
        var options = VoiceOptions()
        options.volume = 80
        let supply = PromptSupply(options: options, volume: 100, helper: try helper(), onProblem: problems.add)
        defer { supply.stop() }
        supply.want(["Left side.", "Right side."])
        #expect(await supply.ready(["Left side.", "Right side."], within: .seconds(120)))
        #expect(supply.samples(for: "Left side.") == (try await SpeechSynthesizer.render("Left side.", volume: 80)))
        #expect(supply.samples(for: "Right side.") == (try await SpeechSynthesizer.render("Right side.", volume: 80)))
        #expect(supply.samples(for: "Never asked for.") == nil)
        #expect(problems.lines.isEmpty)
    }

    /// A helper that never answers (stuck, or stopped with SIGSTOP) is killed after the answer
    /// timeout and reported once; one that dies is reported once; nothing waits on either.
    @Test func aHelperThatHangsOrDiesIsOneProblemAndNothingWaits() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-helper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The one that dies is given time to be seen dying: on a loaded machine its start alone can
        // take longer than a short timeout, which would then be what is reported.
        for (script, expected, timeout) in [("exec sleep 600", "did not answer within", Duration.milliseconds(300)),
                                            ("exit 3", "stopped (it exited with status 3)", .seconds(10))] {
            let path = folder.appendingPathComponent("helper.sh").path
            try "#!/bin/sh\n\(script)\n".write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
            let problems = ProblemLog()
            let supply = PromptSupply(options: VoiceOptions(), volume: 100, helper: path, onProblem: problems.add,
                                      answerTimeout: timeout)
            supply.want(["Left side."])
            #expect(await supply.ready(["Left side."], within: .seconds(60)) == false)
            #expect(supply.problem != nil)
            #expect(problems.lines.count == 1)
            #expect(problems.lines.first?.contains(expected) == true, "\(problems.lines)")
            #expect(supply.samples(for: "Left side.") == nil)
            supply.stop()
        }
    }
}

/// Problems reported, in order.
final class ProblemLog: Sendable {
    private let state = Mutex<[String]>([])
    var lines: [String] { state.withLock { $0 } }
    func add(_ line: String) { state.withLock { $0.append(line) } }
}
