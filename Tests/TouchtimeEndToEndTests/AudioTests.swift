import Foundation
import Testing
import TouchtimeAudio
import TouchtimeTestSupport

/// The sound path through the built binary: ALSA's file plugin stands in for a sound card.
@Suite(.serialized) struct AudioTests {
    /// An environment with no sound server and no ALSA configuration of the user's.
    private func silentMachine() throws -> (URL, [String: String]) {
        let folder = try BinaryRunner.temporaryFolder()
        return (folder, ["XDG_RUNTIME_DIR": folder.path, "HOME": folder.path])
    }

    /// What `touchtime chime KIND --out` writes, as floats: the sound a session must play.
    private func chimeTemplate(_ kind: String, in folder: URL, volume: Int = 100) throws -> [Float] {
        let path = folder.appendingPathComponent("\(kind)-\(volume).wav").path
        let result = try BinaryRunner.run(["chime", kind, "--volume", "\(volume)", "--out", path])
        #expect(result.status == 0)
        return ChimeOnsets.floats(try WAVFile.read(path).samples)
    }

    @Test func noSoundMeansOneWarningLineAndTheSessionCompletes() throws {
        let (folder, environment) = try silentMachine()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try BinaryRunner.run(["run", "--plain", "--lead-in", "0", "--speed", "100"], environment: environment)
        #expect(result.status == 0)
        let warnings = result.stderr.split(separator: "\n")
        #expect(warnings.count == 1)
        // Plain English first, ALSA's own reason in brackets.
        #expect(warnings.first.map(String.init) == "touchtime: no sound card or sound server found (ALSA 'default': no such file or directory (snd_pcm_open)); "
                + "the session goes on without chimes", "\(warnings)")
        #expect(warnings.first?.hasSuffix("; the session goes on without chimes") == true)
        #expect(!result.stderr.contains("ALSA lib"))
        #expect(result.lines.last?.hasSuffix("complete") == true)

