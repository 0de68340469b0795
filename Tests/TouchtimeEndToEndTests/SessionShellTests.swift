import Foundation
import Testing

/// The session shell under what goes wrong around it: readers that die, signals in bursts, at the
/// start, and from Ctrl-\, FIFOs where files were expected. Whatever happens the session ends in
/// order: its record written, the terminal as it was found, the documented exit status.
@Suite(.serialized) struct SessionShellTests {
    private func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    private func folder() throws -> (URL, String) {
        let folder = try BinaryRunner.temporaryFolder()
        return (folder, folder.appendingPathComponent("history.jsonl").path)
    }

    @Test func aDyingEventsReaderNeverEndsTheSession() throws {
        let (folder, history) = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // `head -1` reads one line and leaves: the session goes on to its end and is recorded.
        let result = try BinaryRunner.shell("""
            "$TOUCHTIME" run trainee-drill --plain --speed 50 --lead-in 0 --no-sound --events - --history '\(history)' | head -1
            echo "status=${PIPESTATUS[0]}"
            """)
        #expect(result.lines.first?.contains(#""event":"session-start""#) == true)
        #expect(result.lines.last == "status=74", "EX_IOERR: the events were not all delivered")
        #expect(lines(history).count == 1 && lines(history)[0].contains(#""outcome":"completed""#))
        #expect(result.stderr.hasPrefix("touchtime: standard output: cannot write events: broken pipe;"))
        #expect(result.stderr.split(separator: "\n").count == 1, "reported once: \(result.stderr)")
    }

