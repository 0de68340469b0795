/// Turns byte offsets into line:column, for the few places that are reported.
struct LineIndex: Sendable {
    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func position(of offset: Int) -> SourcePosition {
        positions(of: [offset])[0]
    }

    /// The positions of `offsets` (in increasing order), found in one pass over the bytes: a
    /// position costs nothing more than walking to it, however long its line.
    /// Columns count Unicode scalars, not bytes; a leading byte-order mark is not a column.
    func positions(of offsets: [Int]) -> [SourcePosition] {
        var result: [SourcePosition] = []
        result.reserveCapacity(offsets.count)
        var line = 1
        var column = 1
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        for offset in offsets {
            let end = min(max(offset, 0), bytes.count)
            while index < end {
                let byte = bytes[index]
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
                index += 1
            }
            result.append(SourcePosition(line: line, column: column))
        }
        return result
    }
}
