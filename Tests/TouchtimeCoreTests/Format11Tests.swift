import Foundation
import Testing
@testable import TouchtimeCore

/// `touchtime/1.1`: waits for a press, repeats, marks and own sounds, from the file to the engine,
/// the plans, practice, the screen and `show`. Every time is fed by hand.
@Suite struct Format11Tests {
    /// The issue's example: a manual-advance warm-up, a jawline repeated three times with
    /// stillness between and a halfway mark, and lift with a wait for a press as its last step.
    static let text = """
        {"format": "touchtime/1.1", "id": "clinic", "title": "Clinic",
         "phases": [
          {"id": "warm", "title": "Warm", "cue": "Warm the serum; press when ready.", "until": "press"},
          {"id": "jawline", "title": "Jawline", "cue": "Strokes outward.", "duration": "20s",
           "repeat": 3, "stillnessBetweenRepeats": "5s", "marks": ["half"]},
          {"id": "lift", "title": "Lift", "cue": "Upward.", "steps": [
             {"title": "Cheeks", "cue": "Glide.", "duration": "30s"},
             {"title": "Check", "cue": "Ask the client.", "until": "press"}],
           "marks": [{"at": "-10s", "chime": "warning", "say": "ten seconds"}]},
          {"id": "end", "title": "End", "cue": "Rest.", "duration": "15s"}
         ]}
        """

    static func timeline() throws -> Timeline { Timeline(try Fixtures.load(text)) }

    private func names(_ events: [SessionEvent]) -> [String] {
        events.map { event in
            [event.kind.name, event.phaseID, event.round.map { "r\($0)" }, event.stepIndex.map(String.init)]
                .compactMap { $0 }.joined(separator: " ")
        }
    }

    // MARK: The file

    @Test func theExampleLoadsWithEveryNewKey() throws {
        let treatment = try Fixtures.load(Self.text)
        #expect(treatment.phases[0].body == .untilPress)
        #expect(treatment.phases[1].repeatCount == 3)
        #expect(treatment.phases[1].stillnessBetweenRepeats == .seconds(5))
        #expect(treatment.phases[1].marks == [Mark(position: .fraction(numerator: 1, denominator: 2), text: "half")])
        #expect(treatment.phases[2].marks == [Mark(position: .beforeEnd(.seconds(10)), chime: .warning, say: "ten seconds", text: "-10s")])
        // 3 x 20 + 2 x 5, 30, 15; the waits count 0.
        #expect(treatment.totalDuration == .seconds(115))
        #expect(Timeline(treatment).waitCount == 2)
    }

    @Test(arguments: [
        ("half", Mark.Position.fraction(numerator: 1, denominator: 2)),
        ("1/3", .fraction(numerator: 1, denominator: 3)),
        ("11/12", .fraction(numerator: 11, denominator: 12)),
        ("20s", .afterStart(.seconds(20))),
        ("-30s", .beforeEnd(.seconds(30))),
        ("-1:30", .beforeEnd(.seconds(90))),
        (" -0.5", .beforeEnd(.milliseconds(500))),
    ])
    func markPositionsAreRead(text: String, position: Mark.Position) {
        #expect(ProtocolDecoder.markPosition(text) == position)
    }

    @Test(arguments: ["2/2", "0/3", "1/13", "3/2", "01/3", "-0s", "- 30s", "-", "Half", "1/1", "-5h", "1 /3", "+20s", "50%"])
    func badMarkPositionsAreRefused(text: String) {
        #expect(ProtocolDecoder.markPosition(text) == nil)
    }

