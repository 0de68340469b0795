#if canImport(Glibc)
import Glibc
import SystemPackage
import TouchtimeSystem
#endif

/// The lines of a file read a chunk at a time, forward or from the end, never the whole file
/// at once: a history of 100,000 sessions costs what its last few lines cost when only those
/// are wanted. A line longer than `longest` is reported as such, never held.
struct HistoryLines {
    /// A line: its bytes (without the newline), where it starts, whether it was too long to
    /// keep, and its number from 1 (known when reading forward; 0 reading backward).
    struct Line {
        var bytes: ArraySlice<UInt8>
        var offset: Int
        var tooLong: Bool
        var number = 0
        /// The file's last line, with no newline after it: a line still being written by another
        /// session (or one torn by a crash), not yet a line of the history.
        var unterminated = false
        /// Reading forward: where the next line starts (past this one's newline).
        var end = 0
    }

    static let chunk = 1 << 16
    /// No history line is anywhere near this long; a longer one is not read into memory.
    static let longest = 1 << 20

    let descriptor: Int32
    let size: Int

    /// A chunk's storage, its bytes not yet written (they are read into before being looked at).
    private static func storage() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: chunk) { _, initialized in initialized = chunk }
    }

    /// Every non-empty line in file order, from `start` (the start of a line, numbered `number`);
    /// `body` returns false to stop.
    func forward(from offset: Int = 0, number first: Int = 1, _ body: (Line) -> Bool) throws(HistoryFile.ReadError.Reason) {
        // The start of a line whose end is in a later chunk (dropped, once too long to keep).
        var pending: [UInt8] = []
        var pendingOffset = 0
        var discarding = false
        var position = offset
        var number = first
        var buffer: [UInt8] = []
        while position < size {
            // Lines handed on may still hold the last chunk (their slices share it): each chunk is
            // read into fresh storage, never into that one (which would copy it first).
            buffer = Self.storage()
            let count = try read(into: &buffer, at: position, count: min(Self.chunk, size - position))
            if count == 0 { break }
            var start = 0
            while let newline = Self.newline(in: buffer, from: start, to: count) {
                let piece = buffer[start..<newline]
                let line: Line
                if pending.isEmpty && !discarding {
                    line = Line(bytes: piece, offset: position + start, tooLong: false, number: number, end: position + newline + 1)
                } else {
                    let tooLong = discarding || pending.count + piece.count > Self.longest
                    line = Line(bytes: tooLong ? [] : (pending + piece)[...], offset: pendingOffset, tooLong: tooLong, number: number,
                                end: position + newline + 1)
                    pending = []
                    discarding = false
                }
                if !line.bytes.isEmpty || line.tooLong, !body(line) { return }
                number += 1
                start = newline + 1
            }
            if start < count, !discarding {
                if pending.isEmpty { pendingOffset = position + start }
                pending += buffer[start..<count]
                if pending.count > Self.longest {
                    pending = []
                    discarding = true
                }
            }
            position += count
        }
        if !pending.isEmpty || discarding {
            _ = body(Line(bytes: pending[...], offset: pendingOffset, tooLong: discarding, number: number, unterminated: true, end: position))
        }
    }

    /// The index of the first newline in `buffer[from..<to]`, found by the C library.
    private static func newline(in buffer: [UInt8], from: Int, to: Int) -> Int? {
        guard from < to else { return nil }
        return buffer.withUnsafeBufferPointer { pointer -> Int? in
            guard let base = pointer.baseAddress, let found = memchr(base + from, 0x0A, to - from) else { return nil }
            return UnsafeRawPointer(found) - UnsafeRawPointer(base)
        }
    }

    /// Every non-empty line from the last to the first; `body` returns false to stop.
    func backward(_ body: (Line) -> Bool) throws(HistoryFile.ReadError.Reason) {
        var end = size
        // The bytes after the newest newline found so far: the end of a line whose start is further back.
        var carry: [UInt8] = []
        var carryTooLong = false
        var buffer = [UInt8](repeating: 0, count: Self.chunk)
        // The first line found (the last in the file) is unterminated unless the file ends with a newline.
        var first = true
        var last: UInt8 = 0x0A
        if size > 0, try read(into: &buffer, at: size - 1, count: 1) == 1 { last = buffer[0] }
        while end > 0 {
            let start = max(0, end - Self.chunk)
            let count = try read(into: &buffer, at: start, count: end - start)
            guard count == end - start else { throw .init(text: "the file changed while it was read") }
            var lineEnd = count  // exclusive, within buffer; the line continues into `carry`
            var index = count
            while index > 0 {
                index -= 1
                guard buffer[index] == 0x0A else { continue }
                let line = Line(bytes: carryTooLong ? [] : buffer[(index + 1)..<lineEnd] + carry, offset: start + index + 1,
                                tooLong: carryTooLong, unterminated: first && last != 0x0A)
                first = false
                carry = []
                carryTooLong = false
                if !line.bytes.isEmpty || line.tooLong, !body(line) { return }
                lineEnd = index
            }
            // What precedes the first newline of this chunk continues further back.
            if !carryTooLong {
                carry = Array(buffer[0..<lineEnd]) + carry
                if carry.count > Self.longest {
                    carry = []
                    carryTooLong = true
                }
            }
            end = start
        }
        if !carry.isEmpty || carryTooLong {
            _ = body(Line(bytes: carry[...], offset: 0, tooLong: carryTooLong, unterminated: first && last != 0x0A))
        }
    }

    /// The line number (from 1) of the line starting at `offset`: its newlines counted, only when asked.
    func lineNumber(at offset: Int) throws(HistoryFile.ReadError.Reason) -> Int {
        var buffer = [UInt8](repeating: 0, count: Self.chunk)
        var newlines = 0
        var position = 0
        while position < offset {
            let count = try read(into: &buffer, at: position, count: min(Self.chunk, offset - position))
            if count == 0 { break }
            newlines += buffer[0..<count].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            position += count
        }
        return newlines + 1
    }

    private func read(into buffer: inout [UInt8], at offset: Int, count: Int) throws(HistoryFile.ReadError.Reason) -> Int {
        var total = 0
        while total < count {
            let got = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress.map { $0 + total }, count - total, off_t(offset + total))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw .init(text: Errno.text(errno))
            }
            if got == 0 { break }
            total += got
        }
        return total
    }
}
