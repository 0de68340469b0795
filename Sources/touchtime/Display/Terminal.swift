import Synchronization
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// The controlling terminal in full-screen mode: raw keys, the alternate screen, a hidden cursor.
///
/// `leave()` undoes all of it and is safe to call from any thread, any number of times; it runs
/// on every way out (the end, `q`, signals, a thrown error, and `atexit` as a last resort).
final class Terminal: Sendable {
    private struct State {
        var saved: termios?
        var raw: termios?
        var active = false
        var lastFrame: [String] = []
    }

    private let state = Mutex(State())
    private let output = StandardStream.output

    /// The one terminal of the process, restored by `atexit` if nothing else did.
    static let shared = Terminal()

    private init() {
        atexit { Terminal.shared.leave() }
    }

    var size: ScreenRenderer.Size {
        var window = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else {
            return ScreenRenderer.Size(width: 80, height: 24)
        }
        return ScreenRenderer.Size(width: Int(window.ws_col), height: Int(window.ws_row))
    }

    /// Raw keys (signals still come from Ctrl-C and Ctrl-Z), the alternate screen, no cursor.
    func enter() {
        state.withLock { state in
            guard !state.active else { return }
            var current = termios()
            if isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &current) == 0 {
                state.saved = current
                var raw = current
                raw.c_lflag &= ~tcflag_t(ICANON | ECHO | IEXTEN)
                raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
                withUnsafeMutableBytes(of: &raw.c_cc) { cc in
                    cc[Int(VMIN)] = 1
                    cc[Int(VTIME)] = 0
                }
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)
                state.raw = raw
            }
            output.write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[2J")
            state.active = true
            state.lastFrame = []
        }
    }

    /// Leaves the alternate screen, shows the cursor and restores the saved terminal settings.
    func leave() {
        state.withLock { state in
            guard state.active else { return }
            output.write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
            if var saved = state.saved {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            }
            state.active = false
        }
    }

    /// Draws a frame, rewriting only the rows that changed (all of them after `invalidate`).
    func draw(_ lines: [String], height: Int) {
        state.withLock { state in
            guard state.active else { return }
            // A shell may put back its own modes after Ctrl-Z and fg: keep the keys raw.
            var current = termios()
            if var raw = state.raw, tcgetattr(STDIN_FILENO, &current) == 0, current.c_lflag & tcflag_t(ICANON) != 0 {
                tcsetattr(STDIN_FILENO, TCSANOW, &raw)
            }
            var out = ""
            for row in 0..<height {
                let line = row < lines.count ? lines[row] : ""
                if row < state.lastFrame.count, state.lastFrame[row] == line { continue }
                out += "\u{1B}[\(row + 1);1H\u{1B}[0m" + line + "\u{1B}[0m\u{1B}[K"
            }
            if !out.isEmpty { output.write(out) }
            state.lastFrame = (0..<height).map { $0 < lines.count ? lines[$0] : "" }
        }
    }

    /// The next `draw` rewrites every row (after a resize or a return from Ctrl-Z).
    func invalidate() {
        state.withLock { state in
            state.lastFrame = []
            if state.active { output.write("\u{1B}[2J") }
        }
    }
}
