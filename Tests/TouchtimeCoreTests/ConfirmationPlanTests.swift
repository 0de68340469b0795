import Testing
import TouchtimeCore


/// (Swift Testing has a `Confirmation` of its own.)
typealias Confirmation = TouchtimeCore.Confirmation

/// How each command is confirmed, and touchtime's own words in the voice's language.
@Suite struct ConfirmationPlanTests {
    private func event(_ kind: SessionEvent.Kind) -> SessionEvent {
        SessionEvent(kind: kind, segmentIndex: 0, phaseID: "warm", planned: .seconds(3), due: .seconds(3))
    }

    @Test func everyCommandThatChangesNoSegmentIsConfirmed() {
        #expect(ConfirmationPlan.confirmation(for: event(.paused))?.0 == .paused)
        #expect(ConfirmationPlan.confirmation(for: event(.resumed))?.0 == .resumed)
        #expect(ConfirmationPlan.confirmation(for: event(.extended(by: .seconds(15))))?.0 == .longer)
        let shorter = ConfirmationPlan.confirmation(for: event(.extended(by: .seconds(-15))))
        #expect(shorter?.0 == .shorter && shorter?.amount == .seconds(15))
        #expect(ConfirmationPlan.confirmation(for: event(.muted(true)))?.0 == .muted)
        #expect(ConfirmationPlan.confirmation(for: event(.muted(false)))?.0 == .unmuted)
        // A skip or a back starts a segment: its chime answers it. An extension clamped to nothing changed nothing.
        for kind: SessionEvent.Kind in [.skipped, .back, .phaseStart, .stroke, .extended(by: .zero), .quit] {
            #expect(ConfirmationPlan.confirmation(for: event(kind)) == nil, "\(kind)")
        }
    }

    @Test func wordsWhenTheSessionSpeaksSoundsWhenNot() {
        let silent = ConfirmationPlan(speaks: false)
        #expect(Confirmation.allCases.allSatisfy { silent.style(of: $0) == .sound })
        #expect(silent.spokenWords(for: .paused) == nil)
        #expect(silent.texts.isEmpty)
        let speaking = ConfirmationPlan(speaks: true)
        #expect(speaking.spokenWords(for: .paused) == "paused")
        #expect(speaking.spokenWords(for: .longer, amount: .seconds(15)) == "fifteen more seconds")
        #expect(speaking.spokenWords(for: .shorter, amount: .seconds(15)) == "fifteen seconds less")
        #expect(speaking.spokenWords(for: .muted) == "muted")
        #expect(speaking.style(of: .volume) == .sound, "a volume step is heard as a note at the new level")
        #expect(!speaking.playsSound(.paused))
        #expect(Set(speaking.texts) == ["paused", "resumed", "fifteen more seconds", "fifteen seconds less", "muted", "sound on"])
        // Chosen per command; a word without a voice is the sound.
        let chosen = ConfirmationPlan(styles: [.paused: .both, .resumed: .none, .volume: .none], speaks: true)
        #expect(chosen.playsSound(.paused) && chosen.spokenWords(for: .paused) == "paused")
        #expect(chosen.style(of: .resumed) == .none && chosen.style(of: .volume) == .none)
        #expect(ConfirmationPlan(styles: [.paused: .word], speaks: false).style(of: .paused) == .sound)
    }

    @Test func builtInWordsInTheVoicesLanguage() {
        let german = BuiltInWords(language: "de")
        #expect(german.stillness == "Stille" && german.sessionComplete == "Sitzung beendet")
        #expect(german.duration(.seconds(3)) == "3 Sekunden" && german.duration(.seconds(90)) == "1 Minute 30 Sekunden")
        #expect(german.confirmation(.paused) == "Pause" && german.confirmation(.longer, amount: .seconds(15)) == "15 Sekunden mehr")
        #expect(BuiltInWords(language: "fr-ca").sessionComplete == "séance terminée")
        #expect(BuiltInWords(language: "es").duration(.seconds(1)) == "1 segundo")
        #expect(BuiltInWords(language: "en").duration(.seconds(90)) == "one minute thirty seconds")
        #expect(BuiltInWords(language: "en").confirmation(.longer, amount: .seconds(60)) == "one more minute")
        // Another language: its voice reads the digits.
        #expect(BuiltInWords(language: "pt-br").duration(.seconds(30)) == "30")
        #expect(ConfirmationPlan(speaks: true, language: "de").texts.contains("15 Sekunden weniger"))
    }

    @Test func aGermanSessionSaysItsOwnWordsInGerman() throws {
        let treatment = TreatmentProtocol(
            id: "de", title: "De", chimes: ChimeOptions(warningBefore: .seconds(3)), voice: VoiceOptions(language: "de", warnings: true),
            phases: [Phase(id: "a", title: "A", cue: "c", body: .steps([Step(title: "Links", cue: "c", duration: .seconds(10)),
                                                                         Step(title: "Rechts", cue: "c", duration: .seconds(10))]),
                           stillnessBetweenSteps: .seconds(3))])
        let plan = SpeechPlan(timeline: Timeline(treatment))
        let texts = plan.plannedUtterances.map(\.text)
        #expect(texts.contains("Stille."), "\(texts)")
        #expect(texts.contains("3 Sekunden"), "\(texts)")
        #expect(texts.last == "Sitzung beendet")
        #expect(!texts.contains { $0.contains("stillness") || $0.contains("session complete") || $0 == "3" })
    }
}
