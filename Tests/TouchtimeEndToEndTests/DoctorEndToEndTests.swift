import Foundation
import Testing

/// One check each: a check's text wraps under its start within 80 columns; joined again here.
func doctorChecks(_ result: BinaryRunner.Result) -> [String] {
    var checks: [String] = []
    for line in result.lines {
        if line.hasPrefix(String(repeating: " ", count: 16)), let last = checks.last {
            checks[checks.count - 1] = last + " " + line.dropFirst(16)
        } else {
            checks.append(line)
        }
    }
    return checks
}

/// `touchtime doctor` through the built binary: one line a check, a fix with each failure, exit 69
/// when any fails.
@Suite(.serialized) struct DoctorEndToEndTests {
    /// An environment with no sound server (an empty runtime folder) and a history folder of its own.
    private func silentMachine() throws -> (URL, [String: String]) {
        let folder = try BinaryRunner.temporaryFolder()
        return (folder, ["XDG_RUNTIME_DIR": folder.path, "HOME": folder.path,
                         "XDG_DATA_HOME": folder.appendingPathComponent("data").path])
    }

    private func checks(_ result: BinaryRunner.Result) -> [String] { doctorChecks(result) }

    private func line(_ name: String, in result: BinaryRunner.Result) -> String {
        checks(result).first { $0.dropFirst(6).hasPrefix(name + " ") } ?? ""
    }

    /// The machine has no card when the kernel lists none (the test machine): the reason says so.
    private static var noCard: Bool { !FileManager.default.fileExists(atPath: "/proc/asound/card0") }

    @Test func withoutSoundTheSoundLineFailsInPlainEnglishWithAFixAndTheExitIs69() throws {
        let (folder, environment) = try silentMachine()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try BinaryRunner.run(["doctor"], environment: environment, timeout: 30)
        #expect(result.status == 69)
        // Within 80 columns (issue 23), but for a path too long for a line, which is kept whole.
        #expect(result.lines.allSatisfy { $0.count <= 80 || !$0.dropFirst(16).contains(" ") }, "\(result.stdout)")
        #expect(checks(result).map { String($0.prefix(6)) }.allSatisfy { $0 == "ok    " || $0 == "FAIL  " }, "\(result.stdout)")
        #expect(checks(result).map { $0.dropFirst(6).prefix(9).trimmingCharacters(in: .whitespaces) }
                == ["sound", "voice", "listen", "config", "history", "terminal"], "\(result.stdout)")
        #expect(line("listen", in: result) == "ok    listen    off; pocketsphinx and its English model are installed (run --listen)")
        let sound = line("sound", in: result)
        #expect(sound.hasPrefix("FAIL  sound     "), "\(sound)")
        #expect(sound.contains("ALSA 'default': ") && sound.contains("; fix: "), "\(sound)")
        if Self.noCard {
            #expect(sound.contains("no sound card or sound server found"), "\(sound)")
            #expect(sound.hasSuffix("fix: install and start PulseAudio or PipeWire, or name a card with --device plughw:0,0"), "\(sound)")
        }
        // Not one line of alsa-lib's own ("ALSA lib pcm.c:...") on either stream.
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        #expect(!result.stdout.contains("ALSA lib"))
        #expect(line("config", in: result).hasPrefix("ok    config    ") && line("config", in: result).hasSuffix("not found: the defaults apply"))
        #expect(line("terminal", in: result) == "ok    terminal  not a terminal (a session prints one line per event)")
        // The history folder does not exist: it could be created, and is not.
        #expect(line("history", in: result).hasPrefix("ok    history   "), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("data").path))
    }

    @Test func theHistoryProbeLeavesNothingBehindAndAFileInTheFoldersPlaceFails() throws {
        let (folder, environment) = try silentMachine()
        defer { try? FileManager.default.removeItem(at: folder) }
        let history = folder.appendingPathComponent("data/touchtime")
        try FileManager.default.createDirectory(at: history, withIntermediateDirectories: true)
        let writable = try BinaryRunner.run(["doctor", "--device", "null"], environment: environment, timeout: 30)
        #expect(line("history", in: writable) == "ok    history   \(history.path) is writable", "\(writable.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: history.path).isEmpty)
        // ALSA's null plugin opens anywhere: the sound line passes and says it is not heard.
        #expect(line("sound", in: writable).hasPrefix("ok    sound     ALSA 'null' is ALSA's null plugin"), "\(writable.stdout)")

        // A file where the folder should be (a permission could not show it: tests may run as root).
        try FileManager.default.removeItem(at: history)
        try Data().write(to: history)
        let blocked = try BinaryRunner.run(["doctor", "--device", "null"], environment: environment, timeout: 30)
        #expect(blocked.status == 69)
        #expect(line("history", in: blocked) == "FAIL  history   \(history.path) is not a folder; fix: move it aside", "\(blocked.stdout)")
    }

    @Test func aBadDeviceNameFailsWithAReadableReason() throws {
        let (folder, environment) = try silentMachine()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try BinaryRunner.run(["doctor", "--device", "nosuchdevice"], environment: environment, timeout: 30)
        #expect(result.status == 69)
        let sound = line("sound", in: result)
        #expect(sound.hasPrefix("FAIL  sound     ALSA has no device named 'nosuchdevice' ("), "\(sound)")
        #expect(sound.hasSuffix("; fix: name one that 'aplay -L' lists, such as default or plughw:0,0, or leave --device out"), "\(sound)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        // A name ALSA knows, for a card that is not there.
        let card = try BinaryRunner.run(["doctor", "--device", "hw:7,7"], environment: environment, timeout: 30)
        #expect(card.status == 69)
        #expect(line("sound", in: card).hasPrefix("FAIL  sound     ALSA 'hw:7,7' names no card that is there ("), "\(card.stdout)")
        #expect(line("sound", in: card).contains("; fix: name one that 'aplay -l' lists"), "\(card.stdout)")
        #expect(card.stderr.isEmpty && !card.stdout.contains("ALSA lib"), "\(card.stderr)")
    }
}

