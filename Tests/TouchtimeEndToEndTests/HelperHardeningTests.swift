import Foundation
import Testing

/// What a hostile protocol or a broken model can do through touchtime's helpers (espeak-ng, the
/// speech helper, the listening helper): never run an option, never kill, stall or outlive a
/// session, never leave a file behind.
@Suite(.serialized) struct HelperHardeningTests {
    static let espeak = FileManager.default.isExecutableFile(atPath: "/usr/bin/espeak-ng")
    static let pocketsphinx = FileManager.default.fileExists(atPath: "/usr/share/pocketsphinx/model/en-us/en-us/mdef")

    /// Processes still alive whose environment carries `mark`: what a run left behind.
    static func survivors(_ mark: String) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard let pid = Int32(entry), let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ"),
                  String(decoding: environment, as: UTF8.self).contains("TOUCHTIME_TEST_MARK=\(mark)") else { return nil }
            return pid
        }
    }

    /// A protocol's words (a mark's `say`, a title) that look like espeak-ng options are spoken,
    /// never obeyed: `--phonout=FILE` emptied FILE and `-fFILE` read it aloud, in `run --voice`,
    /// `render --voice` and `say`.
    @Test(.enabled(if: espeak, "needs espeak-ng (.ci/test-setup installs it)"))
    func aProtocolsWordsNeverBecomeEspeakOptions() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let victim = folder.appendingPathComponent("victim.txt").path
        try "a clinic's record\n".write(toFile: victim, atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("hostile.json").path
        try """
            {"format": "touchtime/1.1", "id": "hostile", "title": "Hostile", "voice": {"language": "de"},
             "phases": [{"id": "a", "title": "-f\(victim)", "cue": "c", "duration": 4,
                         "marks": [{"at": "half", "chime": "none", "say": "--phonout=\(victim)"}]},
                        {"id": "b", "title": "-w\(victim)", "cue": "c", "duration": 2}]}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try BinaryRunner.run(["validate", path]).status == 0)
        let rendered = try BinaryRunner.run(["render", path, "--voice", "--out", folder.appendingPathComponent("guide.wav").path])
        #expect(rendered.status == 0, "\(rendered.stderr)")
        let said = try BinaryRunner.run(["say", "--language", "de", "--out", folder.appendingPathComponent("said.wav").path,
                                         "--", "--phonout=\(victim)"])
        #expect(said.status == 0, "\(said.stderr)")
        let events = folder.appendingPathComponent("events.jsonl").path
        let session = try BinaryRunner.run(["run", path, "--voice", "--plain", "--speed", "4", "--lead-in", "0", "--no-history",
                                            "--events", events, "--device", "file:'\(folder.path)/session.wav',wav"],
                                           environment: ["XDG_RUNTIME_DIR": folder.path])
        #expect(session.status == 0, "\(session.stderr)")
        let spoken = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n").filter { $0.contains(#""event":"speech""#) }
        #expect(spoken.count >= 3, "the titles and the mark were spoken: \(spoken)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "a clinic's record\n")
    }

    enum Damage: String, CaseIterable, Sendable {
        case cutToAThird, randomMdef, runawayFilterBank
    }

    /// A private copy of the English model, damaged.
    static func damagedModel(_ damage: Damage, in folder: URL) throws -> String {
        let model = folder.appendingPathComponent("model").path
        try FileManager.default.copyItem(atPath: "/usr/share/pocketsphinx/model/en-us/en-us", toPath: model)
        switch damage {
        case .cutToAThird:
            for name in ["mdef", "means", "variances", "sendump"] {
                let file = "\(model)/\(name)"
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                try data.prefix(data.count / 3).write(to: URL(fileURLWithPath: file))
            }
        case .randomMdef:
            try Data((0..<100_000).map { _ in UInt8.random(in: 0...255) }).write(to: URL(fileURLWithPath: "\(model)/mdef"))
        case .runawayFilterBank:
            let params = try String(contentsOfFile: "\(model)/feat.params", encoding: .utf8)
                .replacingOccurrences(of: "-nfilt 25", with: "-nfilt 99999999")
            try params.write(toFile: "\(model)/feat.params", atomically: true, encoding: .utf8)
        }
        return model
    }

    /// A damaged model crashed `run --listen` and `doctor` (a segmentation fault, a silent exit 1, or
    /// gigabytes allocated for tens of seconds) and left a folder in /tmp. Now: one warning, the
    /// session runs to its end, `doctor` fails its listen line with a fix, nothing is left behind.
    @Test(.enabled(if: pocketsphinx, "needs pocketsphinx's English model (.ci/test-setup installs it)"), arguments: Damage.allCases)
    func aDamagedListeningModelIsOneWarningAndTheSessionGoesOn(damage: Damage) throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try Self.damagedModel(damage, in: folder)
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("touchtime-listen-") }
        let mark = UUID().uuidString
        let environment = ["TOUCHTIME_LISTEN_MODEL": model, "TOUCHTIME_TEST_MARK": mark]
        let started = Date()
        let session = try BinaryRunner.run(["run", "trainee-drill", "--plain", "--listen", "--speed", "50", "--lead-in", "0",
                                            "--no-sound", "--no-history"], environment: environment, timeout: 30)
        #expect(Date().timeIntervalSince(started) < 15, "the session was not held up")
        #expect(session.status == 0, "\(session.stderr)")
        #expect(session.stdout.contains("session-end     complete"))
        let lines = session.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(session.stderr)")
        #expect(lines.first?.hasPrefix("touchtime: not listening: the spotter could not load its model") == true, "\(session.stderr)")
        #expect(lines.first?.hasSuffix("; keys and pedals still work") == true)
        let configuration = folder.appendingPathComponent("config.json").path
        try #"{"listen": true, "listenDevice": "null"}"#.write(toFile: configuration, atomically: true, encoding: .utf8)
        let doctor = try BinaryRunner.run(["doctor", "--config", configuration], environment: environment, timeout: 30)
        #expect(doctor.status == 69)
        // (A check wraps under its start within 80 columns: joined again.)
        let listen = doctor.stdout.replacing("\n" + String(repeating: " ", count: 16), with: " ").split(separator: "\n")
            .first { $0.contains("listen") } ?? ""
        #expect(listen.hasPrefix("FAIL  listen") && listen.contains("damaged") && listen.contains("fix: "), "\(doctor.stdout)")
        #expect(!doctor.stderr.contains("calloc") && !doctor.stderr.contains("Backtrac"), "\(doctor.stderr)")
        let after = Set((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("touchtime-listen-") }
        #expect(after.subtracting(before).isEmpty, "left behind: \(after.subtracting(before))")
        #expect(Self.survivors(mark).isEmpty)
    }

    /// Ten phases repeated a hundred times: a thousand distinct prompts. Preparing them all took
    /// 137 s and 580 MB, and then the helper's answer was too large to take: no voice at all.
    /// Now the session starts at once, speaks, and stays small.
    @Test func aThousandPromptsStartAtOnceAndSpeak() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let phases = (1...10).map { #"{"id": "p\#($0)", "title": "Phase number \#($0)", "cue": "c", "duration": 1, "repeat": 100}"# }
        let path = folder.appendingPathComponent("many.json").path
        try #"{"format": "touchtime/1.1", "id": "many", "title": "Many", "phases": [\#(phases.joined(separator: ","))]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let events = folder.appendingPathComponent("events.jsonl").path
        // At 10x a boundary every 0.1 s, for 8 s, then quit.
        let result = try BinaryRunner.shell("""
            (sleep 8; printf qq) | /usr/bin/time -f '%e %M' -o '\(folder.path)/time' "$TOUCHTIME" run '\(path)' --voice --plain \
              --speed 10 --lead-in 0 --no-history --events '\(events)' --device "file:'\(folder.path)/session.wav',wav" > /dev/null
            """, environment: ["XDG_RUNTIME_DIR": folder.path], timeout: 90)
        #expect(result.status == 0, "\(result.stderr)")
        let figures = try String(contentsOfFile: "\(folder.path)/time", encoding: .utf8).split(separator: " ")
            .compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(figures.count == 2)
        #expect((figures.first ?? 999) < 20, "\(figures)")
        #expect((figures.last ?? .infinity) < 100_000, "peak \(figures.last ?? 0) KB")
        let lines = try String(contentsOfFile: events, encoding: .utf8)
        let starts = lines.components(separatedBy: "\n").first { $0.contains("session-start") } ?? ""
        #expect(starts.contains(#""elapsed":0.0"#), "the session started at once: \(starts)")
        let spoken = lines.components(separatedBy: #""event":"speech""#).count - 1
        #expect(spoken > 40, "prompts were spoken as the session went: \(spoken) in 8 s")
    }

    /// A speech helper that stops (SIGSTOP) before it answers: the session starts anyway with its
    /// chimes, says so once, and an ending signal still ends it at once; the helper is ended too.
    @Test func aStoppedSpeechHelperNeverHoldsTheSession() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mark = UUID().uuidString
        var stopped: Int32?
        let started = Date()
        let result = try BinaryRunner.run(
            ["run", "trainee-drill", "--voice", "--plain", "--speed", "4", "--lead-in", "1", "--no-history",
             "--device", "file:'\(folder.path)/session.wav',wav"],
            environment: ["XDG_RUNTIME_DIR": folder.path, "TOUCHTIME_TEST_MARK": mark], timeout: 40) { process in
            // Stop the helper the moment it exists, before it can answer.
            let deadline = Date().addingTimeInterval(5)
            while stopped == nil, Date() < deadline {
                for child in ProcessTree.descendants(of: process.processIdentifier) {
                    let command = (try? String(contentsOfFile: "/proc/\(child)/cmdline", encoding: .utf8)) ?? ""
                    if command.contains("_prompts") {
                        kill(child, SIGSTOP)
                        stopped = child
                    }
                }
                usleep(200)
            }
            Thread.sleep(forTimeInterval: 8)
            kill(process.processIdentifier, SIGTERM)
        }
        #expect(stopped != nil)
        #expect(Date().timeIntervalSince(started) < 15, "SIGTERM acted at once")
        #expect(result.status == 143, "\(result.stderr)")
        #expect(result.stdout.contains("session-start"), "the session started without its prompts")
        #expect(result.stderr.contains("spoken prompts stopped: the speech helper did not answer within 5.0 s"), "\(result.stderr)")
        #expect(Self.survivors(mark).isEmpty, "the stopped helper was ended with the session")
    }
}
