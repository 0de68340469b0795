import TouchtimeCore

/// libFuzzer's entry: any bytes as key input (a terminal, a pipe, a paste). Decoded whole and in
/// pieces (the first byte chooses their size) they are the same keys; the decoder holds at most a
/// bounded sequence, never a trap; the keys go through the guided session's controller.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var whole = KeyDecoder()
    let keys = whole.decode(bytes) + whole.flush()
    var pieces = KeyDecoder()
    let step = max(1, Int(bytes.first ?? 1) % 17)
    var split: [Key] = []
    var start = 0
    while start < bytes.count {
        split += pieces.decode(Array(bytes[start..<min(start + step, bytes.count)]))
        start += step
    }
    split += pieces.flush()
    precondition(split == keys, "decoding in pieces of \(step) gave other keys")
    precondition(MemoryLayout<KeyDecoder>.size <= 64)
    var controller = KeyController(mode: .session, map: .standard, debounce: .milliseconds(700))
    for (index, key) in keys.enumerated() {
        _ = controller.handle(key, at: .milliseconds(Int64(index * 37)))
    }
    return 0
}
