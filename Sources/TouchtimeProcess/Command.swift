/// A command run to its end with some input: what it wrote, and how it ended.
public enum Command {
    public struct Outcome: Sendable {
        /// Its standard output, cut at the limit asked for.
        public var output: [UInt8]
        public var ending: HelperProcess.Ending
        /// It did not end within the time allowed and was killed.
        public var timedOut: Bool
        /// It wrote more than the limit and was killed.
        public var overflowed: Bool
    }

    /// Runs `executable` with `arguments` (no shell), writes `input` to its standard input and
    /// closes it, and collects at most `outputLimit` bytes of its standard output. A command
    /// still running after `timeout`, or writing past the limit, is killed.
    public static func run(
        _ executable: String, _ arguments: [String], input: [UInt8] = [], outputLimit: Int, timeout: Duration
    ) async -> Outcome {
        let process = HelperProcess(executable: executable, arguments: arguments)
        if !input.isEmpty { process.write(input) }
        process.closeInput()
        let collected: (output: [UInt8], overflowed: Bool)? = await withTaskGroup(of: Optional<([UInt8], Bool)>.self) { group in
            group.addTask {
                var output: [UInt8] = []
                for await chunk in process.output {
                    output += chunk
                    if output.count > outputLimit {
                        process.kill()
                        return (Array(output.prefix(outputLimit)), true)
                    }
                }
                return (output, false)
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if collected == nil { process.kill() }
        return Outcome(output: collected?.output ?? [], ending: await process.ending, timedOut: collected == nil,
                       overflowed: collected?.overflowed ?? false)
    }
}
