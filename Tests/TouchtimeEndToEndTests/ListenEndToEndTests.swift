import Foundation
import Testing

/// `run --listen` with no microphone: a private PulseAudio server whose null sink `room` is the
/// room, its monitor the microphone; speech (flite's `kal16` voice, not the one touchtime speaks
/// with) is played into the room at chosen moments while a session listens.
@Suite(.serialized, .enabled(if: PulseServer.available && FileManager.default.fileExists(atPath: "/usr/bin/flite"),
                             "needs PulseAudio, its ALSA plugin and flite (.ci/test-setup installs them)"))
struct ListenEndToEndTests {
    /// `text` spoken into a WAV file in `folder`.
    static func speech(_ text: String, in folder: URL, voice: String = "kal16") throws -> String {
        let path = folder.appendingPathComponent("\(text.replacingOccurrences(of: " ", with: "-")).wav").path
        let flite = Process()
        flite.executableURL = URL(fileURLWithPath: "/usr/bin/flite")
        flite.arguments = ["-voice", voice, "-t", text + ".", "-o", path]
        try flite.run()
        flite.waitUntilExit()
        return path
    }

    /// The events of a session that listened, with `utterances` played into the room at their
    /// moments (seconds after the session starts: preparing its sound may take seconds), then
    /// quit by keys through a pipe.
    static func session(_ utterances: [(at: Double, text: String, voice: String)], extra: [String] = [], quitAt: Double,
                        environment extraEnvironment: [String: String] = [:]) throws -> (events: [[String: Any]], stderr: String) {
        let server = try PulseServer(others: ["room"])
        defer { server.stop() }
        var recordings: [(Double, String)] = []
        for utterance in utterances {
            recordings.append((utterance.at, try speech(utterance.text, in: server.folder, voice: utterance.voice)))
        }
        let events = server.folder.appendingPathComponent("events.jsonl").path
        var environment = server.environment
        environment["PULSE_SOURCE"] = "room.monitor"
        for (key, value) in extraEnvironment { environment[key] = value }
        let input = Pipe()
        let result = try BinaryRunner.run(
            ["run", "--plain", "--lead-in", "0", "--no-history", "--events", events, "--listen", "--listen-device", "pulse"] + extra,
            environment: environment, input: input, timeout: quitAt + 30) { _ in
            let launched = Date()
            while Date().timeIntervalSince(launched) < 15,
                  !((try? String(contentsOfFile: events, encoding: .utf8))?.contains("session-start") ?? false) {
                usleep(20_000)
            }
            let start = Date()
            for (at, path) in recordings {
                Thread.sleep(until: start.addingTimeInterval(at))
                server.play(path, into: "room")
            }
            Thread.sleep(until: start.addingTimeInterval(quitAt))
            try? input.fileHandleForWriting.write(contentsOf: Data("qq".utf8))
            try? input.fileHandleForWriting.close()
        }
        #expect(result.status == 0, "\(result.stderr)")
        let lines = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
        let objects = lines.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        return (objects, result.stderr)
    }

    /// The session pauses, resumes, skips, goes back and extends on the spoken commands.
    @Test func spokenCommandsDriveTheSession() throws {
        // No sound of its own here: nothing of the room is set aside while it chimes.
        // A therapist talks before she commands: the first seconds of speech settle the spotter's
        // cepstral mean, from the model's default to this voice and this room.
        // This test is of what a heard command does, so each is said by a voice the spotter hears
        // it from (kal16 says "pause" so that it is heard as "back": how often each voice is
        // heard right is the listening benchmark's to measure, Benchmarks/listen).
        let (events, stderr) = try Self.session([
            (0.5, "good morning, let's begin the treatment", "kal16"),
            (4, "timer pause", "rms"), (7, "okay, timer resume", "kal16"), (10, "timer next", "kal16"), (13, "timer back", "kal16"),
            (16, "timer more time", "kal16"),
        ], extra: ["--no-sound"], quitAt: 19)
        #expect(stderr.isEmpty, "no warning, nothing of pocketsphinx's on the terminal: \(stderr)")
        let heard = events.filter { $0["event"] as? String == "heard" }.compactMap { $0["phrase"] as? String }
        #expect(heard == ["timer pause", "timer resume", "timer next", "timer back", "timer more time"])
        #expect(events.allSatisfy { $0["event"] as? String != "heard" || ($0["score"] as? Int) != nil })
        // Each heard command is followed by what it does, at the same moment.
        let names = events.compactMap { $0["event"] as? String }
        for (phrase, effect) in [("timer pause", "paused"), ("timer resume", "resumed"), ("timer next", "skipped"),
                                 ("timer back", "back"), ("timer more time", "extended")] {
            guard let index = events.firstIndex(where: { $0["phrase"] as? String == phrase }) else { continue }
            #expect(index + 1 < names.count && names[index + 1] == effect, "\(phrase) then \(effect): \(names)")
        }
        #expect(events.contains { $0["event"] as? String == "extended" && $0["amount"] as? Double == 15 })
    }

