import TouchtimeCore

/// libFuzzer's entry: any bytes as a line of the history. It is an entry or a reason, never a
/// trap; an entry written back and read again is the same entry; the fast reader of lines reads
/// what the JSON parser reads, the same way (or leaves the line to it).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let tree = Result { () throws(HistoryLineError) in try HistoryEntry.parseTree(line) }
    let fast = Result { () throws(HistoryLineError) in try HistoryEntry.parse(line) }
    switch (tree, fast) {
    case (.success(let a), .success(let b)): precondition(a == b, "the fast reader reads otherwise: \(line)")
    case (.failure(let a), .failure(let b)): precondition(a == b, "the fast reader fails otherwise: \(line)")
    default: preconditionFailure("the fast reader and the parser disagree on: \(line)")
    }
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
