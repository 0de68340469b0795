import Foundation
import Testing

/// The bedside display through a real pseudo-terminal (tmux): keys, resizes, signals, and the
/// terminal as it was found afterwards.
@Suite(.serialized, .enabled(if: Tmux.available, "needs tmux (.ci/setup installs it)"))
struct DisplayTests {
    private let binary = BinaryRunner.executable.path

    @Test func keysDriveTheSessionAndQuitRestoresTheTerminal() throws {
        let tmux = try Tmux()
        tmux.type("stty -g > \(tmux.file("before")); \(binary) run --lead-in 0 --no-sound --events \(tmux.file("events")); echo EXIT=$?; stty -g > \(tmux.file("after"))")
        #expect(tmux.waitFor { $0.contains(" Phase 1/5  Warm the serum") })
        #expect(tmux.alternateScreen)

        tmux.press("Space")
        #expect(tmux.waitFor { $0.first?.hasSuffix(" PAUSED ") == true || $0.first?.hasSuffix(" PAUSED") == true })
        let held = tmux.screen.filter { $0.contains("█") && !$0.contains("[") }
        Thread.sleep(forTimeInterval: 1.3)
        #expect(tmux.screen.filter { $0.contains("█") && !$0.contains("[") } == held, "the countdown holds while paused")

        tmux.press("Space", "n")
        #expect(tmux.waitFor { $0.contains(" Phase 2/5  Jawline · Left side") })
        tmux.press("Right")
        #expect(tmux.waitFor { $0.contains(" Phase 2/5  Jawline · Right side") })

        tmux.resize(width: 50, height: 12)
        #expect(tmux.waitFor { $0.first?.hasPrefix(" 2/5 NeuroTouch") == true })
        tmux.resize(width: 30, height: 5)
        #expect(tmux.waitFor { $0.first?.contains("2/5 Jawline: Right side") == true })
        tmux.resize(width: 80, height: 24)

        tmux.press("Left")   // within 3 s of its start: back to the left side
        #expect(tmux.waitFor { $0.contains(" Phase 2/5  Jawline · Left side") })
        tmux.press("+")
        #expect(tmux.waitFor { $0.contains { $0.contains("█") } })
        tmux.press("-", "m")
        #expect(tmux.waitFor { $0.first?.contains("MUTED") == true })

        tmux.press("q")
        #expect(tmux.waitFor { $0.contains(" Quit the session? Press q or y to confirm.") })
        tmux.press("y")
        #expect(tmux.waitFor { $0.contains(" Session ended early") })
        tmux.press("x")
        #expect(tmux.waitFor { $0.contains("EXIT=0") })
        #expect(!tmux.alternateScreen)
        #expect(tmux.read("before") == tmux.read("after") && !tmux.read("before").isEmpty)
        let events = tmux.read("events")
        for name in ["paused", "resumed", "skipped", "back", "extended", "muted", "quit", "session-end"] {
            #expect(events.contains("\"event\":\"\(name)\""), "\(name) is in the events")
        }
    }

    @Test(arguments: [("TERM", 143), ("INT", 130), ("HUP", 129)])
    func aSignalMidSessionLeavesTheTerminalAsItWas(signal: String, status: Int) throws {
        let tmux = try Tmux()
        tmux.type("stty -g > \(tmux.file("before")); bash -c 'echo $$ > \(tmux.file("pid")); exec \(binary) run --lead-in 0 --no-sound'; echo EXIT=$?; stty -g > \(tmux.file("after"))")
        #expect(tmux.waitFor { $0.contains(" Phase 1/5  Warm the serum") })
        #expect(tmux.alternateScreen)
        let pid = tmux.read("pid").trimmingCharacters(in: .whitespacesAndNewlines)
        let kill = Process()
        kill.executableURL = URL(fileURLWithPath: "/bin/kill")
        kill.arguments = ["-\(signal)", pid]
        try kill.run()
        kill.waitUntilExit()
        #expect(tmux.waitFor { $0.contains("EXIT=\(status)") })
        #expect(!tmux.alternateScreen)
        #expect(tmux.read("before") == tmux.read("after") && !tmux.read("before").isEmpty)
    }