    @Test func aReaderThatStopsReadingNeverHoldsUpTheSession() throws {
        let (folder, history) = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // 600 steps of 0.5 s at 100x (3 s): some 90 KiB of events, more than a pipe holds.
        let steps = (0..<200).map { _ in #"{"cue": "A step.", "duration": 0.5}"# }.joined(separator: ",")
        let phases = (0..<3).map { #"{"id": "p\#($0)", "title": "Phase \#($0)", "cue": "A cue.", "steps": [\#(steps)]}"# }
        let protocolPath = folder.appendingPathComponent("many.json").path
        try #"{"format": "touchtime/1", "id": "many", "title": "Many", "phases": [\#(phases.joined(separator: ","))]}"#
            .write(toFile: protocolPath, atomically: true, encoding: .utf8)
        let fifo = folder.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let started = Date()
        // The reader opens the FIFO and never reads; the session must still run on time, to its end.
        let result = try BinaryRunner.shell("""
            sleep 30 < '\(fifo)' & reader=$!
            "$TOUCHTIME" run '\(protocolPath)' --plain --speed 100 --lead-in 0 --no-sound --history '\(history)' --events '\(fifo)'
            echo "status=$?"; kill $reader
            """, timeout: 25)
        let seconds = Date().timeIntervalSince(started)
        #expect(result.lines.last == "status=74")
        #expect(result.lines.dropLast().last?.contains("session-end     complete") == true)
        #expect(seconds < 9, "3 s of session and at most 2 s waiting for the reader at the end: \(seconds) s")
        #expect(result.stderr.contains("\(fifo): cannot write events: the reader stopped reading"))
        #expect(lines(history).count == 1)
    }

    @Test func aFullDiskForTheEventsIsReportedOnce() throws {
        let (folder, history) = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try BinaryRunner.run(["run", "trainee-drill", "--plain", "--speed", "1000", "--lead-in", "0", "--no-sound",
                                           "--events", "/dev/full", "--history", history])
        #expect(result.status == 74)
        #expect(result.lines.last?.contains("session-end") == true, "the plain lines went on")
        #expect(result.stderr.hasPrefix("touchtime: /dev/full: cannot write events: no space left on device;"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(lines(history).count == 1)
    }

    @Test(arguments: [1, 2, 500])
    func aBurstOfSignalsEndsTheSessionInOrder(count: Int) throws {
        let (folder, history) = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for trial in 0..<(count == 2 ? 5 : 1) {
            let result = try BinaryRunner.run(["run", "--plain", "--lead-in", "0", "--no-sound", "--events", "-", "--history", history],
                                              whileRunning: { process in
                usleep(400_000)
                for _ in 0..<count {
                    kill(process.processIdentifier, SIGINT)
                    usleep(count == 2 ? 1000 : 1500)
                }
            })
            #expect(result.status == 130, "trial \(trial): \(result.stderr)")
            #expect(result.lines.last?.contains(#""completed":false"#) == true)
            #expect(lines(history).count == trial + 1 && lines(history).last?.contains(#""outcome":"aborted""#) == true)
        }
    }

    @Test func aBurstOfSignalsInTheFullScreenLeavesTheTerminalAsItWas() throws {
        let tmux = try Tmux()
        let history = tmux.file("history.jsonl")
        tmux.type("stty -g > \(tmux.file("before")); bash -c 'echo $$ > \(tmux.file("pid")); exec \(BinaryRunner.executable.path) run --lead-in 0 --no-sound --history \(history)'; echo EXIT=$?; stty -g > \(tmux.file("after"))")
        #expect(tmux.waitFor { $0.contains(" Phase 1/5  Warm the serum") })
        let pid = try #require(Int32(tmux.read("pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        for _ in 0..<500 {
            kill(pid, SIGINT)
            usleep(1500)
        }
        #expect(tmux.waitFor { $0.contains("EXIT=130") })
        #expect(!tmux.alternateScreen && tmux.cursorVisible)
        #expect(tmux.read("before") == tmux.read("after") && !tmux.read("before").isEmpty)
        #expect(lines(history).count == 1 && lines(history)[0].contains(#""outcome":"aborted""#))
    }

    @Test func aDyingReaderInTheFullScreenLeavesTheTerminalAsItWas() throws {
        let tmux = try Tmux()
        let history = tmux.file("history.jsonl")
        tmux.type("stty -g > \(tmux.file("before")); \(BinaryRunner.executable.path) run trainee-drill --lead-in 0 --no-sound --speed 20 --exit-at-end --history \(history) --events >(head -n 3 > /dev/null) 2> \(tmux.file("err")); echo EXIT=$?; stty -g > \(tmux.file("after"))")
        #expect(tmux.waitFor(15) { $0.contains("EXIT=74") })
        #expect(!tmux.alternateScreen && tmux.cursorVisible)
        #expect(tmux.read("before") == tmux.read("after") && !tmux.read("before").isEmpty)
        #expect(lines(history).count == 1 && lines(history)[0].contains(#""outcome":"completed""#))
        #expect(tmux.read("err").contains("cannot write events: broken pipe"))
    }

    @Test func ctrlBackslashEndsTheSessionInOrder() throws {
        let tmux = try Tmux()
        let history = tmux.file("history.jsonl")
        tmux.type("stty -g > \(tmux.file("before")); \(BinaryRunner.executable.path) run --lead-in 0 --no-sound --history \(history); echo EXIT=$?; stty -g > \(tmux.file("after"))")
        #expect(tmux.waitFor { $0.contains(" Phase 1/5  Warm the serum") })
        tmux.press("C-\\")
        #expect(tmux.waitFor { $0.contains("EXIT=131") })
        #expect(!tmux.screen.contains { $0.contains("Crash") || $0.contains("💣") || $0.contains("Thread") }, "no crash report")
        #expect(!tmux.alternateScreen && tmux.cursorVisible)
        #expect(tmux.read("before") == tmux.read("after") && !tmux.read("before").isEmpty)
        #expect(lines(history).count == 1 && lines(history)[0].contains(#""outcome":"aborted""#))
    }

    @Test func fifosAreRefusedBeforeTheSessionNeverWaitedOn() throws {
        let (folder, _) = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let history = try BinaryRunner.run(["run", "trainee-drill", "--plain", "--speed", "1000", "--lead-in", "0", "--no-sound",
                                            "--history", fifo], timeout: 10)
        #expect(history.status == 73)
        #expect(history.stdout.isEmpty, "refused before the session")
        #expect(history.stderr == "touchtime: \(fifo): cannot write the history: not a regular file (a FIFO); "
                + "record elsewhere with --history FILE, or not at all with --no-history\n")
        let events = try BinaryRunner.run(["run", "trainee-drill", "--plain", "--speed", "1000", "--lead-in", "0", "--no-sound",
                                           "--no-history", "--events", fifo], timeout: 10)
        #expect(events.status == 73)
        #expect(events.stderr == "touchtime: \(fifo): cannot write events: a FIFO that no process is reading\n")
        // A FIFO with a reader is a fine place for events.
        let read = try BinaryRunner.shell("""
            cat '\(fifo)' > '\(folder.path)/read.jsonl' &
            "$TOUCHTIME" run trainee-drill --plain --speed 1000 --lead-in 0 --no-sound --no-history --events '\(fifo)' > /dev/null
            echo "status=$?"; wait
            """, timeout: 20)
        #expect(read.lines.last == "status=0")
        #expect(lines(folder.appendingPathComponent("read.jsonl").path).last?.contains("session-end") == true)
    }
}

