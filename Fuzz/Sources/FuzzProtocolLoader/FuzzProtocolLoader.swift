import TouchtimeCore

/// libFuzzer's entry: any bytes as a protocol file. Nothing may trap, and what a user would be
/// shown must be right: every line names the file and a place, and, once through the sanitiser
/// every output passes, holds no control character.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let treatment = try ProtocolLoader.decode(bytes, file: "fuzz.json")
        // A protocol that loads must run: its timeline and its first minute of events.
        var engine = SessionEngine(timeline: Timeline(treatment))
        _ = engine.start(at: .zero)
        _ = engine.advance(to: .seconds(60))
    } catch {
        for line in error.lines {
            let shown = line.escapingUnsafe
            precondition(!shown.unicodeScalars.contains(where: \.isUnsafeToShow), "a control character reaches the user: \(shown)")
            precondition(FuzzCheck.namesFileAndPlace(shown), "a message without its file and place: \(shown)")
        }
    }
    return 0
}

enum FuzzCheck {
    /// `fuzz.json:LINE:COLUMN: ...`, or the count of problems not shown.
    static func namesFileAndPlace(_ line: String) -> Bool {
        guard line.hasPrefix("fuzz.json:") else { return false }
        let rest = line.dropFirst("fuzz.json:".count)
        if rest.hasPrefix(" ... and ") { return true }
        let fields = rest.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        return fields.count == 3 && Int(fields[0]) != nil && Int(fields[1]) != nil
    }
}