    /// Every new key, wrong, with the exact line it must produce.
    @Test(arguments: [
        (#""until": "click""#, #"t.json:1:112: phases[0] (a).until: expected "press" (a wait for the therapist, instead of a duration), found "click""#),
        (#""until": "press", "duration": 5"#, #"t.json:1:121: phases[0] (a): a phase takes one of "duration", "steps" or "until", not "duration" with "until""#),
        (#""duration": 5, "repeat": 0"#, "t.json:1:128: phases[0] (a).repeat: expected how many times the phase runs, a whole number from 1 to 100, found 0"),
        (#""duration": 5, "repeat": 101"#, "t.json:1:128: phases[0] (a).repeat: expected how many times the phase runs, a whole number from 1 to 100, found 101"),
        (#""duration": 5, "repeat": 2.5"#, "t.json:1:128: phases[0] (a).repeat: expected how many times the phase runs, a whole number from 1 to 100, found 2.5"),
        (#""duration": 5, "repeat": "3""#, #"t.json:1:128: phases[0] (a).repeat: expected how many times the phase runs, a whole number from 1 to 100, found "3""#),
        (#""duration": 5, "stillnessBetweenRepeats": 2"#, #"t.json:1:118: phases[0] (a).stillnessBetweenRepeats: only a phase with "repeat" of 2 or more has stillness between its repeats"#),
        (#""duration": 5, "repeat": 2, "stillnessBetweenRepeats": "x""#, #"t.json:1:158: phases[0] (a).stillnessBetweenRepeats: expected a duration: seconds as a number, or a string such as "45s", "1m30s" or "1:30", found "x""#),
        (#""duration": 5, "marks": ["3/2"]"#, #"t.json:1:128: phases[0] (a).marks[0]: expected a mark such as "half", "1/3", "-30s" (before the end) or "20s" (after the start), found "3/2""#),
        (#""duration": 5, "marks": "half""#, #"t.json:1:127: phases[0] (a).marks: expected an array of marks such as ["half"], found a string"#),
        (#""duration": 5, "marks": [{"at": "half", "chime": "gong"}]"#, #"t.json:1:152: phases[0] (a).marks[0].chime: expected one of "transition", "stillness", "warning", "finish", "pace", "none", found "gong""#),
        (#""duration": 5, "marks": [{"chime": "pace"}]"#, #"t.json:1:128: phases[0] (a).marks[0]: missing key "at": expected a mark such as "half", "1/3", "-30s" (before the end) or "20s" (after the start)"#),
        (#""duration": 5, "marks": [{"at": "half", "bell": 1}]"#, #"t.json:1:143: phases[0] (a).marks[0].bell: unknown key "bell": expected one of at, chime, say"#),
        (#""duration": 5, "marks": ["20s"]"#, #"t.json:1:128: phases[0] (a).marks[0]: mark "20s" falls inside no segment of its phase: the longest lasts 5s"#),
        (#""until": "press", "marks": ["half"]"#, #"t.json:1:131: phases[0] (a).marks[0]: mark "half" has no timed segment of its phase to fall in"#),
        (#""duration": 5, "chimes": {"marks": ["half"]}"#, #"t.json:1:129: phases[0] (a).chimes.marks: a phase's own marks go in "marks" on the phase, beside "chimes""#),
        (#""duration": 5, "sounds": {"gong": "a.wav"}"#, #"t.json:1:129: phases[0] (a).sounds.gong: unknown key "gong": expected one of transition, stillness, warning, finish, pace"#),
        (#""duration": 5, "sounds": {"pace": " "}"#, #"t.json:1:137: phases[0] (a).sounds.pace: expected the path of a WAV file (relative to the protocol's folder, at most 1024 characters), found " ""#),
        (#""steps": [{"cue": "c", "duration": 1, "until": "press"}]"#, #"t.json:1:141: phases[0] (a).steps[0]: a step takes either "duration" or "until", not both"#),
    ])
    func everyNewKeyHasItsMessage(fragment: String, expected: String) {
        let text = #"{"format": "touchtime/1.1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", \#(fragment)}]}"#
        #expect(Fixtures.problems(text) == [expected])
    }

    @Test func aTouchtime1FileThatUsesANewKeyIsToldWhichFormatItNeeds() {
        let text = #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "until": "press"}]}"#
        #expect(Fixtures.problems(text) == [
            #"t.json:1:101: phases[0] (a).until: "until" needs "format": "touchtime/1.1" (this file says "touchtime/1")"#,
        ])
        let newer = #"{"format": "touchtime/1.2", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#
        #expect(Fixtures.problems(newer).first?.contains("a newer format: it needs a newer touchtime") == true)
    }

    @Test func aProtocolWideMarkMustFitSomeMassageSegment() {
        let text = #"{"format": "touchtime/1.1", "id": "x", "title": "T", "chimes": {"marks": ["-30s"]}, "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 20}]}"#
        #expect(Fixtures.problems(text) == [#"t.json:1:75: chimes.marks[0]: mark "-30s" falls inside no massage segment: the longest lasts 20s"#])
    }

    @Test func aHostileFileOfRepeatedWaitsIsRefusedBeforeItsTimelineIsBuilt() {
        // 150 phases of 200 waits, each repeated 100 times: 3 million segments, in 0.8 MB.
        let steps = Array(repeating: #"{"cue":"c","until":"press"}"#, count: 200).joined(separator: ",")
        let phases = (0..<150).map { #"{"id":"p\#($0)","title":"P","cue":"c","repeat":100,"steps":[\#(steps)]}"# }
        let text = #"{"format": "touchtime/1.1", "id": "x", "title": "T", "phases": [\#(phases.joined(separator: ","))]}"#
        #expect(Fixtures.problems(text) == ["t.json:1:64: phases: the session has 3000000 segments, more than the 50000 allowed"])
    }

    @Test func bundledProtocolsStayTouchtime1() throws {
        for file in Fixtures.bundledFiles {
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.contains(#""format": "touchtime/1","#), "\(file.lastPathComponent) needs nothing of 1.1")
        }
    }

    // MARK: The timeline and the engine

    @Test func repeatsBecomeRoundsWithStillnessBetween() throws {
        let timeline = try Self.timeline()
        let jawline = timeline.segments.filter { $0.phaseIndex == 1 }
        #expect(jawline.map(\.role) == [.phase, .stillnessBetweenRepeats(afterRound: 1), .phase, .stillnessBetweenRepeats(afterRound: 2), .phase])
        #expect(jawline.map(\.round) == [1, 1, 2, 2, 3])
        #expect(jawline.map(\.startsPhase) == [true, false, true, false, true])
        #expect(jawline.map(\.plannedStart) == [.zero, .seconds(20), .seconds(25), .seconds(45), .seconds(50)])
        #expect(timeline.roundText(of: jawline[2]) == "round 2/3")
        #expect(jawline.filter { !$0.isStillness }.allSatisfy { $0.marks.count == 1 })
        #expect(jawline.filter(\.isStillness).allSatisfy { $0.marks.isEmpty }, "a phase's marks are for its body, not its stillness")
    }

    @Test func aWaitLetsNothingFallDueUntilItIsEnded() throws {
        var engine = SessionEngine(timeline: try Self.timeline())
        #expect(names(engine.start(at: .zero)) == ["session-start", "phase-start warm"])
        #expect(engine.nextDeadline == nil)
        #expect(engine.advance(to: .seconds(600)).isEmpty, "nothing falls due while it waits")
        #expect(engine.remaining(at: .seconds(600)) == .zero)
        #expect(engine.elapsedInSegment(at: .seconds(600)) == .seconds(600))
        #expect(engine.handle(.extend(.seconds(30)), at: .seconds(600)).isEmpty, "a wait has no length to extend")
        // Space ends the wait; the next segment starts then and runs its planned length.
        #expect(names(engine.handle(.togglePause, at: .seconds(600))) == ["continued warm", "phase-start jawline r1"])
        #expect(engine.nextDeadline == .seconds(610), "the halfway mark")
        #expect(names(engine.advance(to: .seconds(620))) == ["mark jawline r1", "stillness-start jawline r1"])
    }

    @Test func nOrAPressEndsAWaitButPauseStillPauses() throws {
        for command in [SessionCommand.next, .press, .pressAt(.seconds(3))] {
            var engine = SessionEngine(timeline: try Self.timeline())
            _ = engine.start(at: .zero)
            #expect(names(engine.handle(command, at: .seconds(5))).first == "continued warm", "\(command)")
        }
        var engine = SessionEngine(timeline: try Self.timeline())
        _ = engine.start(at: .zero)
        #expect(names(engine.handle(.pause, at: .seconds(5))) == ["paused warm"])
        #expect(engine.elapsedInSegment(at: .seconds(60)) == .seconds(5), "the time spent waiting stops while paused")
    }

    @Test func theWholeSessionWalksThroughRoundsMarksAndWaits() throws {
        var engine = SessionEngine(timeline: try Self.timeline())
        var events = engine.start(at: .zero)
        events += engine.handle(.next, at: .seconds(2))
        events += engine.advance(to: .seconds(1000))
        events += engine.handle(.togglePause, at: .seconds(1000))
        events += engine.advance(to: .seconds(2000))
        #expect(names(events) == [
            "session-start", "phase-start warm", "continued warm",
            "phase-start jawline r1", "mark jawline r1", "stillness-start jawline r1",
            "phase-start jawline r2", "mark jawline r2", "stillness-start jawline r2",
            "phase-start jawline r3", "mark jawline r3",
            "phase-start lift", "step-start lift 0", "mark lift 0", "step-start lift 1",
            "continued lift 1", "phase-start end", "session-end",
        ])
        // Every boundary after the first wait falls on the plan, counted from the moment the wait ended.
        let due = Dictionary(events.map { ("\($0.kind.name) \($0.phaseID ?? "") \($0.round ?? 0) \($0.stepIndex ?? -1)", $0.due) },
                             uniquingKeysWith: { first, _ in first })
        #expect(due["phase-start jawline 3 -1"] == .seconds(52))
        #expect(due["mark lift 0 0"] == .seconds(2 + 70 + 20), "-10s before the end of a 30 s step")
        #expect(due["step-start lift 0 1"] == .seconds(102))
        #expect(due["phase-start end 0 -1"] == .seconds(1000))
    }

    @Test func aMarkBeforeTheEndFollowsAnExtensionAndAFractionDoesNot() {
        let phase = Phase(id: "a", title: "A", cue: "c", body: .duration(.seconds(60)),
                          marks: [Mark(position: .beforeEnd(.seconds(10)), text: "-10s"),
                                  Mark(position: .fraction(numerator: 1, denominator: 2), text: "half")])
        var engine = SessionEngine(timeline: Timeline(Fixtures.treatment([phase])))
        _ = engine.start(at: .zero)
        _ = engine.handle(.extend(.seconds(30)), at: .seconds(5))
        let events = engine.advance(to: .seconds(200))
        #expect(events.filter { $0.kind.name == "mark" }.map(\.due) == [.seconds(30), .seconds(80)])
        #expect(events.last?.due == .seconds(90), "the marks moved no boundary")
    }

    @Test func repeatPhaseGoesBackToTheStartOfThisRound() throws {
        var engine = SessionEngine(timeline: try Self.timeline())
        _ = engine.start(at: .zero)
        _ = engine.handle(.next, at: .zero)
        _ = engine.advance(to: .seconds(30))  // round 2 began at 25 s
        #expect(names(engine.handle(.repeatPhase, at: .seconds(30))) == ["back jawline r2", "phase-start jawline r2"])
    }

    @Test func plannedEventsEndEveryWaitAtOnce() throws {
        let events = SessionEngine.plannedEvents(of: try Self.timeline())
        #expect(events.last?.kind == .sessionEnd(completed: true))
        #expect(events.last?.due == .seconds(115))
        #expect(!events.contains { $0.kind == .continued })
    }

    @Test func aRecordingGivesEveryWaitALength() throws {
        let timeline = Timeline(try Fixtures.load(Self.text), waitsLast: .seconds(10))
        #expect(timeline.totalDuration == .seconds(135))
        #expect(timeline.waitCount == 0)
    }

    // MARK: Plans

    @Test func marksAndRoundsAreHeard() throws {
        let timeline = try Self.timeline()
        let cues = ChimePlan(timeline: timeline).plannedCues
        #expect(cues.filter { if case .mark = $0.id.mark { true } else { false } }.map(\.voice.kind)
                == [.transition, .transition, .transition, .warning])
        let speech = SpeechPlan(timeline: timeline)
        #expect(speech.plannedUtterances.map(\.text).contains("ten seconds"))
        #expect(speech.plannedUtterances.map(\.text).contains("Jawline. round two."))
        #expect(speech.texts.contains("ten seconds"))
    }

    @Test func aKindWithItsOwnSoundPlaysTheFileAtItsPitch() {
        var treatment = Fixtures.treatment([Fixtures.phase("a", 10), Fixtures.phase("b", 10)])
        treatment.chimes.pitch = 440
        treatment.sounds = [.transition: "/clinic/tingsha.wav"]
        treatment.phases[1].sounds = [.transition: "/clinic/gong.wav"]
        let plan = ChimePlan(timeline: Timeline(treatment))
        let starts = plan.plannedCues.filter { $0.voice.kind == .transition }.map(\.voice)
        #expect(starts.map(\.sound) == ["/clinic/tingsha.wav", "/clinic/gong.wav"])
        #expect(starts.allSatisfy { $0.pitchRatio == 1 }, "a recording is not transposed")
        #expect(plan.plannedCues.last?.voice.sound == nil, "the finish has no file of its own")
        #expect(plan.voices.contains(ChimeVoice(kind: .transition, sound: "/clinic/gong.wav")))
    }

    // MARK: Practice

    @Test func practiceDoesNotScoreAWait() throws {
        var practice = PracticeSession(timeline: try Self.timeline())
        _ = practice.start(at: .zero)
        #expect(practice.nextDeadline == nil, "no miss deadline for a wait")
        let events = practice.handle(.press, at: .seconds(40))
        #expect(names(events) == ["continued warm", "phase-start jawline r1"])
        #expect(practice.score.results.isEmpty)
        _ = practice.handle(.press, at: .seconds(58))
        #expect(practice.score.results.map(\.error) == [.seconds(-2)])
    }

    // MARK: Screen and show

    @Test func theScreenSaysItIsWaitingAndCountsTheTimeUp() throws {
        var engine = SessionEngine(timeline: try Self.timeline())
        _ = engine.start(at: .zero)
        let state = DisplayState.make(engine: engine, at: .seconds(75))
        #expect(state.waiting)
        #expect(state.countdown == "1:15")
        #expect(!state.endingSoon)
        let screen = ScreenRenderer.render(state, size: .init(width: 80, height: 24), color: false).joined(separator: "\n")
        #expect(screen.contains("WAITING"))
        #expect(screen.contains("waiting: press space or n when ready"))
        _ = engine.handle(.next, at: .seconds(75))
        _ = engine.advance(to: .seconds(110))
        let round = DisplayState.make(engine: engine, at: .seconds(110))
        #expect(round.round == "round 2/3")
        #expect(ScreenRenderer.render(round, size: .init(width: 80, height: 24), color: false).joined().contains("round 2/3"))
    }

    @Test func showCountsWaitsApart() throws {
        let timeline = try Self.timeline()
        let text = TimelineReport.text(timeline, origin: "t.json", width: 80)
        #expect(text.contains("clinic · t.json · 4 phases · 1:55 + 2 waits"))
        #expect(text.contains("total 1:55 (1m55s) + 2 waits"))
        #expect(text.contains("  press  massage    1 warm: Warm"))
        #expect(text.contains("2 jawline: Jawline (round 3/3)"))
        #expect(text.contains("marks: -10s at 20s \"ten seconds\" (warning)"))
        let json = TimelineReport.json(timeline)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["waits"] as? Int == 2)
        let segments = try #require(object["segments"] as? [[String: Any]])
        #expect(segments[0]["until"] as? String == "press")
        #expect(segments[3]["round"] as? Int == 2)
        #expect((segments[1]["marks"] as? [[String: Any]])?.first?["offset"] as? Double == 10)
    }

    /// Marks cost what they sound: at most 10,000 in a session (every mark in every segment and
    /// round), counted before the timeline is built; 550,000 of them made show take 3 s and 112 MB
    /// and render run for minutes.
    @Test func marksBeyondTheLimitAreOneLocatedProblem() {
        let steps = (0..<20).map { _ in #"{"cue": "c", "duration": 0.28}"# }.joined(separator: ",")
        let phases = (0..<25).map { #"{"id": "p\#($0)", "title": "P", "cue": "c", "steps": [\#(steps)], "repeat": 100, "marks": ["1/3", "2/3"]}"# }
        let text = #"{"format": "touchtime/1.1", "id": "many", "title": "M", "phases": [\#(phases.joined(separator: ","))]}"#
        #expect(Fixtures.problems(text) == [
            "t.json:1:67: phases: the session would sound 100000 marks (every mark in every segment and round), more than the 10000 allowed",
        ])
        let fewer = text.replacingOccurrences(of: #""repeat": 100"#, with: #""repeat": 10"#)
        #expect(Fixtures.problems(fewer).isEmpty, "10,000 marks are allowed")
    }

    /// A mark that fits no segment is found by checking it against the longest segment it could
    /// mark, once: the same messages as before, in time linear in marks and segments.
    @Test func aMarkIsCheckedAgainstTheLongestSegmentItCouldMark() {
        let text = Fixtures.document(phases: """
            [{"id": "a", "title": "A", "cue": "c", "steps": [{"cue": "c", "duration": 5}, {"cue": "c", "duration": 40}],
              "marks": ["30s", "-45s"]},
             {"id": "b", "title": "B", "cue": "c", "duration": 20},
             {"id": "c", "title": "C", "cue": "c", "kind": "stillness", "duration": 60}]
            """, extra: #", "chimes": {"marks": ["25s", "10s"]}"#).replacingOccurrences(of: "touchtime/1\"", with: "touchtime/1.1\"")
        #expect(Fixtures.problems(text) == [
            #"t.json:1:81: chimes.marks[0]: mark "25s" falls inside no massage segment: the longest lasts 20s"#,
            #"t.json:2:20: phases[0] (a).marks[1]: mark "-45s" falls inside no segment of its phase: the longest lasts 40s"#,
        ])
    }

    /// A thousand phases naming one sound file read it a thousand times (10 GB for a 10 MB file):
    /// each file is checked once.
    @Test func eachSoundFileIsCheckedOnce() throws {
        let phases = (0..<200).map { #"{"id": "p\#($0)", "title": "P", "cue": "c", "duration": 1, "sounds": {"transition": "bell.wav"}}"# }
        let text = #"{"format": "touchtime/1.1", "id": "w", "title": "W", "sounds": {"finish": "bell.wav"}, "phases": [\#(phases.joined(separator: ","))]}"#
        let root = try JSONParser.parse(Array(text.utf8))
        let counter = CallCounter()
        var decoder = ProtocolDecoder(directory: "/clinic", checkSound: { path in
            counter.add(path)
            return nil
        })
        #expect(decoder.decodeProtocol(root) != nil)
        #expect(counter.calls == ["/clinic/bell.wav"])
    }

    /// `show` of a phase repeated more than three times lists its first round and one line for the rest.
    @Test func showListsTheFirstRoundOfAPhaseRepeatedManyTimes() throws {
        let text = Fixtures.document(phases: """
            [{"id": "a", "title": "Alpha", "cue": "c", "steps": [{"title": "One", "cue": "c", "duration": 2}, {"title": "Two", "cue": "c", "duration": 3}],
              "repeat": 100, "stillnessBetweenRepeats": 1, "stillnessAfter": 10},
             {"id": "b", "title": "Beta", "cue": "c", "duration": 20, "repeat": 3}]
            """).replacingOccurrences(of: "touchtime/1\"", with: "touchtime/1.1\"")
        let report = TimelineReport.text(Timeline(try Fixtures.load(text)), origin: "t.json", width: 80)
        let lines = report.split(separator: "\n").map(String.init)
        #expect(lines.contains(" 0:00       2s  massage    1 a: Alpha: One (round 1/100)"))
        // 99 rounds of 5 s with 98 stillnesses of 1 s between them: 9m53s, 296 segments.
        #expect(lines.contains(" 0:06    9m53s  repeat       rounds 2 to 100 as round 1 (296 segments)"))
        #expect(lines.contains(" 9:59      10s  stillness    Alpha: stillness"))
        #expect(lines.contains { $0.contains("2 b: Beta (round 3/3)") }, "three rounds are listed whole")
        #expect(!lines.contains { $0.contains("round 2/100") })
    }
}

/// Calls seen by a closure, in order.
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String] = []
    var calls: [String] { lock.withLock { seen } }
    func add(_ call: String) { lock.withLock { seen.append(call) } }
}

