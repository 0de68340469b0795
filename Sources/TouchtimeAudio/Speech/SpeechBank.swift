public import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// Every prompt of a session rendered before it starts (about 30 ms an utterance), with the
/// protocol's voice options and the command line's volume.
public enum SpeechBank {
    /// Renders in this process (loading flite here: `render --voice`, `say`, the helper).
    public static func render(_ plan: SpeechPlan, volume: Int = 100) throws(SpeechError) -> [String: [Int16]] {
        let options = plan.options
        let level = level(plan, volume: volume)
        var bank: [String: [Int16]] = [:]
        for text in plan.texts.sorted() {
            bank[text] = try SpeechSynthesizer.render(text, language: options.language, rate: options.rate, volume: level)
        }
        return bank
    }

    /// Renders in a helper process, `helper _prompts ...` (the executable itself): a session's
    /// memory then never holds flite (its voice data is about 4 MB resident once used), only the
    /// samples. The same samples as `render`, sample for sample.
    public static func renderApart(_ plan: SpeechPlan, volume: Int = 100, helper: String) throws(SpeechError) -> [String: [Int16]] {
        let texts = plan.texts.sorted()
        let options = plan.options
        let output = try Subprocess.output([helper, "_prompts", "--language", options.language, "--rate", "\(options.rate)",
                                            "--volume", "\(level(plan, volume: volume))", "--"] + texts, name: "the speech helper")
        return try decode(output, texts: texts)
    }

    static func level(_ plan: SpeechPlan, volume: Int) -> Int {
        Int((Double(volume) * Double(plan.options.volume) / 100).rounded())
    }

    /// The helper's answer: 0, then per text its sample count (4 bytes) and samples (2 bytes each,
    /// little-endian); or 1 and a one-line reason.
    public static func encode(_ result: Result<[[Int16]], SpeechError>) -> [UInt8] {
        switch result {
        case .success(let utterances):
            var bytes: [UInt8] = [0]
            for samples in utterances {
                let count = UInt32(samples.count)
                bytes += (0..<4).map { UInt8(truncatingIfNeeded: count >> (8 * UInt32($0))) }
                bytes.reserveCapacity(bytes.count + samples.count * 2)
                for sample in samples {
                    let bits = UInt16(bitPattern: sample)
                    bytes.append(UInt8(truncatingIfNeeded: bits))
                    bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
                }
            }
            return bytes
        case .failure(let error):
            return [1] + Array(error.description.utf8)
        }
    }

    static func decode(_ bytes: [UInt8], texts: [String]) throws(SpeechError) -> [String: [Int16]] {
        guard let first = bytes.first else { throw SpeechError("the speech helper gave no answer") }
        guard first == 0 else { throw SpeechError(String(decoding: bytes.dropFirst().prefix(500), as: UTF8.self)) }
        var bank: [String: [Int16]] = [:]
        var index = 1
        for text in texts {
            guard index + 4 <= bytes.count else { throw SpeechError("the speech helper's answer was cut short") }
            let count = (0..<4).reduce(0) { $0 | Int(bytes[index + $1]) << (8 * $1) }
            index += 4
            guard count <= (bytes.count - index) / 2 else { throw SpeechError("the speech helper's answer was cut short") }
            var samples = [Int16](repeating: 0, count: count)
            for sample in 0..<count {
                samples[sample] = Int16(bitPattern: UInt16(bytes[index + 2 * sample]) | UInt16(bytes[index + 2 * sample + 1]) << 8)
            }
            index += 2 * count
            bank[text] = samples
        }
        return bank
    }
}
