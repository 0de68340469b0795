import Foundation

/// A private PulseAudio server with a null sink, for tests that need a real sound server: one
/// that takes its time to start a stream, and that can vanish mid-session. ALSA's `default`
/// device reaches it through the pulse plugin when `environment` is passed to the binary.
///
/// It runs in the foreground as this process's child and `stop()` (also on deinit) kills and
/// reaps it, on every path. It is spawned with `posix_spawn`, not `Process`: PulseAudio closes
/// every inherited descriptor as it starts, which Foundation takes for an exit, and its monitor
/// thread then blocks in `waitpid` on the living server, so no other `Process` is ever reaped.
final class PulseServer {
    let folder: URL
    private var pid: pid_t = 0
    private var stopped = false

    static var available: Bool {
        ["/usr/bin/pulseaudio", "/usr/bin/pactl"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
            && FileManager.default.fileExists(atPath: "/usr/share/alsa/alsa.conf.d/pulse.conf")
    }

    /// What a process needs to find this server.
    var environment: [String: String] { ["XDG_RUNTIME_DIR": folder.path, "HOME": folder.path] }

    /// A server with the null sink `bed` (the default: what touchtime plays into), and `others`
    /// (a sink's monitor, `NAME.monitor`, is a virtual microphone).
    init(others: [String] = []) throws {
        folder = try BinaryRunner.temporaryFolder()
        let sinks = (["bed"] + others).map { "--load=module-null-sink sink_name=\($0)" }
        pid = try Self.spawn("/usr/bin/pulseaudio", ["--daemonize=no", "--exit-idle-time=-1", "-n", "--log-level=error"]
                                 + sinks + ["--load=module-native-protocol-unix"],
                             environment: serverEnvironment)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !answers() { usleep(50_000) }
    }

    var serverEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in self.environment { environment[key] = value }
        environment["PULSE_SERVER"] = nil
        return environment
    }

    /// Starts a program with its standard streams on /dev/null; returns its pid.
    private static func spawn(_ path: String, _ arguments: [String], environment: [String: String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0)
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // No signal blocked, as from a shell (the test runner's threads block most).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        return pid
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Ends the server at once (a sound server that dies mid-session, or the test's end).
    func stop() {
        guard !stopped else { return }
        stopped = true
        guard pid > 0 else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    }

    private func answers() -> Bool {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/pactl")
        probe.arguments = ["info"]
        probe.environment = serverEnvironment
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }
}

extension PulseServer {
    /// Plays a WAV file into `sink` and waits for it to end (`paplay`, with this server's environment).
    func play(_ path: String, into sink: String) {
        let player = Process()
        player.executableURL = URL(fileURLWithPath: "/usr/bin/paplay")
        player.arguments = ["--device=\(sink)", path]
        player.environment = serverEnvironment
        player.standardOutput = FileHandle.nullDevice
        player.standardError = FileHandle.nullDevice
        guard (try? BinaryRunner.runUnblocked(player)) != nil else { return }
        player.waitUntilExit()
    }
}
