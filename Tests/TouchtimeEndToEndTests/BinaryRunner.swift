import Foundation

/// Runs the built `touchtime` binary as a user would, capturing its output and exit status.
struct BinaryRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary beside the test bundle (same build folder), else the debug build.
    /// `TOUCHTIME_BINARY` names another one: a test is shown to fail against an older build so.
    static let executable: URL = {
        // A test writing to a binary that has already exited must fail, not die of SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        if let path = ProcessInfo.processInfo.environment["TOUCHTIME_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("touchtime")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/touchtime")
    }()

    /// A fresh empty folder, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs the binary; `configure` can act on the running process (send it a signal, say).
    /// `input`, when given, is standard input: a pipe the test writes to while the binary runs.
    /// A binary still running after `timeout` is killed (SIGKILL) and the test fails with `TimedOut`.
    static func run(
        _ arguments: [String], in folder: URL? = nil, environment extra: [String: String] = [:],
        input: Pipe? = nil, timeout: TimeInterval = 60, program: URL? = nil, whileRunning configure: ((Process) -> Void)? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = program ?? executable
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        var environment = ProcessInfo.processInfo.environment
        // A private config folder, so the developer's own protocols never change a result.
        environment["XDG_CONFIG_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-e2e-empty-config").path
        // Sessions run by tests go to a scratch history, never the developer's own.
        environment["XDG_DATA_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-e2e-data").path
        // And the summaries of long histories kept beside them, never in the developer's cache.
        environment["XDG_CACHE_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-e2e-cache").path
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-out-\(UUID().uuidString)")
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        process.standardInput = input ?? FileHandle.nullDevice
        try runUnblocked(process)
        // Whatever happens below, the binary (and all it started) does not outlive the test.
        var finished = false
        defer {
            if !finished, process.isRunning {
                for child in ProcessTree.descendants(of: process.processIdentifier).reversed() { kill(child, SIGKILL) }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
        configure?(process)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(2000) }
        if process.isRunning {
            // SIGKILL: a binary that hangs may well be deaf to SIGTERM.
            for child in ProcessTree.descendants(of: process.processIdentifier).reversed() { kill(child, SIGKILL) }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TimedOut(arguments: arguments)
        }
        process.waitUntilExit()
        finished = true
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: outFile, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }

    /// Starts `process` with no signal blocked, as a shell would. The test runner's threads block
    /// most signals and a spawned child inherits that mask: a `sleep` started by a test's script
    /// then never dies of SIGTERM, and a test of signals would test something no user runs.
    static func runUnblocked(_ process: Process) throws {
        var none = sigset_t()
        var saved = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        try process.run()
    }

    /// Runs a bash script (which names the binary as `$TOUCHTIME`) with the tests' environment:
    /// for pipelines, FIFOs and the like. Killed after `timeout`, whatever it started with it.
    static func shell(_ script: String, environment extra: [String: String] = [:], timeout: TimeInterval = 60) throws -> Result {
        var environment = extra
        environment["TOUCHTIME"] = executable.path
        return try run(["-c", script], environment: environment, timeout: timeout, program: URL(fileURLWithPath: "/bin/bash"))
    }

    /// Runs the binary with `key` (a newline by default) written to its standard input at each of
    /// `presses` (seconds after it starts), then `last` if given.
    static func runPressing(
        _ arguments: [String], at presses: [Double], key: String = "\n", then last: String? = nil, after pause: TimeInterval = 0.3,
        timeout: TimeInterval = 60
    ) throws -> Result {
        let input = Pipe()
        return try run(arguments, input: input, timeout: timeout) { _ in
            let start = Date()
            for at in presses {
                Thread.sleep(until: start.addingTimeInterval(at))
                try? input.fileHandleForWriting.write(contentsOf: Data(key.utf8))
            }
            if let last {
                Thread.sleep(forTimeInterval: pause)
                try? input.fileHandleForWriting.write(contentsOf: Data(last.utf8))
            }
            try? input.fileHandleForWriting.close()
        }
    }

    struct TimedOut: Error, CustomStringConvertible {
        var arguments: [String]
        var description: String { "touchtime \(arguments.joined(separator: " ")) did not finish in time" }
    }
}
