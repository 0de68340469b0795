import CSoxr

/// Sample-rate conversion with libsoxr (its "high quality" recipe): speech comes at 16 kHz
/// (flite) or 22.05 kHz (espeak-ng) and the stream runs at 48 kHz.
enum Resampler {
    /// `samples` at `inputRate`, converted to `outputRate`; nil when libsoxr fails.
    static func resample(_ samples: [Float], from inputRate: Int, to outputRate: Int) -> [Float]? {
        guard inputRate != outputRate, !samples.isEmpty else { return samples }
        guard inputRate > 0, outputRate > 0 else { return nil }
        let capacity = Int((Double(samples.count) * Double(outputRate) / Double(inputRate)).rounded(.up)) + 64
        var output = [Float](repeating: 0, count: capacity)
        var produced = 0
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        let failure = samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                soxr_oneshot(Double(inputRate), Double(outputRate), 1, input.baseAddress, input.count, nil,
                             out.baseAddress, out.count, &produced, nil, &quality, nil)
            }
        }
        guard failure == nil else { return nil }
        return Array(output.prefix(produced))
    }
}
