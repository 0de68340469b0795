import Foundation

/// A real pseudo-terminal for end-to-end tests: a private tmux server (its own socket), a shell
/// in a window of a chosen size, keys sent, the screen read back.
final class Tmux {
    let socket = "touchtime-\(UUID().uuidString.prefix(8))"
    let folder: URL

    init(width: Int = 80, height: Int = 24) throws {
        folder = try BinaryRunner.temporaryFolder()
        // The server this starts keeps whatever output it is given open: give it none.
        tmux(["new-session", "-d", "-s", "t", "-x", "\(width)", "-y", "\(height)", "bash --norc --noprofile"], capture: false)
        tmux(["set-option", "-t", "t", "status", "off"], capture: false)
        Thread.sleep(forTimeInterval: 0.3)
    }

    deinit {
        tmux(["kill-server"], capture: false)
        try? FileManager.default.removeItem(at: folder)
    }

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    @discardableResult
    func tmux(_ arguments: [String], capture: Bool = true) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = ["-L", socket] + arguments
        // A terminal as a person's would be: the test runner's own settings stay out.
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil
        environment["TERM"] = "xterm-256color"
        environment["XDG_DATA_HOME"] = folder.appendingPathComponent("data").path
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = capture ? pipe : FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "" }
        let data = capture ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(1000) }
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
