import Foundation
import Testing
@testable import TouchtimeAudio
import TouchtimeCore


/// (Swift Testing has a `Confirmation` of its own.)
typealias Confirmation = TouchtimeCore.Confirmation

/// What the therapist hears when a command is taken, and a prompt heard over its bell.
@Suite struct ConfirmationSoundTests {
    private func floats(_ samples: [Int16]) -> [Float] { samples.map { Float($0) / 32767 } }
    private func decibels(_ value: Double) -> Double { 20 * log10(max(value, 1e-9)) }
    private func rms(_ samples: ArraySlice<Float>) -> Double {
        samples.isEmpty ? 0 : (samples.reduce(0) { $0 + Double($1 * $1) } / Double(samples.count)).squareRoot()
    }

    @Test(arguments: Confirmation.allCases)
    func aConfirmationIsShortSoftAndCleanlyEnded(confirmation: Confirmation) {
        let samples = floats(ChimeSynthesizer.render(confirmation, volume: 100))
        let peak = Double(samples.map(abs).max() ?? 0)
        #expect(abs(decibels(peak) - -22) < 0.1, "\(confirmation): soft, -22 dBFS peak (a transition bell is -6)")
        #expect(samples.count < 48_000 * 7 / 10, "\(confirmation): under 0.7 s, never ringing on like a bell")
        #expect(abs(samples.last ?? 1) < 0.001, "\(confirmation): no click at the end")
        #expect(ChimeSynthesizer.render(confirmation, volume: 100) == ChimeSynthesizer.render(confirmation, volume: 100))
    }

    /// Each confirmation has its own contour, and none is a boundary chime's (which would say "move on"):
    /// against every chime it differs in two ways or more of its notes (none shared), their count,
    /// their direction, its length and its level.
    @Test func confirmationsDifferFromEachOtherAndFromEveryChime() {
        func direction(_ notes: [Int]) -> Int { notes.count < 2 ? 0 : (notes.last ?? 0) > notes[0] ? 1 : (notes.last ?? 0) < notes[0] ? -1 : 0 }
        let contours = Confirmation.allCases.map { ChimeSynthesizer.strikeFrequencies(of: $0).map { Int($0.rounded()) } }
        #expect(Set(contours).count == Confirmation.allCases.count, "\(contours)")
        for kind in ChimeKind.allCases {
            let chime = ChimeSynthesizer.strikeFrequencies(of: kind).map { Int($0.rounded()) }
            let chimeLength = ChimeSynthesizer.render(ChimeVoice(kind: kind)).count
            for (confirmation, notes) in zip(Confirmation.allCases, contours) {
                let length = ChimeSynthesizer.render(confirmation, volume: 100).count
                let differences = [Set(notes).isDisjoint(with: chime), notes.count != chime.count, direction(notes) != direction(chime),
                                   abs(chimeLength - length) > 4_800, abs(ChimeSynthesizer.level(of: kind) - -22) >= 3].filter { $0 }.count
                #expect(differences >= 2, "\(confirmation) and \(kind) differ in \(differences) ways")
                #expect(Set(notes).isDisjoint(with: chime), "\(confirmation) shares a note with \(kind)")
            }
        }
    }

    /// A prompt stands at least 10 dB above the bell it follows over its whole length (the bell is
    /// ducked under it): measured as the render does, the mix with voice minus the voice alone.
    @Test func aPromptStandsTenDecibelsAboveItsBell() async throws {
        let bell = ChimeSynthesizer.render(ChimeVoice(kind: .transition))
        let speech = try await SpeechSynthesizer.render("Jawline. Left side.")
        let speechStart = 16_800  // SpeechPlan.gap after the strike
        let length = speechStart + speech.count + 48_000
        func mixed(_ voices: [Mixer.Voice]) -> [Float] {
            var mixer = Mixer()
            for voice in voices { mixer.add(voice, now: 0) }
            var out: [Int16] = []
            var block = [Int16](repeating: 0, count: 4_800)
            var at = 0
            while at < length {
                mixer.mix(from: at, into: &block)
                out += block
                at += block.count
            }
            return floats(out)
        }
        let both = mixed([Mixer.Voice(samples: bell, startFrame: 0), Mixer.Voice(samples: speech, startFrame: speechStart, isSpeech: true)])
        let voice = mixed([Mixer.Voice(samples: speech, startFrame: speechStart, isSpeech: true)])
        let bellAlone = mixed([Mixer.Voice(samples: bell, startFrame: 0)])
        let bellUnder = zip(both, voice).map { $0 - $1 }
        // Over the prompt's length, and in every 100 ms where the voice speaks (within 12 dB of its
        // loudest; not the gaps between words), it stands 10 dB or more over the bell.
        let spokenRange = speechStart..<(speechStart + speech.count)
        #expect(decibels(rms(voice[spokenRange])) - decibels(rms(bellUnder[spokenRange])) >= 10)
        let windows = stride(from: speechStart, to: speechStart + speech.count - 4_800, by: 4_800).map { $0..<($0 + 4_800) }
        let loudest = windows.map { decibels(rms(voice[$0])) }.max() ?? 0
        var worst = Double.infinity
        for window in windows where decibels(rms(voice[window])) > loudest - 12 {
            worst = min(worst, decibels(rms(voice[window])) - decibels(rms(bellUnder[window])))
        }
        #expect(worst >= 10, "the prompt over its bell: worst window \(worst) dB apart")
        // Before the prompt the bell strikes as it was made, and comes back after it.
        #expect(Array(both[0..<(speechStart - 1_440)]) == Array(bellAlone[0..<(speechStart - 1_440)]))
        let after = speechStart + speech.count + 9_600 + 14_400  // held 200 ms, eased back over 300 ms
        #expect(zip(both[after...], bellAlone[after...]).allSatisfy { abs($0 - $1) < 1.5 / 32767 })
    }

    /// Muting fades every sound but a command's confirmation: "muted" is heard as it mutes.
    @Test func mutingSilencesAllButAConfirmation() {
        var mixer = Mixer()
        let tone = [Int16](repeating: 1_000, count: 48_000)
        mixer.add(Mixer.Voice(samples: tone, startFrame: 0), now: 0)
        mixer.add(Mixer.Voice(samples: tone, startFrame: 0, keepsWhenMuted: true), now: 0)
        var block = [Int16](repeating: 0, count: 4_800)
        mixer.mix(from: 0, into: &block)
        #expect(block.last == 2_000)
        mixer.mute(now: 4_800)
        mixer.mix(from: 4_800, into: &block)
        mixer.mix(from: 9_600, into: &block)
        #expect(block.allSatisfy { $0 == 1_000 }, "the bell faded out within 60 ms; the confirmation sounds on")
    }
}
