import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// A key (or a foot pedal that types one), as the display understands it.
enum Key: Equatable {
    case space, next, previous, longer, shorter, mute, quit, yes, help, other
}

/// Reads standard input on its own thread and hands each key to `handler`.
enum KeyReader {
    /// Reads keys from standard input; unless `anyInput`, only when it is a terminal.
    static func start(anyInput: Bool = false, _ handler: @escaping @Sendable (Key) -> Void) {
        guard anyInput || isatty(STDIN_FILENO) == 1 else { return }
        // A blocking read, on a queue of its own.
        DispatchQueue(label: "touchtime.keys").async {
            var buffer = [UInt8](repeating: 0, count: 64)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return
                }
                if count == 0 { return }
                for key in parse(Array(buffer[0..<count])) { handler(key) }
            }
        }
    }

    /// Keys from a chunk of input: arrows arrive as `ESC [ C` and `ESC [ D` (or `ESC O C`).
    static func parse(_ bytes: [UInt8]) -> [Key] {
        var keys: [Key] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x1B {
                if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "[") || bytes[index + 1] == UInt8(ascii: "O") {
                    switch bytes[index + 2] {
                    case UInt8(ascii: "C"): keys.append(.next)
                    case UInt8(ascii: "D"): keys.append(.previous)
                    default: keys.append(.other)
                    }
                    index += 3
                    // Skip the rest of a longer sequence (ESC [ 1 ; 5 C and the like).
                    continue
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\r"), UInt8(ascii: "\n"): keys.append(.space)
            case UInt8(ascii: "n"), UInt8(ascii: "N"): keys.append(.next)
            case UInt8(ascii: "p"), UInt8(ascii: "P"): keys.append(.previous)
            case UInt8(ascii: "+"), UInt8(ascii: "="): keys.append(.longer)
            case UInt8(ascii: "-"), UInt8(ascii: "_"): keys.append(.shorter)
            case UInt8(ascii: "m"), UInt8(ascii: "M"): keys.append(.mute)
            case UInt8(ascii: "q"), UInt8(ascii: "Q"): keys.append(.quit)
            case UInt8(ascii: "y"), UInt8(ascii: "Y"): keys.append(.yes)
            case UInt8(ascii: "?"), UInt8(ascii: "h"): keys.append(.help)
            default: keys.append(.other)
            }
            index += 1
        }
        return keys
    }
}
