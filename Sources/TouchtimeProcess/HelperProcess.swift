import Subprocess
import SystemPackage
import TouchtimeSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process touchtime talks to while it runs: the speech helper, the listening helper,
/// espeak-ng. Started through swift-subprocess, so it begins with every signal at its default
/// and none blocked (the session's own handlers are not its), with standard error discarded (a C
/// library's messages never reach the therapist's terminal).
///
/// What is written goes to its standard input in order, from a task of the process's own: a
/// caller never waits for a slow or stopped child. What it writes arrives as `output`, chunk by
/// chunk, until it closes its standard output. `kill()` ends it whatever state it is in (a
/// stopped child too), and `ending` says how it ended.
///
/// ```swift
/// let helper = HelperProcess(executable: "/usr/bin/cat", arguments: [])
/// helper.write(Array("hello\n".utf8))
/// helper.closeInput()
/// for await chunk in helper.output { print(chunk) }   // [104, 101, ...]
/// print(await helper.ending)                           // exited with status 0
/// ```
public final class HelperProcess: Sendable {
    /// How a helper ended.
    public enum Ending: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)
        /// It could not be started at all: the reason.
        case cannotStart(String)

        public var description: String {
            switch self {
            case .exited(let code): return "it exited with status \(code)"
            case .signaled(let signal): return "it was ended by signal \(signal)\(Self.signalName(signal).map { " (\($0))" } ?? "")"
            case .cannotStart(let reason): return "it could not be started: \(reason)"
            }
        }

        static func signalName(_ number: Int32) -> String? {
            [4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 15: "SIGTERM", 24: "SIGXCPU"][number]
        }
    }

    /// What the helper writes, chunk by chunk, until it closes its standard output (or is killed).
    public let output: AsyncStream<[UInt8]>
    private let input: AsyncStream<[UInt8]>.Continuation
    private let kills: AsyncStream<Void>.Continuation
    private let run: Task<Ending, Never>
    private let identifier = ProcessIdentifierBox()

    /// Starts `executable` with `arguments` (no shell: an argument is never parsed). A helper that
    /// ends before it has read all it was sent makes the next write fail (EPIPE), never a SIGPIPE
    /// that would end this process: SIGPIPE is ignored from the first helper on.
    public init(executable: String, arguments: [String]) {
        Self.ignoreBrokenPipes
        let (inputs, input) = AsyncStream.makeStream(of: [UInt8].self)
        let (output, outputs) = AsyncStream.makeStream(of: [UInt8].self)
        let (killRequests, kills) = AsyncStream.makeStream(of: Void.self)
        self.output = output
        self.input = input
        self.kills = kills
        let identifier = self.identifier
        run = Task.detached {
            defer { outputs.finish() }
            do {
                let result = try await Subprocess.run(
                    .path(FilePath(executable)), arguments: Arguments(arguments),
                    input: .inputWriter, output: .sequence, error: .discarded
                ) { execution in
                    identifier.value.withLock { $0 = execution.processIdentifier.value }
                    // While the helper is ours, a kill is sent at once, on the caller's thread: a
                    // process about to exit must not leave its helper running.
                    identifier.killer.withLock { $0 = { try? execution.send(signal: .kill) } }
                    await Self.serve(execution, inputs: inputs, outputs: outputs, killRequests: killRequests)
                    identifier.killer.withLock { $0 = nil }
                }
                switch result.terminationStatus {
                case .exited(let code): return .exited(code)
                case .signaled(let signal): return .signaled(signal)
                }
            } catch {
                return .cannotStart("\(error)")
            }
        }
    }

    /// Writes in order, feeds the output on, and kills on request, until the helper's output ends.
    private static func serve(
        _ execution: Execution<CustomWriteInput, SequenceOutput, DiscardedOutput>, inputs: AsyncStream<[UInt8]>,
        outputs: AsyncStream<[UInt8]>.Continuation, killRequests: AsyncStream<Void>
    ) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await bytes in inputs {
                    do { _ = try await execution.standardInputWriter.write(bytes) } catch { break }
                }
                try? await execution.standardInputWriter.finish()
            }
            group.addTask {
                for await _ in killRequests {
                    try? execution.send(signal: .kill)
                    break
                }
            }
            do {
                for try await buffer in execution.standardOutput {
                    outputs.yield(buffer.withUnsafeBytes { Array($0) })
                }
            } catch {}
            outputs.finish()
            group.cancelAll()
        }
    }

    /// SIGPIPE ignored, once for the process.
    private static let ignoreBrokenPipes: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    /// The helper's process id, once it runs.
    public var processIdentifier: Int32? { identifier.value.withLock { $0 } }

    /// Sends `bytes` to the helper's standard input, after whatever was sent before; never waits.
    public func write(_ bytes: [UInt8]) {
        input.yield(bytes)
    }

    /// No more input: the helper reads the end of its standard input.
    public func closeInput() {
        input.finish()
    }

    /// Ends the helper now (SIGKILL): a stopped or runaway helper too.
    public func kill() {
        let sent = identifier.killer.withLock { killer -> Bool in
            killer?()
            return killer != nil
        }
        if !sent { kills.yield(()) }
        input.finish()
    }

    /// How the helper ended, once it has.
    public var ending: Ending {
        get async { await run.value }
    }
}

/// The process id, set from the helper's task once it is known, and how to kill it while it is ours.
private final class ProcessIdentifierBox: Sendable {
    let value = Mutex<Int32?>(nil)
    let killer = Mutex<(@Sendable () -> Void)?>(nil)
}
