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
        // + and -: each is an `extended` event with its amount (the screen's countdown moves every second anyway).
        tmux.press("+")
        #expect(tmux.waitFor { _ in tmux.read("events").contains(#""event":"extended","phase":"jawline","step":0,"segment":1,"amount":15.000"#) })
        tmux.press("-")
        #expect(tmux.waitFor { _ in tmux.read("events").contains(#""amount":-15.000"#) })
        tmux.press("m")
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

    /// The default ritual as a therapist on a stool two metres away sees it: the phase and the
    /// side in block letters with the countdown at 80x24, all of it larger at 200x60.
    @Test func theDefaultRitualReadsFromAcrossTheRoom() throws {
        let tmux = try Tmux(width: 80, height: 24)
        tmux.type("\(binary) run --lead-in 2 --no-sound")
        #expect(tmux.waitFor { $0.contains(" first: Warm the serum (45s)") }, "the lead-in names what comes first")
        #expect(!tmux.screen.contains { $0.contains("next:") })
        #expect(tmux.waitFor { $0.contains(" Phase 1/5  Warm the serum") })
        tmux.press("n")
        #expect(tmux.waitFor { $0.contains(" Phase 2/5  Jawline · Left side") })
        let small = tmux.screen
        let trimmed = small.map { $0.trimmingCharacters(in: .whitespaces) }
        // JAWLINE and LEFT SIDE in half-block letters, three rows each: their top rows.
        #expect(trimmed.contains("▀█ ▄▀▀▄ █   █ █    ▀█▀ █▄ █ █▀▀▀"), "\(small.joined(separator: "\n"))")
        #expect(trimmed.contains("█    █▀▀▀ █▀▀▀ ▀▀█▀▀    ▄▀▀▀ ▀█▀ █▀▀▄ █▀▀▀"))
        // 3 + 3 rows of letters and 5 of digits (the digits' rows are full blocks only).
        #expect(Self.blockRows(small).count == 11)
        #expect(Self.blockRows(small).filter { !$0.contains("▀") && !$0.contains("▄") }.count == 5)
        #expect(small.contains { $0.hasPrefix(" session [") && $0.hasSuffix(" left") })

        tmux.resize(width: 200, height: 60)
        #expect(tmux.waitFor { $0.count >= 60 && Self.blockRows($0).count > 22 }, "letters and digits grow")
        let large = tmux.screen
        #expect(!large.contains { $0.trimmingCharacters(in: .whitespaces) == "▀█ ▄▀▀▄ █   █ █    ▀█▀ █▄ █ █▀▀▀" })
        #expect(Self.blockRows(large).contains { $0.trimmingCharacters(in: .whitespaces).count > 100 })
        #expect(large.contains(" Phase 2/5  Jawline · Left side"))
        tmux.press("q", "y")
        #expect(tmux.waitFor { $0.contains(" Session ended early") })
    }

    /// Rows drawn in block letters or digits (not the bars).
    private static func blockRows(_ screen: [String]) -> [String] {
        screen.filter { ($0.contains("█") || $0.contains("▀") || $0.contains("▄")) && !$0.contains("[") }
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
        // Two q a moment apart, as a hand types them (sent in one write they would be a held key's repeat).
        tmux.press("q")
        Thread.sleep(forTimeInterval: 0.2)
        tmux.press("q")
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

/// Practice as a trainee meets it, in a real terminal.
@Suite(.serialized, .enabled(if: Tmux.available, "needs tmux")) struct PracticeDisplayTests {
    private let binary = BinaryRunner.executable.path

    private func objects(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func practiceFullScreenHidesTheClockAndScoresKeysSentAtChosenMoments() throws {
        let tmux = try Tmux()
        let events = tmux.file("events.jsonl")
        tmux.type("\(binary) practice trainee-drill --lead-in 0 --speed 10 --reveal --events \(events) --history \(tmux.file("h.jsonl")); echo EXIT=$?")
        #expect(tmux.waitFor { $0.contains(" Phase 1/5  Warm") })
        let started = Date()
        #expect(tmux.screen.contains { $0.contains("press space when you judge the segment done") })
        #expect(!tmux.screen.contains { $0.contains("█") || $0.contains(" segment [") }, "no countdown, no bars")
        // Warm is 10 s: at 10x, press 1.2 s after it began (2 s late).
        Thread.sleep(until: started.addingTimeInterval(1.2))
        tmux.press("Space")
        #expect(tmux.waitFor { $0.contains(" Phase 2/5  Jawline · Left") })
        #expect(tmux.waitFor { $0.contains { $0.contains("Warm: planned 10s, actual") } }, "--reveal shows the last press, named")
        tmux.press("q", "y")
        #expect(tmux.waitFor { $0.contains { $0.hasPrefix("score: ") } })
        #expect(tmux.waitFor { $0.contains("EXIT=0") })
        let press = try objects(events).first { $0["event"] as? String == "press" }
        let error = try #require(press?["error"] as? Double)
        // The screen was first seen up to ~0.1 s after the start: allow for it.
        #expect(error > 1.0 && error < 3.5, "about 2 s late, measured \(error) s")
        #expect(press?["planned"] as? Double == 10, "the press belonged at warm's planned end")
    }

    @Test func theScreenShowsRealTargetsAndOnlyPracticesKeysAct() throws {
        let tmux = try Tmux()
        let events = tmux.file("events.jsonl")
        let history = tmux.file("h.jsonl")
        tmux.type("\(binary) practice trainee-drill --lead-in 0 --events \(events) --history \(history); echo EXIT=$?")
        #expect(tmux.waitFor { $0.contains(" Phase 1/5  Warm") })
        #expect(tmux.screen.contains { $0.trimmingCharacters(in: .whitespaces) == "target 10s" })
        #expect(tmux.screen.contains(" next: Jawline: Left (8s)"), "the next segment's real length, not 3x")
        #expect(tmux.screen.contains(" space done · q quit · ? help"))
        // The session's keys do nothing here.
        tmux.press("n", "p", "+", "-", "m", "Right", "Left")
        Thread.sleep(forTimeInterval: 0.6)
        #expect(tmux.screen.contains { $0.hasPrefix(" Phase 1/5  Warm") })
        #expect(!tmux.screen.contains { $0.contains("PAUSED") || $0.contains("MUTED") })
        tmux.press("?")
        #expect(tmux.waitFor { $0.contains { $0.contains("the segment is done") } })
        #expect(!tmux.screen.contains { $0.contains("pause or resume") || $0.contains("mute") })
        Thread.sleep(forTimeInterval: 0.2)   // a second ? as a hand types it, not a held key's repeat
        tmux.press("?")
        tmux.press("Space")
        #expect(tmux.waitFor { $0.contains(" Phase 2/5  Jawline · Left") })
        #expect(tmux.screen.contains { $0.trimmingCharacters(in: .whitespaces) == "target 8s" })
        #expect(tmux.screen.contains(" next: stillness (4s)"))
        // A second press as a hand makes it: closer than 120 ms it would be a held key's repeat.
        Thread.sleep(forTimeInterval: 0.2)
        tmux.press("Space")
        #expect(tmux.waitFor { $0.contains { $0.contains("target 4s") } })
        tmux.press("q", "y")
        #expect(tmux.waitFor { $0.contains("EXIT=0") })
        let kinds = try objects(events).compactMap { $0["event"] as? String }
        #expect(kinds.filter { $0 == "press" }.count == 2)
        for name in ["skipped", "back", "extended", "muted", "paused"] {
            #expect(!kinds.contains(name), "\(name) never happens in a practice")
        }
        let line = try #require(try String(contentsOfFile: history, encoding: .utf8).split(separator: "\n").last)
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let segments = try #require(entry["segments"] as? [[String: Any]])
        #expect(segments.compactMap { $0["title"] as? String } == ["Warm", "Jawline: Left"])
        #expect(segments.compactMap { $0["phase"] as? String } == ["warm", "jawline"])
        #expect(segments.compactMap { $0["planned"] as? Double } == [10, 8])
    }

    @Test func ctrlZResizeAndADumbTerminalInAPractice() throws {
        let tmux = try Tmux()
        tmux.type("stty -g > \(tmux.file("before")); TERM=dumb \(binary) practice trainee-drill --lead-in 0 --no-history; echo EXIT=$?; stty -g > \(tmux.file("after"))")
        #expect(tmux.waitFor { $0.contains(" Phase 1/5  Warm") })
        #expect(!tmux.styledScreen.contains("\u{1B}[1;36m"), "TERM=dumb: no colour")
        tmux.resize(width: 50, height: 12)
        #expect(tmux.waitFor { $0.first?.hasPrefix(" 1/5 Trainee") == true })
        tmux.resize(width: 80, height: 24)
        #expect(tmux.waitFor { $0.contains { $0.hasPrefix(" Phase 1/5") } && $0.filter { $0.hasPrefix(" next:") }.count == 1 },
                "redrawn whole: one next row, no stale copy")
        tmux.press("C-z")
        // Stopped, the shell goes on to the rest of the line: the terminal must be as it was found.
        #expect(tmux.waitFor { $0.contains { $0.contains("Stopped") } && $0.contains("EXIT=147") })
        #expect(!tmux.alternateScreen && tmux.cursorVisible)
        #expect(tmux.read("before") == tmux.read("after") && !tmux.read("before").isEmpty)
        tmux.type("fg")
        #expect(tmux.waitFor { $0.contains { $0.hasPrefix(" Phase 1/5  Warm") } })
        #expect(tmux.alternateScreen)
        tmux.press("Space")
        #expect(tmux.waitFor { $0.contains { $0.hasPrefix(" Phase 2/5") } }, "the practice resumed by itself: the press counts")
        tmux.press("q", "y")
        #expect(tmux.waitFor { $0.contains { $0.hasPrefix("score: ") } })
        tmux.type("stty -g > \(tmux.file("end"))")
        #expect(tmux.waitFor { _ in !tmux.read("end").isEmpty })
        #expect(tmux.read("before") == tmux.read("end"))
    }

    @Test func plainPracticeInATerminalTakesSpaceAtOnce() throws {
        let tmux = try Tmux()
        tmux.type("\(binary) practice trainee-drill --plain --lead-in 0 --no-history; echo EXIT=$?")
        #expect(tmux.waitFor { $0.contains { $0.contains("phase-start     warm") } })
        tmux.press("Space")   // no Enter after it
        #expect(tmux.waitFor(3) { $0.contains { $0.contains("press           warm") } })
        tmux.press("q", "y")
        #expect(tmux.waitFor { $0.contains("EXIT=0") })
    }

    @Test func theStrokeDrillInATerminalCountsSpacesAndIsRecorded() throws {
        let tmux = try Tmux()
        let events = tmux.file("events.jsonl")
        let history = tmux.file("h.jsonl")
        tmux.type("\(binary) practice --strokes --plain --lead-in 0 --speed 10 --events \(events) --history \(history); echo EXIT=$?")
        #expect(tmux.waitFor { $0.contains { $0.contains("step-start      jawline/1") } })
        // 4 s strokes at 10x: a space every 0.4 s through the left side.
        let start = Date()
        for tap in 0..<8 {
            Thread.sleep(until: start.addingTimeInterval(0.3 + 0.4 * Double(tap)))
            tmux.press("Space")
        }
        #expect(tmux.waitFor(20) { $0.contains("EXIT=0") })
        let row = try #require(tmux.screen.first { $0.hasPrefix("Jawline: Left side") })
        let columns = row.split(separator: " ", omittingEmptySubsequences: true)
        #expect(columns.contains("8"), "eight taps: \(row)")
        let error = try #require(Double(columns[columns.count - 2]))
        #expect(abs(error) < 10, "within 10 % of the 4 s target: \(row)")
        #expect(try objects(events).filter { $0["event"] as? String == "press" }.count == 8)
        let record = try String(contentsOfFile: history, encoding: .utf8)
        #expect(record.contains(#""mode":"strokes""#) && record.contains(#""taps":8"#))
    }
}
