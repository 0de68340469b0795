import Foundation
import Testing
import TouchtimeAudio
import TouchtimeCore

/// The configuration's key map, keys through a pipe, `--from`, and a pedal's recorded input
/// events, through the built binary.
@Suite struct ControlsEndToEndTests {
    static let mapping = #"{ "keys": { "next": ["b"], "pause": ["PageDown"] } }"#

    private func events(_ path: String) -> [[String: Any]] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    private func waitForStart(_ path: String) {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").contains("session-start") { usleep(5_000) }
    }

    /// Keys written to standard input at moments after the session starts, the events kept.
    private func run(_ arguments: [String], sending keys: [(after: Double, text: String)], folder: URL) throws -> (BinaryRunner.Result, [[String: Any]]) {
        let eventsPath = folder.appendingPathComponent("events.jsonl").path
        let input = Pipe()
        let result = try BinaryRunner.run(arguments + ["--events", eventsPath], input: input) { _ in
            waitForStart(eventsPath)
            for key in keys {
                Thread.sleep(forTimeInterval: key.after)
                try? input.fileHandleForWriting.write(contentsOf: Data(key.text.utf8))
            }
            try? input.fileHandleForWriting.close()
        }
        return (result, events(eventsPath))
    }

    @Test func aMappedKeyActsInPlainModeThroughAPipeAndTheKeysItReplacedDoNot() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("config.json")
        try Self.mapping.write(to: config, atomically: true, encoding: .utf8)
        let (result, events) = try run(["run", "--plain", "--no-sound", "--lead-in", "0", "--no-history", "--config", config.path],
                                       sending: [(0.3, "n"), (0.5, " "), (0.5, "b"), (0.5, "\u{1B}[6~"), (0.5, "q"), (0.3, "y")], folder: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let names = events.compactMap { $0["event"] as? String }
        #expect(names.filter { $0 == "skipped" }.count == 1, "b skips, n no longer does: \(names)")
        #expect(names.filter { $0 == "paused" }.count == 1, "PageDown pauses, space no longer does: \(names)")
        #expect(names.contains("quit"))
        let phases = events.filter { $0["event"] as? String == "phase-start" }.compactMap { $0["phase"] as? String }
        #expect(phases == ["warm", "jawline"])
    }

