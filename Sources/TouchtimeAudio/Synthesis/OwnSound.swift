public import TouchtimeCore

/// A protocol's own sound for a chime kind (`"sounds"`): the WAV file's samples mixed to mono,
/// resampled with libsoxr (as speech is) to the stream's 48 kHz, and scaled by the voice's volume
/// with the same taper as the synthesised chimes. The file plays as recorded: no pitch change.
public enum OwnSound {
    /// The voice's file as 48 kHz mono 16-bit samples; nil when it cannot be read now (the file
    /// was checked when the protocol loaded; if it has gone since, the caller plays the synthesised kind).
    public static func render(_ voice: ChimeVoice) -> [Int16]? {
        guard let path = voice.sound, case .success(let file) = SoundFileCheck.read(path) else { return nil }
        let mono = monoSamples(file.bytes, format: file.format)
        guard let resampled = Resampler.resample(mono, from: file.format.sampleRate, to: ChimeSynthesizer.sampleRate) else {
            return nil
        }
        let gain = Float(ChimeSynthesizer.gain(volume: voice.volume))
        return WAVFile.quantize(resampled.map { $0 * gain })
    }

    /// Every frame's channels averaged, as floats in [-1, 1].
    static func monoSamples(_ bytes: [UInt8], format: SoundFileCheck.PCMFormat) -> [Float] {
        let width = format.bitsPerSample / 8
        let channels = format.channels
        var mono = [Float](repeating: 0, count: format.frames)
        bytes.withUnsafeBufferPointer { raw in
            func sample(at offset: Int) -> Float {
                var bits: UInt64 = 0
                for byte in 0..<width { bits |= UInt64(raw[offset + byte]) << (8 * byte) }
                switch (format.isFloat, width) {
                case (true, 4): return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
                case (true, _): return Float(Double(bitPattern: bits))
                case (false, 1): return (Float(bits) - 128) / 128  // 8-bit WAV is unsigned
                default:
                    // Sign-extend a little-endian integer of `width` bytes.
                    let shift = 64 - 8 * width
                    let value = Int64(bitPattern: bits << UInt64(shift)) >> Int64(shift)
                    return Float(Double(value) / Double(Int64(1) << (8 * width - 1)))
                }
            }
            for frame in 0..<format.frames {
                var sum: Float = 0
                let base = format.dataOffset + frame * format.bytesPerFrame
                for channel in 0..<channels { sum += sample(at: base + channel * width) }
                let value = sum / Float(channels)
                mono[frame] = value.isFinite ? min(max(value, -1), 1) : 0
            }
        }
        return mono
    }
}