    /// Treatment talk, with the command words but not the prefix, commands nothing.
    @Test func talkWithoutThePrefixIsNotACommand() throws {
        let (events, _) = try Self.session([
            (1, "let's pause here for a moment", "kal16"), (4, "a little more serum, then we move to the next part", "kal16"),
            (7, "now back to the jawline, and resume the slow strokes", "rms"),
        ], quitAt: 10)
        #expect(!events.contains { $0["event"] as? String == "heard" }, "\(events.filter { $0["event"] as? String == "heard" })")
    }

    /// touchtime's own voice is in the room (its sound plays into the room's sink): it says
    /// "timer pause" as a phase's own words, and again with a stillness ("Stillness, timer
    /// pause."), and neither commands it; the therapist's "timer next" between them does.
    @Test func itsOwnVoiceDoesNotCommandIt() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let protocolPath = folder.appendingPathComponent("own-voice.json").path
        try #"""
            {"format": "touchtime/1", "id": "own-voice", "title": "Own voice",
             "phases": [{"id": "a", "title": "Warm", "cue": "c", "duration": 20, "say": "timer pause, timer pause"},
                        {"id": "pause", "title": "Pause", "kind": "stillness", "cue": "c", "duration": 30, "say": "Stillness, timer pause."}]}
            """#.write(toFile: protocolPath, atomically: true, encoding: .utf8)
        // touchtime at 40, below the therapist's voice, as a bedside speaker would be. The
        // therapist speaks once its first words are over; her command starts the stillness, whose
        // words come after it.
        // Said again after a pause, as a therapist repeats a command that was not taken (on a busy
        // machine the first is sometimes missed); once taken, a repeat falls in touchtime's own words.
        let (events, stderr) = try Self.session([(5, "timer next", "kal16"), (9, "timer next", "kal16"), (13, "timer next", "kal16")],
                                                extra: [protocolPath, "--voice", "--volume", "40"], quitAt: 17,
                                                environment: ["PULSE_SINK": "room"])
        // Nothing said but, on a machine busy with the rest of the suite, trouble with the sound
        // (it ran dry, or its server fell behind or skipped: touchtime says so since issue 22; it
        // is about the machine, not about listening).
        let said = stderr.split(separator: "\n").filter { !$0.contains(" ran dry ") && !$0.contains("touchtime: the sound server behind ") }
        #expect(said.isEmpty, "\(stderr)")
        let names = events.compactMap { $0["event"] as? String }
        let spoken = events.filter { $0["event"] as? String == "speech" }.compactMap { $0["text"] as? String }
        #expect(spoken.prefix(2) == ["timer pause, timer pause.", "Stillness, timer pause."], "it spoke both: \(spoken)")
        let heard = events.filter { $0["event"] as? String == "heard" }.compactMap { $0["phrase"] as? String }
        #expect(!heard.isEmpty && heard.allSatisfy { $0 == "timer next" }, "only the therapist's command: \(heard) in \(names) \(events)")
        #expect(!names.contains("paused"))
    }

    /// Without a capture device: one warning line, and the session goes on with its keys.
    @Test func noCaptureDeviceIsOneWarning() throws {
        let result = try BinaryRunner.runPressing(["run", "--plain", "--lead-in", "0", "--no-history", "--no-sound", "--listen",
                                                   "--listen-device", "hw:9,9"], at: [1.0], key: "q", then: "q")
        #expect(result.status == 0)
        let warnings = result.stderr.split(separator: "\n")
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("touchtime: not listening: cannot listen on 'hw:9,9': ") == true, "\(result.stderr)")
        #expect(warnings.first?.hasSuffix("; keys and pedals still work") == true)
        #expect(!result.stderr.contains("ALSA lib"))
        #expect(result.stdout.contains("quit"))
    }
}
