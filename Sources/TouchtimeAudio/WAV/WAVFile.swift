#if canImport(Glibc)
import Glibc
import SystemPackage
import TouchtimeSystem
#endif

/// 16-bit PCM WAV files: writing rendered audio, and reading it back (in tests, and to check
/// what ALSA's `file` plugin captured).
public enum WAVFile {
    public struct Audio: Sendable, Equatable {
        public var sampleRate: Int
        public var channels: Int
        /// Interleaved 16-bit samples.
        public var samples: [Int16]

        public init(sampleRate: Int, channels: Int, samples: [Int16]) {
            self.sampleRate = sampleRate
            self.channels = channels
            self.samples = samples
        }

        /// The first channel only.
        public var mono: [Int16] {
            channels == 1 ? samples : stride(from: 0, to: samples.count, by: channels).map { samples[$0] }
        }
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case cannotWrite(path: String, reason: String)
        case cannotRead(path: String, reason: String)
        case notWAV(path: String, reason: String)

        public var description: String {
            switch self {
            case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason)"
            case .cannotRead(let path, let reason): return "\(path): cannot read: \(reason)"
            case .notWAV(let path, let reason): return "\(path): not a 16-bit PCM WAV file: \(reason)"
            }
        }
    }

    /// Float samples in [-1, 1] to 16-bit, rounded and clamped.
    public static func quantize(_ samples: [Float]) -> [Int16] {
        samples.map { Int16(max(-32767, min(32767, ($0 * 32767).rounded()))) }
    }

    /// The most 16-bit mono samples a WAV file can hold: its sizes are 32-bit (12:25:39 at 48 kHz).
    public static let mostSamples = (Int(UInt32.max) - 36) / 2

    /// The bytes of a mono 16-bit WAV file; with `dataSamples`, a header announcing that many
    /// samples (and only the given ones after it), for a file written a block at a time.
    public static func encode(_ samples: [Int16], sampleRate: Int, dataSamples: Int? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(44 + samples.count * 2)
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        func append16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        let dataSize = UInt32(clamping: (dataSamples ?? samples.count) * 2)
        bytes += Array("RIFF".utf8); append32(dataSize &+ 36); bytes += Array("WAVE".utf8)
        bytes += Array("fmt ".utf8); append32(16); append16(1); append16(1)
        append32(UInt32(sampleRate)); append32(UInt32(sampleRate * 2)); append16(2); append16(16)
        bytes += Array("data".utf8); append32(dataSize)
        for sample in samples { append16(UInt16(bitPattern: sample)) }
        return bytes
    }

    public static func write(_ samples: [Int16], sampleRate: Int, to path: String) throws(Failure) {
        let writer = try WAVWriter(path: path, sampleRate: sampleRate)
        try writer.append(samples)
        try writer.finish()
    }

    /// Parses WAV bytes. A data chunk whose size says 0 (a writer that was never closed)
    /// is read to the end of the file.
    public static func decode(_ bytes: [UInt8], path: String = "") throws(Failure) -> Audio {
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw .notWAV(path: path, reason: "no RIFF/WAVE header")
        }
        var offset = 12
        var format: (rate: Int, channels: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let size = u32(offset + 4)
            let body = offset + 8
            if bytes[offset..<offset + 4].elementsEqual("fmt ".utf8), body + 16 <= bytes.count {
                guard u16(body) == 1 else { throw .notWAV(path: path, reason: "not PCM") }
                format = (u32(body + 4), u16(body + 2), u16(body + 14))
            } else if bytes[offset..<offset + 4].elementsEqual("data".utf8) {
                guard let format, format.bits == 16, format.channels > 0 else {
                    throw .notWAV(path: path, reason: "data before a 16-bit fmt chunk")
                }
                let available = bytes.count - body
                let length = size == 0 || size > available ? available : size
                var samples = [Int16](repeating: 0, count: length / 2)
                for index in samples.indices {
                    samples[index] = Int16(bitPattern: UInt16(u16(body + index * 2)))
                }
                return Audio(sampleRate: format.rate, channels: format.channels, samples: samples)
            }
            offset = body + size + (size & 1)
        }
        throw .notWAV(path: path, reason: "no data chunk")
    }

    public static func read(_ path: String) throws(Failure) -> Audio {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotRead(path: path, reason: Errno.text(errno)) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path: path, reason: Errno.text(errno))
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return try decode(bytes, path: path)
    }
}
