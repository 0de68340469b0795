public import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// Additive synthesis of bells and singing bowls: inharmonic partials, each with its own
/// exponential decay, a raised-cosine attack, summed and normalised to the kind's level.
///
/// Pure and deterministic: the same voice always renders to the same samples, so the ear
/// can learn each kind, and so a test can compare a captured session with `chime --out`.
public enum ChimeSynthesizer {
    public static let sampleRate = 48_000

    /// One partial: frequency ratio to the strike's fundamental, amplitude, decay time (s, to 1/e).
    struct Partial {
        var ratio: Double
        var amplitude: Double
        var decay: Double
    }

    /// A strike: when it starts within the chime, its fundamental, its partials.
    struct Strike {
        var offset: Double
        var frequency: Double
        var partials: [Partial]
    }

    /// Everything that defines a kind's sound.
    struct Design {
        var strikes: [Strike]
        var attack: Double
        var length: Double
        /// Peak level in dBFS.
        var level: Double
    }

    /// Church-bell-like partials: hum, prime (strongest), minor third, fifth, octave and upper
    /// partials slightly off the harmonic series, the higher the faster they fade.
    static let bell: [Partial] = [
        Partial(ratio: 0.5, amplitude: 0.22, decay: 2.2),
        Partial(ratio: 1.0, amplitude: 1.0, decay: 1.5),
        Partial(ratio: 1.183, amplitude: 0.32, decay: 1.0),
        Partial(ratio: 1.506, amplitude: 0.26, decay: 0.75),
        Partial(ratio: 2.0, amplitude: 0.28, decay: 0.55),
        Partial(ratio: 2.514, amplitude: 0.16, decay: 0.38),
        Partial(ratio: 2.662, amplitude: 0.12, decay: 0.33),
        Partial(ratio: 3.011, amplitude: 0.08, decay: 0.22),
    ]

    /// Singing-bowl modes (after STK's BandedWG): near-equal pairs beat slowly.
    static let bowl: [Partial] = [
        Partial(ratio: 1.0, amplitude: 1.0, decay: 2.6),
        Partial(ratio: 1.004, amplitude: 0.6, decay: 2.6),
        Partial(ratio: 2.71, amplitude: 0.3, decay: 2.2),
        Partial(ratio: 2.735, amplitude: 0.22, decay: 2.2),
        Partial(ratio: 5.18, amplitude: 0.1, decay: 1.1),
        Partial(ratio: 8.93, amplitude: 0.04, decay: 0.5),
    ]

    static let pip: [Partial] = [
        Partial(ratio: 1.0, amplitude: 1.0, decay: 0.09),
        Partial(ratio: 2.0, amplitude: 0.12, decay: 0.05),
    ]

    static let tick: [Partial] = [
        Partial(ratio: 1.0, amplitude: 1.0, decay: 0.025),
        Partial(ratio: 2.76, amplitude: 0.35, decay: 0.012),
        Partial(ratio: 5.4, amplitude: 0.15, decay: 0.006),
    ]

    /// A soft wooden note (a marimba bar: fundamental, the 4th mode near 3.9, a faint 10th), short
    /// and dry: what confirms a command, never mistaken for a bell that rings on.
    static let bar: [Partial] = [
        Partial(ratio: 1.0, amplitude: 1.0, decay: 0.11),
        Partial(ratio: 3.93, amplitude: 0.16, decay: 0.03),
        Partial(ratio: 9.2, amplitude: 0.04, decay: 0.01),
    ]

    /// The designed fundamental of each kind (for a finish, of its first strike).
    public static func pitch(of kind: ChimeKind) -> Double {
        design(kind).strikes[0].frequency
    }

    /// How many strikes a kind has.
    public static func strikeCount(of kind: ChimeKind) -> Int {
        design(kind).strikes.count
    }

    /// The strikes' start times within the chime, in seconds.
    public static func strikeOffsets(of kind: ChimeKind) -> [Double] {
        design(kind).strikes.map(\.offset)
    }

    /// The strikes' fundamentals in Hz, transposed by `pitchRatio`.
    public static func strikeFrequencies(of kind: ChimeKind, pitchRatio: Double = 1) -> [Double] {
        design(kind).strikes.map { $0.frequency * pitchRatio }
    }

    /// Peak level of a kind at full volume, dBFS.
    public static func level(of kind: ChimeKind) -> Double {
        design(kind).level
    }