/// Through a real sound server: one that takes a second or more to start a stream, and can die.
@Suite(.serialized, .enabled(if: PulseServer.available, "needs PulseAudio and its ALSA plugin (.ci/setup installs them)"))
struct SoundServerShellTests {
    @Test(arguments: [(SIGINT, Int32(130), UInt32(300_000)), (SIGTERM, Int32(143), UInt32(900_000))])
    func aSignalWhileTheDeviceOpensEndsTheSessionInOrder(signal: Int32, status: Int32, after: UInt32) throws {
        let server = try PulseServer()
        defer { server.stop() }
        let history = server.folder.appendingPathComponent("history.jsonl").path
        let result = try BinaryRunner.run(["run", "trainee-drill", "--lead-in", "0", "--events", "-", "--history", history],
                                          environment: server.environment, whileRunning: { process in
            usleep(after)
            kill(process.processIdentifier, signal)
        })
        #expect(result.status == status)
        #expect(result.lines.last?.contains(#""event":"session-end","completed":false"#) == true, "\(result.stdout)")
        let record = try String(contentsOfFile: history, encoding: .utf8)
        // Ended while the sound was prepared, or (the later signal, on a quick server) just after the start.
        #expect(record.contains(#""outcome":"aborted""#) && record.contains(#""actual":0."#), "\(record)")
    }

    /// A sound server takes a second or more to start a new stream. The screen (and the lead-in)
    /// shows at once meanwhile, saying so; a press then is before the practice (not measured);
    /// the practice's clock starts once the sound is ready.
    @Test(.enabled(if: Tmux.available)) func theScreenShowsWhileTheSoundIsPreparedAndItsClockWaitsForIt() throws {
        let server = try PulseServer()
        defer { server.stop() }
        let tmux = try Tmux()
        defer { tmux.close() }
        let environment = server.environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        let launched = Date()
        tmux.type("\(environment) \(BinaryRunner.executable.path) practice trainee-drill --chimes --lead-in 0 --speed 10 "
                  + "--no-history --events \(tmux.file("events")); echo EXIT=$?")
        var preparingSeen: Date?
        let shown = tmux.waitFor(5) { screen in
            if screen.contains(where: { $0.contains("PREPARING SOUND") }) { preparingSeen = Date() }
            return preparingSeen != nil
        }
        #expect(shown, "the screen says the sound is being prepared")
        if let preparingSeen { #expect(preparingSeen.timeIntervalSince(launched) < 1.5, "the screen is up within moments") }
        #expect(!tmux.read("events").contains("session-start"), "the practice has not started while the sound is prepared")
        tmux.press("Space")  // a press before the practice starts
        #expect(tmux.waitFor(10) { screen in !screen.contains(where: { $0.contains("PREPARING SOUND") }) })
        #expect(tmux.waitFor(10) { _ in tmux.read("events").contains("session-start") })
        usleep(600_000)
        tmux.press("Space")
        #expect(tmux.waitFor(5) { _ in tmux.read("events").contains(#""event":"press""#) })
        tmux.press("q", "y")
        #expect(tmux.waitFor(10) { screen in screen.contains { $0.contains("EXIT=") } })
        let events = tmux.read("events").split(separator: "\n")
        let presses = events.filter { $0.contains(#""event":"press""#) }
        #expect(presses.count == 1, "only the press after the start: \(presses)")
        let start = events.firstIndex { $0.contains("session-start") }
        let firstChime = events.firstIndex { $0.contains(#""event":"chime""#) }
        if let start, let firstChime {
            #expect(start < firstChime, "the first chime is the start's")
        } else {
            Issue.record("no session-start or no chime: \(events)")
        }
    }

    @Test func aSoundServerThatDiesMidPracticeIsOneWarningAndThePracticeGoesOn() throws {
        let server = try PulseServer()
        defer { server.stop() }
        let events = server.folder.appendingPathComponent("events.jsonl").path
        let input = Pipe()
        let result = try BinaryRunner.run(
            ["practice", "trainee-drill", "--plain", "--lead-in", "0", "--speed", "10", "--chimes", "--no-history", "--events", events],
            environment: server.environment, input: input, whileRunning: { _ in
                // Wait for the practice to start (the server can hold a new stream for a second or two).
                let deadline = Date().addingTimeInterval(10)
                while Date() < deadline, !((try? String(contentsOfFile: events, encoding: .utf8)) ?? "").contains("session-start") {
                    usleep(20_000)
                }
                usleep(300_000)
                try? input.fileHandleForWriting.write(contentsOf: Data(" ".utf8))
                usleep(300_000)
                server.stop()
                usleep(800_000)
                try? input.fileHandleForWriting.write(contentsOf: Data(" qy".utf8))
            })
        #expect(result.status == 0)
        #expect(result.stderr.contains("sound lost on 'default'") && result.stderr.contains("the session goes on without chimes"))
        let text = try String(contentsOfFile: events, encoding: .utf8)
        #expect(text.contains(#""event":"chime""#), "the chimes before the loss are events")
        #expect(text.contains(#""event":"audio-unavailable""#))
        #expect(text.components(separatedBy: #""event":"press""#).count - 1 == 2, "both presses after the loss counted")
        #expect(result.stdout.contains("score:"))
    }
}
