import Foundation
import Testing
import TouchtimeAudio
import TouchtimeCore

@Suite struct SynthesisTests {
    static let rate = ChimeSynthesizer.sampleRate

    /// 16-bit samples as floats in [-1, 1].
    static func floats(_ samples: [Int16]) -> [Float] { samples.map { Float($0) / 32767 } }

    @Test(arguments: ChimeKind.allCases)
    func dominantFrequencyIsTheKindsPitch(kind: ChimeKind) {
        let samples = Self.floats(ChimeSynthesizer.render(ChimeVoice(kind: kind)))
        let window = min(samples.count, Self.rate / 5)
        let found = Spectrum.dominantFrequency(samples, from: 0, count: window, sampleRate: Self.rate)
        let asked = ChimeSynthesizer.pitch(of: kind)
        #expect(abs(found - asked) / asked < 0.01, "\(kind): asked \(asked) Hz, found \(found) Hz")
    }

    @Test func finishIsThreeDescendingStrikes() {
        let samples = Self.floats(ChimeSynthesizer.render(ChimeVoice(kind: .finish)))
        let offsets = ChimeSynthesizer.strikeOffsets(of: .finish).map { Int($0 * Double(Self.rate)) }
        let asked = ChimeSynthesizer.strikeFrequencies(of: .finish)
        #expect(asked.count == 3 && asked == asked.sorted(by: >))
        for (index, offset) in offsets.enumerated() {
            // The window after each strike, before the next: its newest partial dominates.
            let found = Spectrum.dominantFrequency(samples, from: offset + 240, count: Self.rate / 4, sampleRate: Self.rate)
            #expect(abs(found - asked[index]) / asked[index] < 0.01, "strike \(index + 1): asked \(asked[index]), found \(found)")
        }
    }

    @Test func pitchTransposesEveryPartial() {
        let samples = Self.floats(ChimeSynthesizer.render(ChimeVoice(kind: .transition, pitchRatio: 0.75)))
        let found = Spectrum.dominantFrequency(samples, from: 0, count: Self.rate / 5, sampleRate: Self.rate)
        #expect(abs(found - 660) < 5)
    }

    @Test(arguments: ChimeKind.allCases)
    func peakIsTheKindsLevelAndNothingClips(kind: ChimeKind) {
        let samples = Self.floats(ChimeSynthesizer.render(ChimeVoice(kind: kind)))
        let peak = samples.reduce(0) { max($0, abs($1)) }
        #expect(abs(20 * log10(Double(peak)) - ChimeSynthesizer.level(of: kind)) < 0.01)
        #expect(peak <= 0.51, "at most about -6 dBFS")
    }

    @Test(arguments: ChimeKind.allCases)
    func firstMillisecondRampsInAndTheTailFadesOut(kind: ChimeKind) {
        let samples = Self.floats(ChimeSynthesizer.render(ChimeVoice(kind: kind)))
        let peak = samples.reduce(0) { max($0, abs($1)) }
        #expect(abs(samples[0]) < peak * 0.01, "no click at the start")
        // Within the first millisecond, the envelope only grows: each 0.25 ms block's peak is
        // at least the previous one's (a click would start high).
        let block = Self.rate / 4000
        let peaks = (0..<4).map { b in samples[(b * block)..<((b + 1) * block)].reduce(0) { max($0, abs($1)) } }
        #expect(peaks[0] < peak * 0.5)
        #expect(abs(samples[samples.count - 1]) < peak * 0.001, "no click at the end")
        // No sample-to-sample jump bigger than a full-scale sine at 4 kHz could make.
        let limit = Float(2 * Double.pi * 4000 / Double(Self.rate)) * peak * 1.5
        #expect(zip(samples, samples.dropFirst()).allSatisfy { abs($1 - $0) < max(limit, 0.05) })
    }

    @Test func kindsDifferMeasurably() {
        struct Traits: Equatable { var pitch: Int; var strikes: Int; var level: Int; var length: Int }
        let traits = ChimeKind.allCases.map { kind -> Traits in
            let samples = Self.floats(ChimeSynthesizer.render(ChimeVoice(kind: kind)))
            return Traits(pitch: Int(ChimeSynthesizer.pitch(of: kind)), strikes: ChimeSynthesizer.strikeCount(of: kind),
                          level: Int(ChimeSynthesizer.level(of: kind)), length: samples.count / 4800)
        }
        for i in traits.indices {
            for j in traits.indices where i < j {
                let a = traits[i], b = traits[j]
                let differences = [a.pitch != b.pitch, a.strikes != b.strikes, a.level != b.level, a.length != b.length].filter { $0 }.count
                #expect(differences >= 2, "\(ChimeKind.allCases[i]) and \(ChimeKind.allCases[j]) differ in \(differences) ways")
            }
        }
    }

    @Test func sameVoiceSameSamplesAndVolumeIsATaper() {
        let voice = ChimeVoice(kind: .stillness, volume: 50)
        #expect(ChimeSynthesizer.render(voice) == ChimeSynthesizer.render(voice))
        let full = Self.floats(ChimeSynthesizer.render(ChimeVoice(kind: .stillness))).reduce(0) { max($0, abs($1)) }
        let half = Self.floats(ChimeSynthesizer.render(voice)).reduce(0) { max($0, abs($1)) }
        #expect(abs(half / full - 0.25) < 1e-4)
        #expect(ChimeSynthesizer.render(ChimeVoice(kind: .pace, volume: 0)).allSatisfy { $0 == 0 })
    }

    @Test(arguments: ChimeKind.allCases)
    func everyChimeRingsDownBelowMinus60DBFSBeforeItEnds(kind: ChimeKind) {
        let samples = Self.floats(ChimeSynthesizer.render(ChimeVoice(kind: kind)))
        // The last 20 ms is the fade; before it the chime has already rung down to -60 dBFS.
        let fade = 960
        let tail = samples[(samples.count - fade)...].map(abs).max() ?? 1
        // (To within the half step of rounding to 16 bits.)
        #expect(tail < Float(ChimeSynthesizer.ringDownLevel) + 0.5 / 32767, "\(kind): the end is below -60 dBFS, not cut while ringing")
        // And it is not cut short: just before the fade it is still above -80 dBFS (the -60 point is near).
        let before = samples[max(0, samples.count - fade - 4_800)..<(samples.count - fade)].map(abs).max() ?? 0
        #expect(before > 0.0001, "\(kind): the chime ends where it rings down")
        // A quieter volume is the same sound, softer: the same length.
        #expect(ChimeSynthesizer.render(ChimeVoice(kind: kind, volume: 40)).count == samples.count)
    }
}
