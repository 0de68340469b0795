import TouchtimeCore

/// libFuzzer's entry: any bytes as a line of the history. It is an entry or a reason, never a
/// trap; an entry written back and read again is the same entry.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let entry = try HistoryEntry.parse(line)
        let again = try HistoryEntry.parse(entry.jsonLine)
        precondition(again.jsonLine == entry.jsonLine, "a line does not survive being written back: \(entry.jsonLine)")
        // What `history` and `stats` do with an entry.
        _ = DurationText.clock(entry.actual)
        _ = PracticeStats.compute([entry], today: "2026-11-30")
    } catch {
        precondition(!error.reason.isEmpty)
    }
    return 0
}