/// Through a private PulseAudio server with a null sink: what a bedside laptop with a sound server has.
@Suite(.serialized, .enabled(if: PulseServer.available, "needs PulseAudio and its ALSA plugin (.ci/setup installs them)"))
struct DoctorSoundServerTests {
    @Test func theSoundLineNamesPulseAudioAndALatency() throws {
        let server = try PulseServer()
        defer { server.stop() }
        let result = try BinaryRunner.run(["doctor"], environment: server.environment, timeout: 30)
        let sound = doctorChecks(result).first { $0.contains(" sound ") } ?? ""
        // The route named truthfully, and the delay reports sampled for 2 s: their median and spread.
        #expect(sound.hasPrefix("ok    sound     ALSA 'default' plays through PulseAudio; delay "), "\(result.stdout)")
        #expect(sound.contains(" reports over 2 s), reports within ") && sound.hasSuffix(" ms of the frame count"), "\(sound)")
        #expect(result.status == (doctorChecks(result).allSatisfy { $0.hasPrefix("ok ") } ? 0 : 69), "\(result.stdout)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func anUnusableConfigurationFailsItsLineWithItsFirstProblem() throws {
        let server = try PulseServer()
        defer { server.stop() }
        let config = server.folder.appendingPathComponent("config.json")
        try Data(#"{ "volume": 300, "device": 7 }"#.utf8).write(to: config)
        let result = try BinaryRunner.run(["doctor", "--config", config.path], environment: server.environment, timeout: 30)
        #expect(result.status == 69)
        let line = doctorChecks(result).first { $0.contains(" config ") } ?? ""
        #expect(line.hasPrefix("FAIL  config    \(config.path):"), "\(result.stdout)")
        #expect(line.contains("(and 1 more problem); fix: "), "\(line)")
        // The sound is checked on the default device all the same.
        #expect(doctorChecks(result).contains { $0.hasPrefix("ok    sound     ALSA 'default' plays through PulseAudio") }, "\(result.stdout)")
    }

    /// With "listen" on, the capture device must open: through a virtual microphone it does; a
    /// device that is not there fails the line, with a fix.
    @Test func listeningIsCheckedWhenTheConfigurationTurnsItOn() throws {
        func listenLine(_ result: BinaryRunner.Result) -> String { doctorChecks(result).first { $0.dropFirst(6).hasPrefix("listen ") } ?? "" }
        let server = try PulseServer(others: ["room"])
        defer { server.stop() }
        let good = server.folder.appendingPathComponent("good.json")
        try Data(#"{ "listen": true, "listenDevice": "pulse" }"#.utf8).write(to: good)
        var environment = server.environment
        environment["PULSE_SOURCE"] = "room.monitor"
        let ok = try BinaryRunner.run(["doctor", "--config", good.path], environment: environment, timeout: 30)
        #expect(listenLine(ok) == "ok    listen    on: pocketsphinx ready, capture device 'pulse' opens", "\(ok.stdout)")
        let bad = server.folder.appendingPathComponent("bad.json")
        try Data(#"{ "listen": true, "listenDevice": "hw:9,9" }"#.utf8).write(to: bad)
        let failed = try BinaryRunner.run(["doctor", "--config", bad.path], environment: environment, timeout: 30)
        #expect(failed.status == 69)
        let listen = listenLine(failed)
        #expect(listen.hasPrefix("FAIL  listen    on, but cannot listen on 'hw:9,9': "), "\(listen)")
        #expect(listen.hasSuffix("fix: name a capture device that is there in listenDevice (arecord -L lists them), or turn listen off"))
        #expect(failed.stderr.isEmpty && !failed.stdout.contains("ALSA lib"))
    }
}
