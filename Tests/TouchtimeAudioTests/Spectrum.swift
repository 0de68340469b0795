import Foundation

/// A small radix-2 FFT, enough to find a chime's dominant frequency in a test.
enum Spectrum {
    /// The frequency (Hz) of the strongest bin in `samples[range]`, Hann-windowed and zero-padded.
    static func dominantFrequency(_ samples: [Float], from start: Int, count: Int, sampleRate: Int, size: Int = 1 << 16) -> Double {
        var real = [Double](repeating: 0, count: size)
        var imaginary = [Double](repeating: 0, count: size)
        let length = min(count, samples.count - start, size)
        for index in 0..<length {
            let window = 0.5 - 0.5 * cos(2 * Double.pi * Double(index) / Double(length - 1))
            real[index] = Double(samples[start + index]) * window
        }
        transform(&real, &imaginary)
        var best = 1
        var bestPower = 0.0
        for bin in 1..<(size / 2) {
            let power = real[bin] * real[bin] + imaginary[bin] * imaginary[bin]
            if power > bestPower { bestPower = power; best = bin }
        }
        return Double(best) * Double(sampleRate) / Double(size)
    }

    private static func transform(_ real: inout [Double], _ imaginary: inout [Double]) {
        let count = real.count
        var j = 0
        for i in 1..<count {
            var bit = count >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { real.swapAt(i, j); imaginary.swapAt(i, j) }
        }
        var length = 2
        while length <= count {
            let angle = -2 * Double.pi / Double(length)
            for start in stride(from: 0, to: count, by: length) {
                for k in 0..<(length / 2) {
                    let (c, s) = (cos(angle * Double(k)), sin(angle * Double(k)))
                    let a = start + k, b = start + k + length / 2
                    let tr = real[b] * c - imaginary[b] * s
                    let ti = real[b] * s + imaginary[b] * c
                    real[b] = real[a] - tr; imaginary[b] = imaginary[a] - ti
                    real[a] += tr; imaginary[a] += ti
                }
            }
            length <<= 1
        }
    }
}
