import TouchtimeCore

/// libFuzzer's entry: any bytes as a configuration file. It is a configuration or located
/// problems, never a trap; every problem is one short line naming the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let configuration = try Configuration.decode(bytes, file: "config.json")
        // What a session does with it: the key maps.
        _ = KeyMap(mapping: configuration.keys)
        _ = KeyMap(mapping: configuration.keys.merging(configuration.pedal?.keys ?? [:]) { $1 })
    } catch {
        precondition(!error.lines.isEmpty)
        for line in error.lines {
            precondition(line.hasPrefix("config.json"), "a problem not naming the file: \(line)")
            precondition(line.count <= 2000, "a problem line of \(line.count) characters")
            precondition(!line.contains("\n"))
        }
    }
    return 0
}
