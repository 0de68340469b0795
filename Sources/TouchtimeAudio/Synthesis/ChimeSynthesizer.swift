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

    /// The gain for a 0-100 volume: an audio taper, (v/100)^2, so 50 is about -12 dB.
    public static func gain(volume: Int) -> Double {
        let clamped = Double(min(max(volume, 0), 100)) / 100
        return clamped * clamped
    }

    /// Below this a chime has rung down: -60 dBFS.
    public static let ringDownLevel = 0.001
    /// No chime rings longer than this.
    static let longest = 16.0

    /// Renders a voice as mono float samples at 48 kHz, peak at the kind's level times the volume's
    /// gain. A chime rings down naturally: it ends where its last sample above -60 dBFS is, after a
    /// 20 ms fade of what is left below that (no audible cut, and no click).
    public static func render(_ voice: ChimeVoice) -> [Float] {
        let design = design(voice.kind)
        let rate = Double(sampleRate)
        let count = Int((longest * rate).rounded())
        var samples = [Double](repeating: 0, count: count)
        let attackSamples = max(1, Int((design.attack * rate).rounded()))
        let nyquistLimit = rate * 0.45
        var used = 0
        for strike in design.strikes {
            let start = Int((strike.offset * rate).rounded())
            for partial in strike.partials {
                let frequency = strike.frequency * partial.ratio * voice.pitchRatio
                guard frequency < nyquistLimit, frequency > 20 else { continue }
                let step = 2 * Double.pi * frequency / rate
                // Per-sample decay factor, applied by multiplication: exact enough and fast.
                let decayPerSample = exp(-1 / (partial.decay * rate))
                // The sine by a rotating phasor (two multiplications a sample instead of a sin()),
                // brought back to unit length now and then so rounding never builds up.
                let (stepCos, stepSin) = (cos(step), sin(step))
                var (real, imaginary) = (1.0, 0.0)
                var envelope = partial.amplitude
                var n = 0
                while start + n < count {
                    // Raised-cosine attack: starts just above zero, no click.
                    let ramp = n < attackSamples ? 0.5 - 0.5 * cos(Double.pi * Double(n + 1) / Double(attackSamples + 1)) : 1
                    samples[start + n] += envelope * ramp * imaginary
                    (real, imaginary) = (real * stepCos - imaginary * stepSin, real * stepSin + imaginary * stepCos)
                    if n & 4095 == 4095 {
                        let length = (real * real + imaginary * imaginary).squareRoot()
                        (real, imaginary) = (real / length, imaginary / length)
                    }
                    envelope *= decayPerSample
                    n += 1
                    if envelope < 1e-7 { break }
                }
                used = max(used, start + n)
            }
        }
        let peak = samples[0..<used].reduce(0) { max($0, abs($1)) }
        let target = pow(10, design.level / 20) * gain(volume: voice.volume)
        let scale = peak > 0 ? target / peak : 0
        // Where it has rung down: the last sample at or above -60 dBFS (at full volume, so that a
        // quieter volume keeps the same length and stays the same sound, only softer).
        let fullScale = peak > 0 ? pow(10, design.level / 20) / peak : 0
        let lastLoud = samples[0..<used].lastIndex { abs($0 * fullScale) >= ringDownLevel } ?? 0
        let fade = Int(0.02 * rate)
        let end = min(used, lastLoud + 1 + fade)
        var result = samples[0..<end].map { Float($0 * scale) }
        for n in 0..<min(fade, result.count) {
            let index = result.count - min(fade, result.count) + n
            result[index] *= Float(0.5 + 0.5 * cos(Double.pi * Double(n + 1) / Double(min(fade, result.count))))
        }
        return result
    }
}