    @Test func ctrlZGivesTheTerminalBackAndFgResumesPaused() throws {
        let tmux = try Tmux()
        tmux.type("\(binary) run --lead-in 0 --no-sound")
        #expect(tmux.waitFor { $0.contains(" Phase 1/5  Warm the serum") })
        tmux.press("C-z")
        #expect(tmux.waitFor { $0.contains { $0.contains("Stopped") } })
        #expect(!tmux.alternateScreen)
        tmux.type("fg")
        #expect(tmux.waitFor { $0.first?.contains("PAUSED") == true })
        tmux.press("Space")
        #expect(tmux.waitFor { $0.first?.contains("PAUSED") == false })
        tmux.press("q", "q")
        #expect(tmux.waitFor { $0.contains(" Session ended early") })
    }

    @Test func noColorMeansNoColour() throws {
        let tmux = try Tmux()
        tmux.type("NO_COLOR=1 \(binary) run --lead-in 0 --no-sound --exit-at-end")
        #expect(tmux.waitFor { $0.contains(" Phase 1/5  Warm the serum") })
        #expect(!tmux.styledScreen.contains("36m"), "no cyan phase title")
        tmux.press("q", "y")
        #expect(tmux.waitFor { !$0.contains(" Phase 1/5  Warm the serum") })
        tmux.type("clear; \(binary) run --lead-in 0 --no-sound --exit-at-end")
        #expect(tmux.waitFor { $0.contains(" Phase 1/5  Warm the serum") })
        #expect(tmux.styledScreen.contains("36m"), "colour by default")
        tmux.press("q", "y")
    }

    @Test func escapeSequencesInAProtocolStayHarmlessText() throws {
        let tmux = try Tmux()
        let path = tmux.file("evil.json")
        try #"{"format": "touchtime/1", "id": "evil", "title": "Evil\u001b]0;owned\u0007", "phases": [{"id": "a", "title": "A\u001b[2J", "cue": "Clear\u001b[2J\u001b[31mred", "duration": 60}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        tmux.type("\(binary) run \(path) --lead-in 0 --no-sound --exit-at-end")
        #expect(tmux.waitFor { $0.contains(" Phase 1/1  A[2J") })
        #expect(tmux.screen.first?.hasPrefix(" Evil]0;owned") == true)
        #expect(tmux.screen.contains(" Clear[2J[31mred"))
        #expect(tmux.paneTitle != "owned")
        tmux.press("q", "y")
    }
}

@Suite(.serialized, .enabled(if: Tmux.available, "needs tmux")) struct PracticeDisplayTests {
    @Test func practiceFullScreenHidesTheClockAndScoresKeysSentAtChosenMoments() throws {
        let tmux = try Tmux()
        let events = tmux.file("events.jsonl")
        tmux.type("\(BinaryRunner.executable.path) practice trainee-drill --lead-in 0 --speed 10 --reveal --events \(events) --history \(tmux.file("h.jsonl")); echo EXIT=$?")
        #expect(tmux.waitFor { $0.contains(" Phase 1/5  Warm") })
        let started = Date()
        #expect(tmux.screen.contains { $0.contains("practice: press space when the segment is done") })
        #expect(!tmux.screen.contains { $0.contains("█") || $0.contains(" segment [") }, "no countdown, no bars")
        // Warm is 10 s: at 10x, press 1.2 s after it began (2 s late).
        Thread.sleep(until: started.addingTimeInterval(1.2))
        tmux.press("Space")
        #expect(tmux.waitFor { $0.contains(" Phase 2/5  Jawline · Left") })
        #expect(tmux.waitFor { $0.contains { $0.contains("planned 10s, actual") } }, "--reveal shows the last press")
        tmux.press("q", "y")
        #expect(tmux.waitFor { $0.contains { $0.hasPrefix("score: ") } })
        #expect(tmux.waitFor { $0.contains("EXIT=0") })
        let press = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .first { $0["event"] as? String == "press" }
        let error = try #require(press?["error"] as? Double)
        // The screen was first seen up to ~0.1 s after the start: allow for it.
        #expect(error > 1.0 && error < 3.5, "about 2 s late, measured \(error) s")
    }
}
