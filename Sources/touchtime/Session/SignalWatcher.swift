import TouchtimeSystem
import Synchronization
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// The process's signals during a session, from its first instruction to the exit.
///
/// Handlers are installed once and never taken back: a default disposition that came back
/// while the terminal was still raw, or before the history line was written, let a burst of
/// Ctrl-C kill the process mid-cleanup. The C handler only writes the signal's number to a
/// pipe (async-signal-safe); a thread of ours reads it and calls the session's handler, where
/// any work may be done.
///
/// - SIGINT, SIGTERM, SIGHUP, SIGQUIT end the session in order; the first one names the exit
///   status (128 + its number). Later ones change nothing.
/// - SIGTSTP, SIGCONT, SIGWINCH are handed to the session (Ctrl-Z, fg, a resize).
/// - SIGPIPE and SIGXFSZ are ignored: a reader that went away, or a file-size limit, is an
///   output error, reported, never a death.
/// - SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT (a crash, which should never happen)
///   first give the terminal back, then crash as they would have.
enum SignalWatcher {
    static let ending: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    static let screen: [Int32] = [SIGTSTP, SIGCONT, SIGWINCH]
    static let crashes: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT]

    private struct State {
        var installed = false
        var handler: (@Sendable (Int32) -> Void)?
        var firstEnding: Int32?
    }

    private static let state = Mutex(State())

    /// The first ending signal received, if any.
    static var firstEnding: Int32? { state.withLock { $0.firstEnding } }

    /// Opened by the first ending signal: what a wait before the session (its sound, its first
    /// prompts) is raced against, so an ending signal is acted on at once.
    static let ended = Latch()

    /// Installs the handlers (once). Call it first thing: from here on no signal kills the process.
    static func install() {
        let first = state.withLock { state -> Bool in
            defer { state.installed = true }
            return !state.installed
        }
        guard first else { return }
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { return }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        // The handler must never block: a full pipe drops a repeat, which changes nothing.
        _ = fcntl(descriptors[1], F_SETFL, fcntl(descriptors[1], F_GETFL) | O_NONBLOCK)
        let previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
        previousActions.initialize(repeating: sigaction(), count: 65)
        touchtimePreviousActions = previousActions
        touchtimeSignalPipe = descriptors[1]
        let reader = descriptors[0]
        DedicatedThread.start(named: "touchtime.signals") { readLoop(reader) }

        signal(SIGPIPE, SIG_IGN)
        // Past a file-size limit (ulimit -f) a write fails with EFBIG, reported; it is no reason to die.
        signal(SIGXFSZ, SIG_IGN)
        for number in ending + screen {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                let saved = errno
                _ = write(touchtimeSignalPipe, &byte, 1)
                errno = saved
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(SA_RESTART)
            sigaction(number, &action, nil)
        }
        // A parent may have started us with some of them blocked (a test runner's thread does):
        // blocked, they would never arrive.
        var watched = sigset_t()
        sigemptyset(&watched)
        for number in ending + screen { sigaddset(&watched, number) }
        pthread_sigmask(SIG_UNBLOCK, &watched, nil)
        for number in crashes {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                TerminalRescue.restore()
                // Crash as before (the runtime's own report, or the default), now that the terminal is back.
                if let previous = touchtimePreviousActions, number > 0, number < 65 {
                    sigaction(number, previous + Int(number), nil)
                }
                if number == SIGABRT || number == SIGTRAP { raise(number) }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(bitPattern: SA_RESETHAND)
            sigaction(number, &action, previousActions + Int(number))
        }
    }

    /// Hands every signal from now on to `handler` (on the signal thread). An ending signal that
    /// came before this call is handed over at once, so none is lost between install and watch.
    static func watch(_ handler: @escaping @Sendable (Int32) -> Void) {
        let missed = state.withLock { state -> Int32? in
            state.handler = handler
            return state.firstEnding
        }
        if let missed { handler(missed) }
    }

    private static func readLoop(_ descriptor: Int32) {
        var byte: UInt8 = 0
        while true {
            let count = read(descriptor, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count == 1 else { return }
            let number = Int32(byte)
            let (handler, first) = state.withLock { state -> ((@Sendable (Int32) -> Void)?, Bool) in
                let first = ending.contains(number) && state.firstEnding == nil
                if first { state.firstEnding = number }
                return (state.handler, first)
            }
            if first { ended.open() }
            handler?(number)
        }
    }
}

/// Where the C signal handler writes (set once, before any handler is installed).
nonisolated(unsafe) private var touchtimeSignalPipe: Int32 = -1
/// The crash signals' dispositions from before ours (the runtime's backtracer, or the default),
/// indexed by signal number; set once, before any handler is installed.
nonisolated(unsafe) private var touchtimePreviousActions: UnsafeMutablePointer<sigaction>?
