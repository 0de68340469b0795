import Testing
@testable import TouchtimeCore

/// What a session says, and when: pure, no voice.
@Suite struct SpeechPlanTests {
    /// warm 10 s; jawline steps 20 + 20 with 5 s stillness between and 5 s after; pause 10 s (stillness); end 15 s.
    static let timeline = SessionEngineTests.timeline

    private func said(_ timeline: Timeline) -> [String] {
        SpeechPlan(timeline: timeline).plannedUtterances.map(\.text)
    }

    @Test func everyPhaseAndStepSaysItsTitleStillnessItsWordAndTheEndIsSaid() {
        #expect(said(Self.timeline) == ["Warm.", "Jawline. Step 1.", "stillness.", "Step 2.", "stillness.", "Pause.", "End.", "session complete"])
        let utterances = SpeechPlan(timeline: Self.timeline).plannedUtterances
        #expect(utterances.map(\.planned) == [0, 10, 30, 35, 55, 60, 70, 85].map { Duration.seconds($0) })
        #expect(Set(utterances.map(\.id.mark)) == [.speech])
    }

    @Test func theDefaultRitualSpeaksItsTitlesAndSides() throws {
        let ritual = Timeline(try #require(try BundledProtocols.load(BundledProtocols.defaultID)))
        let texts = said(ritual)
        #expect(texts.contains("Jawline. Left side."))
        #expect(texts.contains("Right side."))
        #expect(texts.first == "Warm the serum.")
        #expect(texts.last == "session complete")
        #expect(Set(texts).isSubset(of: SpeechPlan(timeline: ritual).texts), "every text is rendered before the session")
    }

    @Test func aMomentsWordsBelongToItsFirstEventOnly() {
        var engine = SessionEngine(timeline: Self.timeline)
        let plan = SpeechPlan(timeline: Self.timeline)
        _ = engine.start(at: .zero)
        let events = engine.advance(to: .seconds(10))   // phase-start jawline + step-start 0
        #expect(plan.utterance(for: events[0])?.text == "Jawline. Step 1.")
        #expect(plan.utterance(for: events[1]) == nil)
    }

    @Test func voiceOptionsAndSayOverridesChooseTheWords() throws {
        let document = Fixtures.document(phases: """
            [{"id": "a", "title": "Warm", "cue": "Warm the serum.", "duration": 10, "say": "Warm up, slowly"},
             {"id": "b", "title": "Jawline", "cue": "Sweep.", "steps": [
                {"title": "Left", "cue": "Left cue", "duration": 5, "say": "Left side now"},
                {"title": "Right", "cue": "Right cue", "duration": 5}], "chimes": {"warningBefore": 3}}]
            """, extra: #", "voice": {"say": "both", "warnings": true}"#)
        let timeline = Timeline(try Fixtures.load(document))
        #expect(said(timeline) == ["Warm up, slowly.", "Jawline. Sweep. Left side now.", "three seconds", "Right. Right cue.",
                                   "three seconds", "session complete"])
        let none = Timeline(try Fixtures.load(Fixtures.document(phases: #"[{"id": "a", "title": "A", "cue": "c", "duration": 10}]"#,
                                                                extra: #", "voice": {"say": "none"}"#)))
        #expect(said(none) == ["session complete"])
    }

    @Test(arguments: [(30, "thirty seconds"), (1, "one second"), (60, "one minute"), (90, "one minute thirty seconds"),
                      (125, "two minutes five seconds"), (45, "forty-five seconds")])
    func durationsAreSpokenInWords(seconds: Int, words: String) {
        #expect(SpeechPlan.spoken(.seconds(seconds)) == words)
        // A language of touchtime's own has its own words; another reads the digits in its voice.
        #expect(SpeechPlan.spoken(.seconds(seconds), language: "pt-br") == "\(seconds)")
        #expect(SpeechPlan.spoken(.seconds(seconds), language: "de").hasSuffix(seconds % 60 == 0 ? (seconds == 60 ? "Minute" : "Minuten")
                                                                                 : seconds % 60 == 1 ? "Sekunde" : "Sekunden"))
    }
}
