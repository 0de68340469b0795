import TouchtimeSystem
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// Reads standard input on a thread of its own and hands each key over as it arrives.
enum KeyReader {
    /// Reads keys from standard input until it ends: from a terminal always; from a pipe (or a
    /// socket) when `fromPipe` (a script or a pedal daemon driving the session); from a regular
    /// file only when `fromFile` too (a practice replayed from a file; a guided session never
    /// takes the letters of a file it was given by mistake for keys).
    static func start(fromPipe: Bool, fromFile: Bool = false, _ handler: @escaping @Sendable (Key) -> Void) {
        if !Terminal.inputIsTerminal {
            var status = stat()
            guard fromPipe, fstat(STDIN_FILENO, &status) == 0 else { return }
            switch status.st_mode & S_IFMT {
            case S_IFIFO, S_IFSOCK: break
            case S_IFREG where fromFile: break
            default: return
            }
        }
        DedicatedThread.start(named: "touchtime.keys") {
            var decoder = KeyDecoder()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                if decoder.isPending {
                    // Inside a sequence: more of it comes at once, or it has ended (a lone Escape, a cut paste).
                    var poller = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
                    let ready = poll(&poller, 1, Int32(KeyDecoder.pause.milliseconds))
                    if ready == 0 {
                        for key in decoder.flush() { handler(key) }
                        continue
                    }
                }
                let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count < 0, errno == EAGAIN {
                    // A non-blocking descriptor (set by whoever shares it): wait for input instead of spinning.
                    var poller = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
                    _ = poll(&poller, 1, -1)
                    continue
                }
                guard count > 0 else { return }
                for key in decoder.decode(Array(buffer[0..<count])) { handler(key) }
            }
        }
    }
}
