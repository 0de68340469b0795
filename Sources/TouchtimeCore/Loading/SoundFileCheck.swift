#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage
import TouchtimeSystem

/// What a protocol's own sound file (`"sounds"`) must be, checked when the protocol loads: a PCM
/// WAV (8, 16, 24 or 32-bit integer or 32 or 64-bit float; any common rate; 1 to 8 channels),
/// at most 30 seconds and 10 MB. The audio layer reads the samples with the same parse, mixes
/// them to mono and resamples them to the stream's rate.
public enum SoundFileCheck {
    public static let maximumBytes = 10 * 1024 * 1024
    public static let maximumSeconds = 30.0
    public static let rates = 8000...192_000
    public static let channels = 1...8

    /// Where the samples are and how they are stored.
    public struct PCMFormat: Sendable, Equatable {
        public var sampleRate: Int
        public var channels: Int
        public var bitsPerSample: Int
        public var isFloat: Bool
        /// The data chunk's first byte and its length in bytes (whole frames only).
        public var dataOffset: Int
        public var dataLength: Int

        public var bytesPerFrame: Int { channels * bitsPerSample / 8 }
        public var frames: Int { dataLength / bytesPerFrame }
        public var seconds: Double { Double(frames) / Double(sampleRate) }
    }

    /// nil when the file at `path` is fit to play, else what is wrong with it (for a message
    /// that quotes the file's name first: `"bell.wav" is not a WAV file: ...`).
    @Sendable public static func problem(with path: String) -> String? {
        switch read(path) {
        case .success: return nil
        case .failure(let problem): return problem.text
        }
    }

    public struct Problem: Error, Sendable, Equatable {
        public var text: String
    }

    /// The file's bytes and their format, or why it cannot be played.
    public static func read(_ path: String) -> Result<(bytes: [UInt8], format: PCMFormat), Problem> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return .failure(Problem(text: "cannot be read: \(Errno.text(errno)) (\(path))")) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(Problem(text: "cannot be read: \(Errno.text(errno))")) }
        if let kind = FileSystem.nonRegularKind(status.st_mode) {
            return .failure(Problem(text: "is \(kind), expected a WAV file"))
        }
        guard Int(status.st_size) <= maximumBytes else {
            return .failure(Problem(text: "is \(Self.grouped(Int(status.st_size))) bytes; a sound may be at most 10 MB "
                                    + "(\(Self.grouped(maximumBytes)) bytes)"))
        }
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(descriptor, path: path, limit: maximumBytes + 1)
        } catch {
            return .failure(Problem(text: "cannot be read: \(error.lines.first ?? "read error")"))
        }
        return format(of: bytes).map { (bytes, $0) }
    }

    /// Parses the RIFF header: the `fmt ` chunk, then the `data` chunk.
    public static func format(of bytes: [UInt8]) -> Result<PCMFormat, Problem> {
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func fail(_ text: String) -> Result<PCMFormat, Problem> { .failure(Problem(text: text)) }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            return fail("is not a WAV file: it has no RIFF/WAVE header")
        }
        var offset = 12
        var found: (rate: Int, channels: Int, bits: Int, float: Bool)?
        while offset + 8 <= bytes.count {
            let size = u32(offset + 4)
            let body = offset + 8
            if bytes[offset..<offset + 4].elementsEqual("fmt ".utf8) {
                guard size >= 16, body + 16 <= bytes.count else { return fail("is not a WAV file: its format chunk is cut short") }
                var tag = u16(body)
                if tag == 0xFFFE {
                    // WAVE_FORMAT_EXTENSIBLE: the real format is the sub-format GUID's first two bytes.
                    guard size >= 40, body + 26 <= bytes.count else { return fail("is not a WAV file: its format chunk is cut short") }
                    tag = u16(body + 24)
                }
                let channels = u16(body + 2)
                let rate = u32(body + 4)
                let bits = u16(body + 14)
                switch (tag, bits) {
                case (1, 8), (1, 16), (1, 24), (1, 32): found = (rate, channels, bits, false)
                case (3, 32), (3, 64): found = (rate, channels, bits, true)
                case (1, _): return fail("has \(bits)-bit integer samples; expected 8, 16, 24 or 32-bit (or 32 or 64-bit float)")
                case (3, _): return fail("has \(bits)-bit float samples; expected 32 or 64-bit float (or 8, 16, 24 or 32-bit integer)")
                default:
                    let hex = String(tag, radix: 16, uppercase: true)
                    return fail("is compressed (WAV format 0x\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)); expected PCM: convert it, e.g. `sox in.wav -b 16 out.wav`")
                }
                guard Self.channels.contains(channels) else { return fail("has \(channels) channels; expected 1 to 8") }
                guard rates.contains(rate) else { return fail("has a sample rate of \(rate) Hz; expected 8000 to 192000") }
            } else if bytes[offset..<offset + 4].elementsEqual("data".utf8) {
                guard let found else {
                    // A format chunk after the data is not one any player reads either.
                    return fail("is not a WAV file: it has no format chunk before its data")
                }
                let available = bytes.count - body
                // A writer that never closed its file leaves the size 0 (or too large): read what is there.
                let length = size == 0 || size > available ? available : size
                let frameBytes = found.channels * found.bits / 8
                let format = PCMFormat(sampleRate: found.rate, channels: found.channels, bitsPerSample: found.bits, isFloat: found.float,
                                       dataOffset: body, dataLength: length - length % frameBytes)
                guard format.frames > 0 else { return fail("holds no sound (its data is empty)") }
                guard format.seconds <= maximumSeconds else {
                    return fail("lasts \(String(format: format.seconds)) s (\(Self.grouped(format.frames)) frames at \(format.sampleRate) Hz); "
                                + "a sound may last at most 30 s")
                }
                return .success(format)
            }
            guard size <= bytes.count else { break }
            offset = body + size + (size & 1)
        }
        return fail(found == nil ? "is not a WAV file: it has no format chunk" : "is not a WAV file: it has no data chunk")
    }
}

extension SoundFileCheck {
    /// 10,485,761: thousands grouped.
    static func grouped(_ value: Int) -> String {
        var digits = Array(String(value))
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: index)
            index -= 3
        }
        return String(digits)
    }
}

extension String {
    /// Three decimals, the trailing zeros dropped past the first: 30.0, 30.02, 30.001.
    fileprivate init(format value: Double) {
        let thousandths = Int((value * 1000).rounded())
        var fraction = String(thousandths % 1000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.count > 1, fraction.hasSuffix("0") { fraction.removeLast() }
        self = "\(thousandths / 1000).\(fraction)"
    }
}
