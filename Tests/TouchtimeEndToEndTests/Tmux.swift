import Foundation

/// A real pseudo-terminal for end-to-end tests: a private tmux server, a shell in a window of a
/// chosen size, keys sent, the screen read back.
///
/// The server runs in the foreground (`tmux -D`) as this process's own child, on a socket in the
/// test's folder, so it can be ended for certain: `tmux kill-server` only sends the server a
/// SIGTERM, which a server started from a test runner's thread had blocked (it left servers
/// running for hours). `close()`, also called on deinit, kills every process under the server,
/// then the server, and reaps it.
final class Tmux {
    let folder: URL
    private let socket: String
    private let server = Process()
    private var closed = false

    init(width: Int = 80, height: Int = 24) throws {
        folder = try BinaryRunner.temporaryFolder()
        socket = folder.appendingPathComponent("tmux.sock").path
        server.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        server.arguments = ["-D", "-S", socket, "-f", "/dev/null"]
        server.environment = Self.environment(data: folder.appendingPathComponent("data").path)
        server.standardInput = FileHandle.nullDevice
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try BinaryRunner.runUnblocked(server)
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socket), Date() < deadline { usleep(10_000) }
        tmux(["new-session", "-d", "-s", "t", "-x", "\(width)", "-y", "\(height)", "bash --norc --noprofile"], capture: false)
        tmux(["set-option", "-t", "t", "status", "off"], capture: false)
        Thread.sleep(forTimeInterval: 0.3)
    }

    deinit {
        close()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Ends the server and everything started in it (shells, touchtime, anything they started).
    func close() {
        guard !closed else { return }
        closed = true
        let pid = server.processIdentifier
        for child in ProcessTree.descendants(of: pid).reversed() { kill(child, SIGKILL) }
        kill(pid, SIGKILL)
        server.waitUntilExit()
    }

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    /// A terminal as a person's would be: the test runner's own settings stay out, and sessions
    /// write to a scratch history.
    private static func environment(data: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil
        environment["TMUX"] = nil
        environment["TERM"] = "xterm-256color"
        environment["XDG_DATA_HOME"] = data
        return environment
    }

    @discardableResult
    func tmux(_ arguments: [String], capture: Bool = true) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = ["-S", socket] + arguments
        process.environment = Self.environment(data: folder.appendingPathComponent("data").path)
        let pipe = Pipe()
        process.standardOutput = capture ? pipe : FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "" }
        let data = capture ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(1000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Types a shell command line and presses Enter.
    func type(_ line: String) {
        tmux(["send-keys", "-t", "t", "-l", line])
        tmux(["send-keys", "-t", "t", "Enter"])
    }

    /// Sends keys by tmux name ("Space", "Right", "C-z") or as literal text.
    func press(_ keys: String...) {
        for key in keys { tmux(["send-keys", "-t", "t", key]) }
    }

    var screen: [String] {
        tmux(["capture-pane", "-p", "-t", "t"]).components(separatedBy: "\n")
    }

    /// The screen with its colours, as SGR sequences.
    var styledScreen: String {
        tmux(["capture-pane", "-p", "-e", "-t", "t"])
    }

    var alternateScreen: Bool {
        tmux(["display-message", "-p", "-t", "t", "#{alternate_on}"]).hasPrefix("1")
    }

    var cursorVisible: Bool {
        tmux(["display-message", "-p", "-t", "t", "#{cursor_flag}"]).hasPrefix("1")
    }

    var paneTitle: String {
        tmux(["display-message", "-p", "-t", "t", "#{pane_title}"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func resize(width: Int, height: Int) {
        tmux(["resize-window", "-t", "t", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Waits (at most `timeout`) until the screen satisfies `condition`.
    @discardableResult
    func waitFor(_ timeout: TimeInterval = 10, _ condition: ([String]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(screen) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition(screen)
    }

    func file(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func read(_ name: String) -> String { (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? "" }
}

/// Processes by parentage, from /proc.
enum ProcessTree {
    /// Every living descendant of `pid`, parents before their children.
    static func descendants(of pid: Int32) -> [Int32] {
        var children: [Int32: [Int32]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let child = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After "pid (comm) ": state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, fields[0] != "Z", let parent = Int32(fields[1]) else { continue }
            children[parent, default: []].append(child)
        }
        var result: [Int32] = []
        var queue = children[pid] ?? []
        while !queue.isEmpty {
            let next = queue.removeFirst()
            result.append(next)
            queue += children[next] ?? []
        }
        return result
    }
}