        let events = try BinaryRunner.run(["run", "trainee-drill", "--events", "-", "--lead-in", "0", "--speed", "1000"], environment: environment)
        #expect(events.lines.prefix(2).map { $0.contains(#""event":"session-start""#) || $0.contains(#""event":"audio-unavailable""#) } == [true, true])
        #expect(!events.stdout.contains(#""event":"chime""#))
    }

    @Test func aBadDeviceIsOneLineNeverALSAsOwnMessages() throws {
        let run = try BinaryRunner.run(["run", "--plain", "--lead-in", "0", "--speed", "1000", "--device", "hw:7,7"])
        #expect(run.status == 0)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stderr.hasPrefix("touchtime: ALSA 'hw:7,7' names no card that is there (no such file or directory (snd_pcm_open)); "), "\(run.stderr)")
        let chime = try BinaryRunner.run(["chime", "transition", "--device", "hw:7,7"])
        #expect(chime.status == 69)
        #expect(chime.stderr.split(separator: "\n").count == 1 && !chime.stderr.contains("ALSA lib"))
    }

    @Test func aSessionThroughALSAPlaysExactlyTheChimesOfChimeOut() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let capture = folder.appendingPathComponent("session.wav").path
        // At 10x the chimes, each ringing down over seconds, pile up: at half volume they never clip.
        let result = try BinaryRunner.run(["run", "trainee-drill", "--speed", "10", "--lead-in", "0", "--events", "-",
                                           "--volume", "50", "--device", "file:'\(capture)',wav"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let chimes = try result.lines.compactMap { line -> [String: Any]? in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return object["event"] as? String == "chime" ? object : nil
        }
        let kinds = chimes.compactMap { $0["kind"] as? String }
        #expect(kinds == ["transition", "transition", "stillness", "transition", "transition", "transition", "transition",
                          "stillness", "transition", "finish"])
        var templates: [String: [Float]] = [:]
        for kind in Set(kinds) { templates[kind] = try chimeTemplate(kind, in: folder, volume: 50) }
        let recording = ChimeOnsets.floats(try WAVFile.read(capture).samples)
        let found = ChimeOnsets.find(kinds.compactMap { templates[$0] }, in: recording)
        #expect(found.allFound)
        // Overlapping chimes are mixed, then rounded once; each template was rounded alone: half
        // an LSB per overlapping chime (at 10x all ten ring together). A missing or wrong chime
        // would leave thousands of LSB.
        #expect(found.residualPeak <= 8.0 / 32767, "the capture is those chimes, sample for sample, and silence")
        // Placed on their boundaries: each gap is the planned gap / speed, to the sample.
        let planned = chimes.compactMap { $0["planned"] as? Double }
        let onsets = found.onsets.compactMap { $0 }
        for index in 1..<onsets.count {
            let want = Int(((planned[index] - planned[index - 1]) / 10 * 48_000).rounded())
            #expect(abs(onsets[index] - onsets[index - 1] - want) <= 1)
        }
    }

    @Test func aVoicedSessionSpeaksEachPromptAfterItsChimeSampleForSample() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let capture = folder.appendingPathComponent("voiced.wav").path
        let protocolPath = folder.appendingPathComponent("voiced.json").path
        // Segments long enough for every prompt to be heard whole.
        try #"{"format": "touchtime/1", "id": "voiced", "title": "Voiced", "phases": [{"id": "warm", "title": "Warm", "cue": "c", "duration": 3}, {"id": "jawline", "title": "Jawline", "cue": "c", "steps": [{"title": "Left side", "cue": "c", "duration": 3}, {"title": "Right side", "cue": "c", "duration": 3}], "stillnessAfter": 2}]}"#
            .write(toFile: protocolPath, atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["run", protocolPath, "--voice", "--lead-in", "0", "--events", "-", "--no-history",
                                           "--device", "file:'\(capture)',wav"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let events = try result.lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let spoken = events.filter { $0["event"] as? String == "speech" }.compactMap { $0["text"] as? String }
        #expect(spoken == ["Warm.", "Jawline. Left side.", "Right side.", "stillness.", "session complete"])
        // The capture is the guide `render --voice` writes, sample for sample: the chimes and the
        // prompts, each 0.35 s after its chime, the bell ducked under each prompt (one mixer, live and
        // rendered), and nothing else.
        let guide = folder.appendingPathComponent("guide.wav").path
        #expect(try BinaryRunner.run(["render", protocolPath, "--voice", "--out", guide]).status == 0)
        let rendered = try WAVFile.read(guide).samples
        let captured = try WAVFile.read(capture).samples
        // (Aligned on the first chime's first sound in each: the guide starts with it, the capture
        // after what the stream wrote before the session started.)
        let lead = try #require(rendered.firstIndex { $0 != 0 })
        #expect(lead < 10, "the guide starts with the first chime")
        let first = try #require(captured.firstIndex { $0 != 0 }) - lead
        let compared = min(rendered.count, captured.count - first)
        #expect(compared > 48_000 * 11, "the whole session is compared: \(compared) samples")
        var largest = 0
        for index in 0..<compared { largest = max(largest, abs(Int(captured[first + index]) - Int(rendered[index]))) }
        #expect(largest <= 2, "the session played its guide, sample for sample (largest difference \(largest))")
        #expect(captured[(first + compared)...].allSatisfy { $0 == 0 }, "and nothing after it")
    }

    /// Every command is heard to be taken (issue 23): a pause, a resume, +15 s, -15 s, mute and unmute
    /// each sound their own confirmation at once (the "muted" one too, as it mutes), reported as a
    /// `chime` that `confirms` it; with the voice on, as a word.
    @Test func everyCommandIsHeardToBeTaken() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let protocolPath = folder.appendingPathComponent("long.json").path
        // No chime of its own: muting fades what rings, which the search below could not tell from a sound.
        try #"{"format": "touchtime/1", "id": "long", "title": "Long", "chimes": {"start": "none"}, "phases": [{"id": "warm", "title": "Warm", "cue": "c", "duration": 60}]}"#
            .write(toFile: protocolPath, atomically: true, encoding: .utf8)
        // No key twice in a row: under load two presses of one key can arrive as one read, which is
        // taken as a held key's repeat.
        let keys = [" ", "+", "\n", "m", "-", "m"]
        func confirmations(voice: Bool) throws -> (confirms: [String], kinds: [String], texts: [String], capture: String) {
            let capture = folder.appendingPathComponent("confirm-\(voice).wav").path
            let eventsPath = folder.appendingPathComponent("confirm-\(voice).jsonl").path
            let input = Pipe()
            let result = try BinaryRunner.run(["run", protocolPath, voice ? "--voice" : "--no-voice", "--plain", "--lead-in", "0", "--events", eventsPath,
                                               "--no-history", "--device", "file:'\(capture)',wav"], input: input) { _ in
                // Pressed once the session has started (on a busy machine opening the sound takes a while).
                let deadline = Date().addingTimeInterval(20)
                while Date() < deadline, !((try? String(contentsOfFile: eventsPath, encoding: .utf8)) ?? "").contains("session-start") {
                    Thread.sleep(forTimeInterval: 0.05)
                }
                let start = Date()
                for (index, key) in (keys + ["q", "q"]).enumerated() {
                    Thread.sleep(until: start.addingTimeInterval(0.5 + 0.8 * Double(index)))
                    try? input.fileHandleForWriting.write(contentsOf: Data(key.utf8))
                }
                try? input.fileHandleForWriting.close()
            }
            #expect(result.status == 0, "\(result.stderr)")
            let lines = try String(contentsOfFile: eventsPath, encoding: .utf8).split(separator: "\n")
            let events = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            let confirming = events.filter { $0["confirms"] != nil }
            return (confirming.compactMap { $0["confirms"] as? String }, confirming.compactMap { $0["event"] as? String },
                    confirming.compactMap { $0["text"] as? String }, capture)
        }
        let silent = try confirmations(voice: false)
        #expect(silent.confirms == ["paused", "longer", "resumed", "muted", "shorter", "unmuted"])
        #expect(silent.kinds == Array(repeating: "chime", count: 6))
        // Each is in the capture, sample for sample: the "muted" one too.
        var templates: [[Float]] = []
        for name in silent.confirms { templates.append(try chimeTemplate(name, in: folder)) }
        let found = ChimeOnsets.find(templates, in: ChimeOnsets.floats(try WAVFile.read(silent.capture).samples))
        #expect(found.allFound, "\(found.onsets)")
        let onsets = found.onsets.compactMap { $0 }
        #expect(found.residualPeak <= 2.0 / 32767, "those sounds and nothing else")
        for index in 1..<onsets.count {
            // 0.8 s apart as pressed (what a pipe and a busy machine add: well under 0.2 s).
            #expect(abs(Double(onsets[index] - onsets[index - 1]) / 48_000 - 0.8) < 0.2, "\(silent.confirms[index])")
        }

        let voiced = try confirmations(voice: true)
        #expect(voiced.confirms == ["paused", "longer", "resumed", "muted", "shorter", "unmuted"])
        #expect(voiced.kinds == Array(repeating: "speech", count: 6))
        #expect(voiced.texts == ["paused", "fifteen more seconds", "resumed", "muted", "fifteen seconds less", "sound on"])
    }

    @Test func soundCheckPlaysEveryKindThroughALSAWithItsName() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let capture = folder.appendingPathComponent("check.wav").path
        let result = try BinaryRunner.run(["chime", "all", "--device", "file:'\(capture)',wav"])
        #expect(result.status == 0)
        let kinds = ["transition", "stillness", "warning", "finish", "pace"]
        #expect(result.lines.map { String($0.prefix { $0 != " " }) } == kinds)
        #expect(result.lines[0].hasSuffix("a clear bell: a new phase or step begins"))
        let found = ChimeOnsets.find(try kinds.map { try chimeTemplate($0, in: folder) },
                                     in: ChimeOnsets.floats(try WAVFile.read(capture).samples))
        #expect(found.allFound && found.residualPeak <= 2.0 / 32767, "each kind, once, in order, exactly")
    }

    @Test func chimeOutWritesEachKindOrAll() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("all.wav").path
        let result = try BinaryRunner.run(["chime", "--out", path])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("wrote \(path): 5 chimes, "))
        let all = ChimeOnsets.floats(try WAVFile.read(path).samples)
        let kinds = ["transition", "stillness", "warning", "finish", "pace"]
        let found = ChimeOnsets.find(try kinds.map { try chimeTemplate($0, in: folder) }, in: all)
        #expect(found.allFound && found.residualPeak <= 2.0 / 32767)
        #expect(try BinaryRunner.run(["chime", "gong", "--out", path]).status == 64)
        #expect(try BinaryRunner.run(["chime", "transition", "--out", "/nonexistent/x.wav"]).status == 73)
    }

    @Test func renderPutsEveryChimeOnItsPlannedSample() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("guide.wav").path
        let paced = try BinaryRunner.run(["render", "--out", path])
        #expect(paced.status == 0)
        // 7:15 and the finish bell ringing down.
        #expect(paced.stdout == "wrote \(path): 7:26 (7m26.517s), 40 chimes (7 transition, 4 stillness, 1 finish, 28 pace), 48 kHz mono 16-bit\n")
        let result = try BinaryRunner.run(["render", "--no-pace", "--out", path])
        #expect(result.status == 0)
        #expect(result.stdout == "wrote \(path): 7:26 (7m26.517s), 12 chimes (7 transition, 4 stillness, 1 finish), 48 kHz mono 16-bit\n")
        let planned: [Double] = [0, 45, 105, 165, 175, 235, 245, 290, 300, 360, 390, 435]
        let kinds = ["transition", "transition", "transition", "stillness", "transition", "stillness", "transition",
                     "stillness", "transition", "stillness", "transition", "finish"]
        var templates: [String: [Float]] = [:]
        for kind in Set(kinds) { templates[kind] = try chimeTemplate(kind, in: folder) }
        let found = ChimeOnsets.find(kinds.compactMap { templates[$0] }, in: ChimeOnsets.floats(try WAVFile.read(path).samples))
        #expect(found.allFound && found.residualPeak <= 2.0 / 32767)
        for (onset, seconds) in zip(found.onsets, planned) {
            #expect(abs((onset ?? -1) - Int(seconds * 48_000)) <= 1)
        }
    }
}
