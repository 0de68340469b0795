import TouchtimeCore
/// How a session and its speech helper (`touchtime _prompts`) talk over the helper's standard input
/// and output: one prompt at a time, so the session asks for the prompts it needs next and never
/// waits for all of them.
///
/// - A request: the text's length in bytes (4 bytes, little-endian), then its UTF-8 bytes.
/// - An answer: 0, the sample count (4 bytes) and the samples (2 bytes each, little-endian); or
///   1, the reason's length (4 bytes) and the reason (UTF-8, one line).
public enum PromptWire {
    /// The longest text a request may carry (a protocol's texts are at most 2,000 characters).
    public static let longestText = 16 << 10
    /// The most samples an answer may carry: `SpeechSynthesizer.longest` at 48 kHz.
    public static let mostSamples = Int(SpeechSynthesizer.longest.seconds) * SpeechSynthesizer.sampleRate

    public static func request(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8.prefix(longestText))
        return littleEndian(UInt32(bytes.count)) + bytes
    }

    public static func answer(_ result: Result<[Int16], SpeechError>) -> [UInt8] {
        switch result {
        case .success(let samples):
            var bytes = [0] + littleEndian(UInt32(samples.count))
            bytes.reserveCapacity(bytes.count + 2 * samples.count)
            for sample in samples {
                let bits = UInt16(bitPattern: sample)
                bytes.append(UInt8(truncatingIfNeeded: bits))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
            }
            return bytes
        case .failure(let error):
            let reason = Array(error.description.utf8.prefix(500))
            return [1] + littleEndian(UInt32(reason.count)) + reason
        }
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) }
    }

    /// Collects bytes as they arrive and gives back each whole message: the helper's requests
    /// (texts), or the session's answers. A message that breaks the format is an error.
    public struct Reader: Sendable {
        private var buffer: [UInt8] = []
        private var start = 0

        public init() {}

        public mutating func append(_ bytes: [UInt8]) {
            if start > 0, start >= buffer.count / 2 {
                buffer.removeFirst(start)
                start = 0
            }
            buffer += bytes
        }

        private func word(at index: Int) -> Int {
            (0..<4).reduce(0) { $0 | Int(buffer[index + $1]) << (8 * $1) }
        }

        /// The next whole request, nil until one has arrived; an error for one too long.
        public mutating func nextRequest() throws(SpeechError) -> String? {
            guard buffer.count - start >= 4 else { return nil }
            let length = word(at: start)
            guard length <= PromptWire.longestText else { throw SpeechError("a request of \(length) bytes") }
            guard buffer.count - start - 4 >= length else { return nil }
            let text = String(decoding: buffer[(start + 4)..<(start + 4 + length)], as: UTF8.self)
            start += 4 + length
            return text
        }

        /// The next whole answer, nil until one has arrived; an error for one that breaks the format.
        public mutating func nextAnswer() throws(SpeechError) -> Result<[Int16], SpeechError>? {
            guard buffer.count - start >= 5 else { return nil }
            let status = buffer[start]
            let count = word(at: start + 1)
            switch status {
            case 0:
                guard count <= PromptWire.mostSamples else { throw SpeechError("the speech helper answered with \(count) samples") }
                guard buffer.count - start - 5 >= 2 * count else { return nil }
                var samples = [Int16](repeating: 0, count: count)
                let base = start + 5
                for index in 0..<count {
                    samples[index] = Int16(bitPattern: UInt16(buffer[base + 2 * index]) | UInt16(buffer[base + 2 * index + 1]) << 8)
                }
                start = base + 2 * count
                return .success(samples)
            case 1:
                guard count <= 4096 else { throw SpeechError("the speech helper's answer is not in its format") }
                guard buffer.count - start - 5 >= count else { return nil }
                let reason = String(decoding: buffer[(start + 5)..<(start + 5 + count)], as: UTF8.self)
                start += 5 + count
                return .failure(SpeechError(reason))
            default:
                throw SpeechError("the speech helper's answer is not in its format")
            }
        }
    }
}
