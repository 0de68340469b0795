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
    static let executable: URL = {
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
    static func run(
        _ arguments: [String], in folder: URL? = nil, environment extra: [String: String] = [:],
        timeout: TimeInterval = 60, whileRunning configure: ((Process) -> Void)? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        var environment = ProcessInfo.processInfo.environment
        // A private config folder, so the developer's own protocols never change a result.
        environment["XDG_CONFIG_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-e2e-empty-config").path
        // Sessions run by tests go to a scratch history, never the developer's own.
        environment["XDG_DATA_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-e2e-data").path
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
        process.standardInput = FileHandle.nullDevice
        try process.run()
        configure?(process)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(2000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw TimedOut(arguments: arguments)
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: outFile, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }

    /// Runs the binary with a newline written to its standard input at each of `presses`
    /// (seconds after it starts); returns its exit status and standard output.
    static func runPressing(_ arguments: [String], at presses: [Double], then last: String? = nil) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_DATA_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-e2e-data").path
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let start = Date()
        for at in presses {
            Thread.sleep(until: start.addingTimeInterval(at))
            input.fileHandleForWriting.write(Data("\n".utf8))
        }
        if let last {
            Thread.sleep(forTimeInterval: 0.3)
            input.fileHandleForWriting.write(Data(last.utf8))
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    struct TimedOut: Error, CustomStringConvertible {
        var arguments: [String]
        var description: String { "touchtime \(arguments.joined(separator: " ")) did not finish in time" }
    }
}
