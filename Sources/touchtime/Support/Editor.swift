#if canImport(Glibc)
import Glibc
import SystemPackage
import TouchtimeProcess
import TouchtimeSystem
#endif

/// The user's text editor, run on a file the way `git commit` and `crontab -e` run it.
///
/// `$VISUAL`, else `$EDITOR`, else `vi`; the text may hold arguments (`code --wait`), so it is run
/// by the shell as `/bin/sh -c 'exec $EDITOR "$1"' sh FILE`: the file name itself is never parsed.
/// The editor owns the terminal while it runs: touchtime ignores Ctrl-C and Ctrl-\ meanwhile (they
/// are the editor's keys; the editor gets the default handlers). SIGTERM or SIGHUP sent to
/// touchtime is passed on to the editor, which ends as it would (most keep what was typed), and the
/// edit is then not saved (`Failure.ended`). Afterwards touchtime puts back the terminal settings it
/// found, in case an editor that crashed left them raw.
struct Editor {
    var command: String

    init(environment: [String: String]) {
        let chosen = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }
            .first { !$0.allSatisfy { $0 == " " || $0 == "\t" } }
        command = chosen ?? "vi"
    }

    enum Failure: Error, CustomStringConvertible {
        case cannotStart(editor: String, reason: String)
        case failed(editor: String, status: Int32)
        case killed(editor: String, signal: Int32)
        /// touchtime itself was told to end (SIGTERM, SIGHUP) while the editor ran.
        case ended(signal: Int32)

        var description: String {
            switch self {
            case .cannotStart(let editor, let reason):
                return "cannot start the editor '\(editor)': \(reason) (set VISUAL or EDITOR)"
            case .failed(let editor, 127):
                return "the editor '\(editor)' was not found (set VISUAL or EDITOR)"
            case .failed(let editor, 126):
                return "the editor '\(editor)' cannot be run (set VISUAL or EDITOR)"
            case .failed(let editor, let status):
                return "the editor '\(editor)' exited with status \(status)"
            case .killed(let editor, let signal):
                return "the editor '\(editor)' was ended by signal \(signal)"
            case .ended(let signal):
                return "ended by \(signal == SIGHUP ? "SIGHUP" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)") while editing"
            }
        }
    }

    /// Runs the editor on `path` and waits for it to exit.
    func edit(_ path: String) async throws(Failure) {
        var terminalSettings = termios()
        let hadTerminal = isatty(STDIN_FILENO) == 1 && tcgetattr(STDIN_FILENO, &terminalSettings) == 0
        let previousInterrupt = signal(SIGINT, SIG_IGN)
        let previousQuit = signal(SIGQUIT, SIG_IGN)
        editorEnding = 0
        editorProcess = 0
        var forward = sigaction()
        forward.__sigaction_handler.sa_handler = { number in
            let saved = errno
            editorEnding = number
            if editorProcess > 0 { kill(editorProcess, number) }
            errno = saved
        }
        sigemptyset(&forward.sa_mask)
        forward.sa_flags = Int32(SA_RESTART)
        var previousTerminate = sigaction()
        var previousHangup = sigaction()
        sigaction(SIGTERM, &forward, &previousTerminate)
        sigaction(SIGHUP, &forward, &previousHangup)
        defer {
            if hadTerminal { _ = tcsetattr(STDIN_FILENO, TCSADRAIN, &terminalSettings) }
            signal(SIGINT, previousInterrupt)
            signal(SIGQUIT, previousQuit)
            sigaction(SIGTERM, &previousTerminate, nil)
            sigaction(SIGHUP, &previousHangup, nil)
            editorProcess = 0
        }
        // `exec`: the editor is the child itself, so a signal passed on reaches it, not a shell around it.
        let ending = await InteractiveCommand.run("/bin/sh", ["-c", "exec " + command + " \"$1\"", "sh", path]) { pid in
            editorProcess = pid
            // A signal that came before the editor's id was known is passed on now.
            if editorEnding != 0 { kill(pid, editorEnding) }
        }
        if editorEnding != 0 { throw .ended(signal: editorEnding) }
        switch ending {
        case .exited(0): return
        case .exited(let status): throw .failed(editor: command, status: status)
        case .signaled(let signal): throw .killed(editor: command, signal: signal)
        case .cannotStart(let reason): throw .cannotStart(editor: command, reason: reason)
        }
    }
}

/// A yes-or-no question asked on the terminal itself (`/dev/tty`), as visudo and crontab -e
/// ask. Nil when there is no one to ask: standard input is not a terminal (a script), or there
/// is no controlling terminal. An empty answer is the default; end of input is a no.
enum TerminalQuestion {
    static func ask(_ question: String, defaultAnswer: Bool) -> Bool? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        let descriptor = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        let tty = StandardStream(descriptor: descriptor)
        while true {
            guard tty.write(question) else { return nil }
            var line: [UInt8] = []
            var byte: UInt8 = 0
            while true {
                let count = read(descriptor, &byte, 1)
                if count < 0, errno == EINTR { continue }
                // End of input (Ctrl-D) is a no: nothing is replaced that the person did not confirm.
                guard count == 1 else {
                    tty.write("\n")
                    return false
                }
                if byte == UInt8(ascii: "\n") { break }
                line.append(byte)
            }
            if let answer = Self.answer(line, defaultAnswer: defaultAnswer) { return answer }
        }
    }

    /// y, yes, n, no (any case), or nothing for the default; nil for anything else (ask again).
    static func answer(_ line: [UInt8], defaultAnswer: Bool) -> Bool? {
        let text = String(decoding: line, as: UTF8.self).lowercased().filter { $0 != " " && $0 != "\t" && $0 != "\r" }
        switch text {
        case "": return defaultAnswer
        case "y", "yes": return true
        case "n", "no": return false
        default: return nil
        }
    }
}

/// The editor's process, for the signal handler that passes SIGTERM and SIGHUP on to it.
nonisolated(unsafe) private var editorProcess: pid_t = 0
/// The ending signal touchtime got while the editor ran (0: none).
nonisolated(unsafe) private var editorEnding: Int32 = 0
