#if canImport(Glibc)
import Glibc
import SystemPackage
import TouchtimeSystem
#endif

/// A mono 16-bit WAV written a block at a time: the header's sizes are filled in at the end,
/// so a file of any length costs only the block in hand.
public final class WAVWriter {
    private let descriptor: Int32
    private let path: String
    private var samplesWritten = 0
    private let sampleRate: Int

    public init(path: String, sampleRate: Int) throws(WAVFile.Failure) {
        self.path = path
        self.sampleRate = sampleRate
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: Errno.text(errno)) }
        try write(WAVFile.encode([], sampleRate: sampleRate))
    }

    deinit { close(descriptor) }

    /// Appends samples.
    public func append(_ samples: [Int16]) throws(WAVFile.Failure) {
        guard samplesWritten + samples.count <= WAVFile.mostSamples else {
            throw .cannotWrite(path: path, reason: "a WAV file holds at most \(WAVFile.mostSamples) samples (its sizes are 32-bit)")
        }
        var bytes = [UInt8](repeating: 0, count: samples.count * 2)
        for (index, sample) in samples.enumerated() {
            let value = UInt16(bitPattern: sample)
            bytes[index * 2] = UInt8(value & 0xFF)
            bytes[index * 2 + 1] = UInt8(value >> 8)
        }
        try write(bytes)
        samplesWritten += samples.count
    }

    /// Writes the sizes into the header. The file is complete after this.
    public func finish() throws(WAVFile.Failure) {
        let header = WAVFile.encode([], sampleRate: sampleRate, dataSamples: samplesWritten)
        guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw .cannotWrite(path: path, reason: Errno.text(errno)) }
        try write(header)
    }

    private func write(_ bytes: [UInt8]) throws(WAVFile.Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path: path, reason: Errno.text(errno))
            }
            offset += written
        }
    }
}