    static func design(_ kind: ChimeKind) -> Design {
        switch kind {
        case .transition:
            return Design(strikes: [Strike(offset: 0, frequency: 880, partials: bell)],
                          attack: 0.003, length: 2.6, level: -6)
        case .stillness:
            return Design(strikes: [Strike(offset: 0, frequency: 220, partials: bowl)],
                          attack: 0.035, length: 4.5, level: -12)
        case .warning:
            return Design(strikes: [Strike(offset: 0, frequency: 1320, partials: pip),
                                    Strike(offset: 0.16, frequency: 1320, partials: pip)],
                          attack: 0.004, length: 0.6, level: -20)
        case .finish:
            return Design(strikes: [Strike(offset: 0, frequency: 783.99, partials: bell),
                                    Strike(offset: 0.6, frequency: 659.26, partials: bell),
                                    Strike(offset: 1.2, frequency: 523.25, partials: bell)],
                          attack: 0.003, length: 4.2, level: -6)
        case .pace:
            // -12 dBFS at full volume: a protocol's paceVolume (default 40) brings it to -28 dBFS.
            return Design(strikes: [Strike(offset: 0, frequency: 1760, partials: tick)],
                          attack: 0.001, length: 0.12, level: -12)
        }
    }

    /// A command's confirmation: wooden notes, soft (-22 dBFS peak at full volume, 16 dB under a
    /// transition bell), under half a second, each its own contour. Pause falls a fifth and resume
    /// rises it; +15 s climbs three notes and -15 s falls them; mute is one low note and unmute one
    /// mid note; a volume step is one high short note (heard at the new level).
    static func design(_ confirmation: Confirmation) -> Design {
        func notes(_ frequencies: [Double], spacing: Double = 0.09) -> [Strike] {
            frequencies.enumerated().map { Strike(offset: Double($0.offset) * spacing, frequency: $0.element, partials: bar) }
        }
        let strikes: [Strike]
        switch confirmation {
        case .paused: strikes = notes([587.33, 392.0], spacing: 0.12)
        case .resumed: strikes = notes([392.0, 587.33], spacing: 0.12)
        case .longer: strikes = notes([440.0, 554.37, 698.46])
        case .shorter: strikes = notes([698.46, 554.37, 440.0])
        case .muted: strikes = notes([311.13])
        case .unmuted: strikes = notes([466.16])
        case .volume: strikes = notes([1046.5])
        }
        return Design(strikes: strikes, attack: 0.002, length: 0.6, level: -22)
    }

    /// Renders a command's confirmation at `volume` (0-100), as `render(_:)` renders a chime.
    public static func render(_ confirmation: Confirmation, volume: Int) -> [Int16] {
        render(design(confirmation), volume: volume, pitchRatio: 1)
    }

    /// The strikes' fundamentals of a confirmation, in Hz.
    public static func strikeFrequencies(of confirmation: Confirmation) -> [Double] {
        design(confirmation).strikes.map(\.frequency)
    }

    /// The gain for a 0-100 volume: an audio taper, (v/100)^2, so 50 is about -12 dB.
    public static func gain(volume: Int) -> Double {
        let clamped = Double(min(max(volume, 0), 100)) / 100
        return clamped * clamped
    }

    /// Below this a chime has rung down: -60 dBFS.
    public static let ringDownLevel = 0.001
    /// No chime rings longer than this.
    static let longest = 16.0

    /// Renders a voice as mono 16-bit samples at 48 kHz, peak at the kind's level times the volume's
    /// gain. A chime rings down naturally: it ends where its last sample above -60 dBFS is, after a
    /// 20 ms fade of what is left below that (no audible cut, and no click).
    ///
    /// Nothing but the result is held: the partials are summed sample by sample, three times (the
    /// peak, where it rings down, the samples), so a 14-second bowl costs its 1.3 MB and no more.
    public static func render(_ voice: ChimeVoice) -> [Int16] {
        render(design(voice.kind), volume: voice.volume, pitchRatio: voice.pitchRatio)
    }

