import Synchronization
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// The controlling terminal during a session, at two levels:
/// - raw keys: whenever standard input is a terminal, keys arrive one by one, unechoed, so a
///   space (or a pedal that types one) acts at once; Ctrl-C and Ctrl-Z still make signals;
/// - the full screen: the alternate screen, the cursor hidden, frames drawn row by row.
///
/// `restore()` undoes both; it is safe from any thread, any number of times, and runs on every
/// way out (the end, `q`, signals, a thrown error, `atexit`, and a crash's signal handler through
/// `TerminalRescue`). `suspend()` and `resume()` do the same around Ctrl-Z and fg.
final class Terminal: Sendable {
    private struct State {
        var saved: termios?
        var raw: termios?
        var keys = false
        var fullScreen = false
        /// Given back for Ctrl-Z: what to take again on fg.
        var suspended: (keys: Bool, fullScreen: Bool)?
        var lastFrame: [String] = []
    }

    private let state = Mutex(State())
    private let output = StandardStream.output

    /// The one terminal of the process, restored by `atexit` if nothing else did.
    static let shared = Terminal()

    private init() {
        atexit { Terminal.shared.restore() }
    }

    static var inputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    var size: ScreenRenderer.Size {
        var window = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else {
            return ScreenRenderer.Size(width: 80, height: 24)
        }
        return ScreenRenderer.Size(width: Int(window.ws_col), height: Int(window.ws_row))
    }

    /// Raw keys, when standard input is a terminal (else nothing to do).
    func takeKeys() {
        state.withLock { Self.takeKeys(&$0) }
    }

    /// The alternate screen, no cursor, and raw keys.
    func enterFullScreen() {
        state.withLock { state in
            Self.takeKeys(&state)
            guard !state.fullScreen else { return }
            output.write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[2J")
            state.fullScreen = true
            state.lastFrame = []
            TerminalRescue.fullScreen = true
        }
    }

    /// Everything back as it was found.
    func restore() {
        state.withLock { Self.restore(&$0, output: output) }
    }

    /// Ctrl-Z: give the terminal back (the process stops next), remembering what to take again.
    func suspend() {
        state.withLock { state in
            state.suspended = (state.keys, state.fullScreen)
            Self.restore(&state, output: output)
        }
    }

    /// fg: take the terminal again as it was before Ctrl-Z; the next frame is drawn whole.
    func resume() {
        state.withLock { state in
            guard let suspended = state.suspended else { return }
            state.suspended = nil
            if suspended.keys { Self.takeKeys(&state) }
            if suspended.fullScreen {
                output.write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[2J")
                state.fullScreen = true
                state.lastFrame = []
                TerminalRescue.fullScreen = true
            }
        }
    }

    /// Draws a frame, rewriting only the rows that changed (all of them after `invalidate`).
    func draw(_ lines: [String], height: Int) {
        state.withLock { state in
            guard state.fullScreen else { return }
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

    /// The next `draw` rewrites every row on a cleared screen (after a resize, or fg).
    func invalidate() {
        state.withLock { state in
            state.lastFrame = []
            if state.fullScreen { output.write("\u{1B}[2J") }
        }
    }

    private static func takeKeys(_ state: inout State) {
        guard !state.keys, inputIsTerminal else { return }
        var current = termios()
        guard tcgetattr(STDIN_FILENO, &current) == 0 else { return }
        if state.saved == nil { state.saved = current }
        var raw = current
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        TerminalRescue.saved = state.saved
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)
        state.raw = raw
        state.keys = true
    }

    private static func restore(_ state: inout State, output: StandardStream) {
        if state.fullScreen {
            output.write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
            state.fullScreen = false
            TerminalRescue.fullScreen = false
        }
        if state.keys, var saved = state.saved {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            state.keys = false
        }
    }
}

/// What a crash's signal handler needs to give the terminal back, kept where it can be reached
/// without locks or allocation: the settings found, and whether the full screen is up.
enum TerminalRescue {
    nonisolated(unsafe) static var saved: termios?
    nonisolated(unsafe) static var fullScreen = false

    /// Async-signal-safe: `write` and `tcsetattr` only.
    static func restore() {
        if fullScreen {
            let text: StaticString = "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"
            _ = write(STDOUT_FILENO, text.utf8Start, text.utf8CodeUnitCount)
        }
        if var saved {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        }
    }
}