    /// `(sleep 1; printf n) | touchtime run --plain`: a script or a pedal daemon drives a session.
    @Test func plainRunReadsKeysFromAPipe() throws {
        let result = try BinaryRunner.shell(
            #"(sleep 1; printf n; sleep 0.5; printf qy) | "$TOUCHTIME" run --plain --no-sound --lead-in 0 --no-history"#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("skipped"), "\(result.stdout)")
        #expect(result.stdout.contains("phase-start     Jawline") || result.stdout.contains("Jawline"), "\(result.stdout)")
        #expect(result.stdout.contains("quit"))
    }

    @Test func fromStartsAtTheChosenPhaseOrStep() throws {
        let lift = try BinaryRunner.run(["run", "--from", "lift", "--plain", "--no-sound", "--lead-in", "0", "--speed", "200", "--no-history",
                                         "--events", "-"])
        #expect(lift.status == 0, "\(lift.stderr)")
        let starts = lift.lines.filter { $0.contains(#""event":"phase-start""#) }
        #expect(starts.first?.contains(#""phase":"lift""#) == true, "\(starts)")
        #expect(!lift.stdout.contains(#""phase":"warm""#) && !lift.stdout.contains(#""phase":"jawline""#))
        let step = try BinaryRunner.run(["run", "--from", "jawline/right side", "--plain", "--no-sound", "--lead-in", "0", "--speed", "200",
                                         "--no-history", "--events", "-"])
        #expect(step.lines.first { $0.contains(#""event":"step-start""#) }?.contains(#""step":1"#) == true)
        let bad = try BinaryRunner.run(["run", "--from", "neck", "--plain", "--no-sound"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--from: neurotouch-symmetry: no phase 'neck'; the phases are warm, jawline, lift, pause, centering"))
    }

    @Test func aBadConfigurationIsLocatedAndExits78BeforeAnySession() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("config.json")
        try "{ \"keys\": { \"next\": [\"PgDown\"] },\n  \"volume\": 101 }".write(to: config, atomically: true, encoding: .utf8)
        for command in [["run", "--plain", "--no-sound"], ["practice", "--plain"], ["config"]] {
            let result = try BinaryRunner.run(command + ["--config", config.path])
            #expect(result.status == 78)
            #expect(result.stderr == """
                touchtime: \(config.path):1:22: keys.next[0]: unknown key "PgDown": did you mean "PageDown"?
                touchtime: \(config.path):2:13: volume: expected a whole number from 0 to 100, found 101

                """)
            #expect(!result.stdout.contains("session-start"))
        }
        // The default file, through XDG_CONFIG_HOME: the same.
        let home = folder.appendingPathComponent("xdg/touchtime")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try "{ \"voice\": 1 }".write(to: home.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let fromDefault = try BinaryRunner.run(["run", "--plain", "--no-sound"], environment: ["XDG_CONFIG_HOME": folder.appendingPathComponent("xdg").path])
        #expect(fromDefault.status == 78)
        #expect(fromDefault.stderr.contains("config.json:1:12: voice: expected true or false, found 1"))
        // Named but missing: an error; the default missing: the defaults.
        #expect(try BinaryRunner.run(["config", "--config", folder.appendingPathComponent("none.json").path]).status == 78)
        #expect(try BinaryRunner.run(["config"]).status == 0)
    }

    @Test func configSaysWhereEachSettingComesFrom() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("config.json")
        try #"{ "volume": 70, "keys": { "next": ["b"], "pause": ["PageDown"] } }"#.write(to: config, atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["config", "--lead-in", "5"], environment: ["TOUCHTIME_CONFIG": config.path])
        #expect(result.status == 0)
        let lines = result.lines.map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.first == "configuration \(config.path) (environment)")
        for expected in ["volume 70 file", "lead-in 5 s flag", "device default default", "voice off default",
                         "pause PageDown file", "next b file", "back p Left default"] {
            #expect(lines.contains(expected), "\(expected) in \(lines)")
        }
    }

    /// A pedal that is not a keyboard: its input events, written to a FIFO at chosen moments as
    /// the kernel would hand them over. BTN_0 skips, BTN_1 pauses (its auto-repeat does nothing
    /// more), BTN_2 held 1.5 s is quit (twice: quit is confirmed).
    @Test func recordedPedalEventsDriveASession() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("pedal").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let config = folder.appendingPathComponent("config.json")
        try """
            { "pedal": { "device": "\(fifo)", "grab": true, "keys": { "next": ["BTN_0"], "pause": ["BTN_1"] },
                         "hold": { "quit": ["BTN_2"] }, "holdSeconds": 1 } }
            """.write(to: config, atomically: true, encoding: .utf8)
        let eventsPath = folder.appendingPathComponent("events.jsonl").path
        func record(_ code: UInt16, _ value: Int32, at seconds: Double) -> [UInt8] {
            InputEvent(time: .milliseconds(Int64(seconds * 1000)), code: code, value: value).bytes
                + InputEvent(time: .milliseconds(Int64(seconds * 1000)), type: 0, code: 0, value: 0).bytes  // SYN_REPORT
        }
        let result = try BinaryRunner.run(["run", "--plain", "--no-sound", "--lead-in", "0", "--no-history", "--config", config.path,
                                           "--events", eventsPath]) { _ in
            // Opening the FIFO waits for touchtime to open it.
            guard let pedal = FileHandle(forWritingAtPath: fifo) else { return }
            waitForStart(eventsPath)
            let steps: [(Double, [UInt8])] = [
                (0.3, record(0x100, 1, at: 100) + record(0x100, 0, at: 100.1)),
                (0.5, record(0x101, 1, at: 101) + (1...10).flatMap { record(0x101, 2, at: 101.5 + Double($0) * 0.033) } + record(0x101, 0, at: 102)),
                (0.5, record(0x102, 1, at: 103) + record(0x102, 0, at: 104.5)),
                (0.3, record(0x102, 1, at: 105) + record(0x102, 0, at: 106.5)),
            ]
            for (pause, bytes) in steps {
                Thread.sleep(forTimeInterval: pause)
                try? pedal.write(contentsOf: Data(bytes))
            }
            Thread.sleep(forTimeInterval: 0.5)
            try? pedal.close()
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "a FIFO needs no grab, and says nothing: \(result.stderr)")
        let names = events(eventsPath).compactMap { $0["event"] as? String }
        #expect(names.filter { $0 == "skipped" }.count == 1, "\(names)")
        #expect(names.filter { $0 == "paused" }.count == 1, "\(names)")
        #expect(names.contains("quit"), "\(names)")
    }

    @Test func aPedalThatCannotBeReadIsOneWarningAndTheKeyboardStillWorks() throws {
        let result = try BinaryRunner.shell(
            #"(sleep 1; printf n; sleep 0.5; printf qy) | "$TOUCHTIME" run --plain --no-sound --lead-in 0 --no-history --pedal /nonexistent/event0"#)
        #expect(result.status == 0)
        #expect(result.stderr == "touchtime: pedal '/nonexistent/event0' cannot be read: no such file; the keyboard still works\n")
        #expect(result.stdout.contains("skipped"))
    }
}

/// A held key in a real terminal (tmux): its auto-repeat acts once; two deliberate presses act twice.
@Suite struct HeldKeyEndToEndTests {
    @Test func aHeldKeyInATerminalSkipsOnce() throws {
        let tmux = try Tmux()
        let binary = BinaryRunner.executable.path
        tmux.type("\(binary) run --lead-in 0 --no-sound --no-history --events \(tmux.file("events")); echo EXIT=$?")
        #expect(tmux.waitFor { _ in tmux.read("events").contains("session-start") })
        func skips() -> Int { tmux.read("events").components(separatedBy: #""event":"skipped""#).count - 1 }
        // Held: the press, then after the keyboard's delay a train of repeats.
        tmux.press("n")
        Thread.sleep(forTimeInterval: 0.5)
        tmux.press("n", "n", "n", "n", "n", "n")
        Thread.sleep(forTimeInterval: 0.8)
        #expect(skips() == 1, "a held n skips once")
        // Released, and pressed twice a quarter second apart: two skips.
        tmux.press("n")
        Thread.sleep(forTimeInterval: 0.25)
        tmux.press("n")
        #expect(tmux.waitFor { _ in skips() == 3 })
        #expect(tmux.quitAndClose())
    }
}

/// The configuration's key map in the full screen: b skips, PageDown pauses, n and space no longer do.
@Suite struct MappedKeysFullScreenTests {
    @Test func bAndPageDownDriveTheFullScreen() throws {
        let tmux = try Tmux()
        let binary = BinaryRunner.executable.path
        try ControlsEndToEndTests.mapping.write(toFile: tmux.file("config.json"), atomically: true, encoding: .utf8)
        tmux.type("\(binary) run --lead-in 0 --no-sound --no-history --config \(tmux.file("config.json")); echo EXIT=$?")
        #expect(tmux.waitFor { $0.contains(" Phase 1/5  Warm the serum") })
        #expect(tmux.screen.contains { $0.hasPrefix(" PgDn pause · b next · p back") }, "the hint shows the mapped keys")
        tmux.press("n")
        tmux.press("Space")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(tmux.screen.contains(" Phase 1/5  Warm the serum"), "n no longer skips")
        #expect(tmux.screen.first?.contains("PAUSED") == false, "space no longer pauses")
        tmux.press("b")
        #expect(tmux.waitFor { $0.contains(" Phase 2/5  Jawline · Left side") })
        tmux.press("PageDown")
        #expect(tmux.waitFor { $0.first?.contains("PAUSED") == true })
        #expect(tmux.quitAndClose())
    }
}

/// A pedal whose reads fail mid-session (unplugged: ENODEV, which cannot be made here without a
/// device; a directory's EISDIR takes the same path): one warning, and the keyboard goes on.
@Suite struct PedalFailureTests {
    @Test func aPedalThatFailsMidSessionIsOneWarning() throws {
        let result = try BinaryRunner.shell(
            #"(sleep 1; printf n; sleep 0.5; printf qy) | "$TOUCHTIME" run --plain --no-sound --lead-in 0 --no-history --pedal /tmp"#)
        #expect(result.status == 0)
        #expect(result.stderr.components(separatedBy: "\n").filter { !$0.isEmpty }
                == ["touchtime: pedal '/tmp' went away: is a directory; the keyboard still works"], "\(result.stderr)")
        #expect(result.stdout.contains("skipped"))
    }
}

/// The sound checks play as a session would: the configuration's volume (and device) unless a flag says otherwise.
@Suite struct SoundCheckConfigurationTests {
    @Test func chimeTakesTheConfigurationsVolume() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("config.json")
        try #"{ "volume": 50 }"#.write(to: config, atomically: true, encoding: .utf8)
        let quiet = folder.appendingPathComponent("quiet.wav").path
        let loud = folder.appendingPathComponent("loud.wav").path
        #expect(try BinaryRunner.run(["chime", "pace", "--out", quiet], environment: ["TOUCHTIME_CONFIG": config.path]).status == 0)
        #expect(try BinaryRunner.run(["chime", "pace", "--out", loud, "--volume", "100"], environment: ["TOUCHTIME_CONFIG": config.path]).status == 0)
        let peak = { (path: String) throws -> Int in try WAVFile.read(path).samples.map { abs(Int($0)) }.max() ?? 0 }
        let ratio = Double(try peak(quiet)) / Double(try peak(loud))
        #expect(abs(ratio - 0.25) < 0.01, "volume 50 is (50/100)^2 of 100: \(ratio)")
    }
}

/// A guided session reads keys from a pipe, never from a regular file given as its input by mistake.
@Suite struct KeysFromAFileTests {
    @Test func aFileOnStandardInputIsNotKeys() throws {
        let result = try BinaryRunner.shell(
            #"printf 'nnnnnnnnnn' > "$TMPDIR_KEYS"; "$TOUCHTIME" run --plain --no-sound --lead-in 0 --no-history --speed 100 < "$TMPDIR_KEYS"; rm -f "$TMPDIR_KEYS""#,
            environment: ["TMPDIR_KEYS": FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)").path])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("skipped"), "\(result.stdout)")
        #expect(result.stdout.contains("session-end     complete"))
    }
}

extension Tmux {
    /// Quits a full-screen session as a hand does (q, then y a moment later), closes its summary
    /// with a key, and waits for the shell's `EXIT=0`.
    func quitAndClose() -> Bool {
        press("q")
        Thread.sleep(forTimeInterval: 0.3)
        press("y")
        guard waitFor(10, { $0.contains(" Session ended early") }) else { return false }
        press("x")
        return waitFor(10) { $0.contains("EXIT=0") }
    }
}
