import Subprocess
import SystemPackage

/// A command that takes the terminal for as long as it runs: the user's editor. Its standard
/// input, output and error are this process's own; it starts with every signal at its default
/// and none blocked (swift-subprocess), as a shell would start it.
public enum InteractiveCommand {
    /// Runs `executable` with `arguments` and returns how it ended; `started` is told its process
    /// id as soon as it runs (to pass a signal on to it).
    public static func run(_ executable: String, _ arguments: [String],
                           started: @escaping @Sendable (Int32) -> Void) async -> HelperProcess.Ending {
        do {
            let result = try await Subprocess.run(
                .path(FilePath(executable)), arguments: Arguments(arguments),
                input: .currentStandardInput, output: .currentStandardOutput, error: .currentStandardError
            ) { execution in
                started(execution.processIdentifier.value)
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