    static func render(_ design: Design, volume: Int, pitchRatio: Double) -> [Int16] {
        let rate = Double(sampleRate)
        let limit = Int((longest * rate).rounded())
        let fullScale = pow(10, design.level / 20)
        var chunk = [Double](repeating: 0, count: Partials.chunk)

        // The peak comes with a strike's attack: once all that can still sound is below it, it is found.
        var peak = 0.0
        var partials = Partials(design, pitchRatio: pitchRatio)
        while partials.position < limit, partials.fill(&chunk) {
            for value in chunk { peak = max(peak, abs(value)) }
            if partials.allStarted, partials.bound < peak { break }
        }
        guard peak > 0 else { return [] }
        // Where it has rung down: the last sample at or above -60 dBFS at full volume (so that a
        // quieter volume keeps the same length and stays the same sound, only softer).
        let quiet = ringDownLevel * peak / fullScale
        var lastLoud = 0
        var used = 0
        partials = Partials(design, pitchRatio: pitchRatio)
        while partials.position < limit, partials.fill(&chunk) {
            let first = partials.position - chunk.count
            if let last = chunk.lastIndex(where: { abs($0) >= quiet }) { lastLoud = first + last }
            used = min(limit, partials.position)
            if partials.allStarted, partials.bound < quiet {
                used = limit  // it goes on, below -60 dBFS: room for the fade
                break
            }
        }
        let fade = Int(0.02 * rate)
        let count = min(used, lastLoud + 1 + fade)
        let fadeLength = min(fade, count)
        let scale = fullScale * gain(volume: volume) / peak
        var samples = [Int16](repeating: 0, count: count)
        partials = Partials(design, pitchRatio: pitchRatio)
        var index = 0
        while index < count {
            let living = partials.fill(&chunk)
            for value in chunk where index < count {
                var scaled = Float(value * scale)
                let intoFade = index - (count - fadeLength)
                if intoFade >= 0 {
                    scaled *= Float(0.5 + 0.5 * cos(Double.pi * Double(intoFade + 1) / Double(fadeLength)))
                }
                samples[index] = Int16(max(-32767, min(32767, (scaled * 32767).rounded())))
                index += 1
            }
            if !living { break }
        }
        return samples
    }

    /// A chime's partials summed a chunk of samples at a time: each a sine by a rotating phasor
    /// (two multiplications a sample, brought back to unit length now and then so rounding never
    /// builds up), under an exponential decay, with a raised-cosine attack (no click).
    struct Partials {
        static let chunk = 1_024

        private struct Oscillator {
            var start: Int
            var stepCos: Double
            var stepSin: Double
            var real = 1.0
            var imaginary = 0.0
            var envelope: Double
            var decayPerSample: Double
            var done = false
        }

        private var oscillators: [Oscillator] = []
        private let attackSamples: Int
        /// The next sample `fill` sums.
        private(set) var position = 0

        init(_ design: Design, pitchRatio: Double) {
            let rate = Double(ChimeSynthesizer.sampleRate)
            attackSamples = max(1, Int((design.attack * rate).rounded()))
            for strike in design.strikes {
                for partial in strike.partials {
                    let frequency = strike.frequency * partial.ratio * pitchRatio
                    guard frequency < rate * 0.45, frequency > 20 else { continue }
                    let step = 2 * Double.pi * frequency / rate
                    oscillators.append(Oscillator(start: Int((strike.offset * rate).rounded()), stepCos: cos(step), stepSin: sin(step),
                                                  envelope: partial.amplitude, decayPerSample: exp(-1 / (partial.decay * rate))))
                }
            }
        }

        /// Every strike has begun.
        var allStarted: Bool { oscillators.allSatisfy { $0.start < position } }

        /// No sample from `position` on can be louder than this: what is left of the envelopes.
        var bound: Double { oscillators.reduce(0) { $0 + ($1.done ? 0 : $1.envelope) } }

        /// Sums the next `chunk.count` samples into `chunk`; false once every partial has died away
        /// (below 1e-7) before this chunk.
        mutating func fill(_ chunk: inout [Double]) -> Bool {
            let from = position
            let to = from + chunk.count
            position = to
            guard oscillators.contains(where: { !$0.done }) else { return false }
            let attack = attackSamples
            chunk.withUnsafeMutableBufferPointer { out in
                for index in 0..<out.count { out[index] = 0 }
                for which in oscillators.indices where !oscillators[which].done && oscillators[which].start < to {
                    var oscillator = oscillators[which]
                    var sample = max(from, oscillator.start)
                    while sample < to {
                        let n = sample - oscillator.start
                        let ramp = n < attack ? 0.5 - 0.5 * cos(Double.pi * Double(n + 1) / Double(attack + 1)) : 1
                        out[sample - from] += oscillator.envelope * ramp * oscillator.imaginary
                        (oscillator.real, oscillator.imaginary) = (
                            oscillator.real * oscillator.stepCos - oscillator.imaginary * oscillator.stepSin,
                            oscillator.real * oscillator.stepSin + oscillator.imaginary * oscillator.stepCos)
                        if n & 4095 == 4095 {
                            let length = (oscillator.real * oscillator.real + oscillator.imaginary * oscillator.imaginary).squareRoot()
                            (oscillator.real, oscillator.imaginary) = (oscillator.real / length, oscillator.imaginary / length)
                        }
                        oscillator.envelope *= oscillator.decayPerSample
                        sample += 1
                        if oscillator.envelope < 1e-7 {
                            oscillator.done = true
                            break
                        }
                    }
                    oscillators[which] = oscillator
                }
            }
            return true
        }
    }
}
