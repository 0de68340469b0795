import Testing
@testable import TouchtimeCore

@Suite struct ScreenRendererTests {
    static let ritual = Timeline(try! BundledProtocols.load(BundledProtocols.defaultID)!)

    /// The default ritual 50 s in: jawline, left side, 55 s left.
    static func jawline(paused: Bool = false) -> DisplayState {
        var engine = SessionEngine(timeline: ritual)
        _ = engine.start(at: .zero)
        _ = engine.advance(to: .seconds(50))
        if paused { _ = engine.handle(.pause, at: .seconds(50)) }
        return DisplayState.make(engine: engine, at: .seconds(50))
    }

    static func stillness() -> DisplayState {
        var engine = SessionEngine(timeline: ritual)
        _ = engine.start(at: .zero)
        _ = engine.advance(to: .seconds(361))
        return DisplayState.make(engine: engine, at: .seconds(361))
    }

    static let sizes = [ScreenRenderer.Size(width: 80, height: 24), .init(width: 60, height: 16), .init(width: 50, height: 12),
                        .init(width: 40, height: 8), .init(width: 39, height: 7), .init(width: 20, height: 3), .init(width: 200, height: 60)]

    @Test(arguments: sizes)
    func neverWritesPastTheWidthOrHeight(size: ScreenRenderer.Size) {
        for state in [Self.jawline(), Self.jawline(paused: true), Self.stillness()] {
            for color in [false, true] {
                let lines = ScreenRenderer.render(state, size: size, color: color)
                #expect(lines.count <= size.height)
                #expect(lines.allSatisfy { TextWidth.of($0.replacing(#/\u{1B}\[[0-9;]*m/#, with: "")) <= size.width })
            }
        }
    }

    @Test func fullLayoutAt80x24() {
        let lines = ScreenRenderer.render(Self.jawline(), size: .init(width: 80, height: 24), color: false)
        #expect(lines.count == 24)
        #expect(lines[0].hasPrefix(" NeuroTouch Symmetry Serum ritual"))
        let phase = try! #require(lines.firstIndex(of: " Phase 2/5  Jawline · Left side"))
        #expect(lines[phase + 1] == " Sweep slowly from the chin out toward the left ear, following the bone.")
        // 0:55 in block digits, five rows, under the name in block letters.
        let digits = BigDigits.rows("0:55")
        #expect(lines.filter { $0.contains("█") && !$0.contains("[") }.suffix(5).map(\.trimmingWhitespace)
                == digits.map(\.trimmingWhitespace))
        #expect(lines.contains { $0.hasPrefix(" segment [") })
        #expect(lines.contains { $0.hasPrefix(" session [") && $0.contains("│") })
        #expect(lines.contains { $0 == " next: Jawline: Right side (1m)" })
        #expect(lines.last?.hasPrefix(" space pause") == true)
    }

    @Test func pausedShowsABadgeAndTheCountdownHolds() {
        let state = Self.jawline(paused: true)
        let lines = ScreenRenderer.render(state, size: .init(width: 80, height: 24), color: false)
        #expect(lines[0].hasSuffix(" PAUSED "))
        #expect(state.secondsLeft == 55)
    }

    @Test func badgesForMutedNoSoundAndSpeed() {
        var engine = SessionEngine(timeline: Self.ritual, speed: 20)
        _ = engine.start(at: .zero)
        _ = engine.handle(.toggleMute, at: .zero)
        let state = DisplayState.make(engine: engine, at: .seconds(1), soundUnavailable: true)
        let full = ScreenRenderer.render(state, size: .init(width: 100, height: 24), color: false)
        #expect(full[0].hasSuffix(" MUTED   SOUND UNAVAILABLE   x20 "))
        // At 20x, 1 s of session time is 20 s of the protocol's: 25 s left of the warm-up.
        #expect(state.secondsLeft == 25)
        let compact = ScreenRenderer.render(state, size: .init(width: 50, height: 12), color: false)
        #expect(compact[0].contains("NO SOUND"))
    }

    @Test func stillnessIsACalmScreenOfItsOwn() {
        let lines = ScreenRenderer.render(Self.stillness(), size: .init(width: 80, height: 24), color: false)
        #expect(lines.contains { $0.trimmingWhitespace == "s t i l l n e s s" })
        #expect(!lines.contains { $0.hasPrefix(" Phase ") })
        #expect(!lines.contains { $0.hasPrefix(" segment [") })
        #expect(lines.contains { $0.trimmingWhitespace == "Hands still and light. Let the skin listen and respond." })
    }

    @Test func stillnessDigitsAreAsLargeAsFit() {
        let lines = ScreenRenderer.render(Self.stillness(), size: .init(width: 80, height: 24), color: false)
        // 29 s left of the Pause, at 3 columns by 4 half-rows a pixel: 10 rows (5 before).
        #expect(Self.shows(BlockFont.rows("0:29", scale: .init(columns: 3, halfRows: 4)) ?? [], in: lines))
    }

    @Test func compactAndMinimalLayouts() {
        let compact = ScreenRenderer.render(Self.jawline(), size: .init(width: 50, height: 12), color: false)
        #expect(compact[0].hasPrefix(" 2/5 NeuroTouch"))
        #expect(compact.filter { $0.contains("█") && !$0.contains("[") }.count == 5)
        let minimal = ScreenRenderer.render(Self.jawline(paused: true), size: .init(width: 39, height: 7), color: false)
        #expect(minimal == ["0:55 PAUSED 2/5 Jawline: Left side"])
    }

    @Test func colourOnlyWhenAsked() {
        let plain = ScreenRenderer.render(Self.jawline(), size: .init(width: 80, height: 24), color: false)
        let colored = ScreenRenderer.render(Self.jawline(), size: .init(width: 80, height: 24), color: true)
        #expect(!plain.joined().contains("\u{1B}"))
        #expect(colored.joined().contains("\u{1B}[1;36m"))
    }

    @Test func theSummaryCountsOnlyExtensionsThatChangedTheSegmentAndShowsTheNet() {
        var engine = SessionEngine(timeline: Self.ritual)
        var tally = SessionTally()
        func send(_ command: SessionCommand, at seconds: Int64) {
            for event in engine.handle(command, at: .seconds(seconds)) { tally.record(event, elapsed: .seconds(seconds)) }
        }
        _ = engine.start(at: .zero)
        send(.extend(.seconds(15)), at: 1)
        send(.extend(.seconds(15)), at: 2)
        // The warm-up now ends at 75 s: four shortens bring its end to 15 s, then one at 14 s and
        // one at 15 s meet the 1-s floor and change nothing.
        for seconds in Int64(10)...Int64(15) { send(.extend(.seconds(-15)), at: seconds) }
        #expect(tally.extensions == 6)
        #expect(tally.extended == .seconds(-30))
        var done = Self.jawline()
        done.summary = tally.summary(planned: Self.ritual.totalDuration)
        let lines = ScreenRenderer.render(done, size: .init(width: 80, height: 24), color: false)
        #expect(lines.contains { $0.contains("extensions") && $0.hasSuffix("6 (-30 s)") })
        var zero = SessionTally()
        zero.record(SessionEvent(kind: .extended(by: .zero), planned: .zero, due: .zero), elapsed: .zero)
        #expect(zero.extensions == 0)
        var shortened = Self.jawline()
        shortened.summary = .init(completed: true, planned: .seconds(435), actual: .seconds(420), extensions: 1, extended: .seconds(-15))
        #expect(ScreenRenderer.render(shortened, size: .init(width: 80, height: 24), color: false).contains { $0.hasSuffix("1 (-15 s)") })
    }

    /// The SGR parameter lists in a line ("\e[1;36m" is ["1", "36"]).
    static func sgrParameters(_ line: String) -> [[Substring]] {
        line.matches(of: #/\u{1B}\[([0-9;]*)m/#).map { $0.output.1.split(separator: ";") }
    }

    @Test func stillnessIsCalmButReadable() {
        let state = Self.stillness()
        for size in [ScreenRenderer.Size(width: 80, height: 24), .init(width: 50, height: 12), .init(width: 200, height: 60)] {
            let lines = ScreenRenderer.render(state, size: size, color: true)
            let body = lines.filter { $0.contains("s t i l l n e s s") || $0.contains("stillness") || $0.contains("Hands still")
                || ($0.contains("█") && !$0.contains("░")) }
            #expect(body.count >= 7, "the word, the digits, the cue")
            for line in body {
                for parameters in Self.sgrParameters(line) where parameters != ["0"] {
                    #expect(!parameters.contains("2") && !parameters.contains("34"), "no dim, no dark blue: \(line)")
                }
            }
        }
    }

    @Test func aStillnessPhaseIsNamedByItsTitle() {
        var engine = SessionEngine(timeline: Self.ritual)
        _ = engine.start(at: .zero)
        _ = engine.advance(to: .seconds(330))   // the forehead, before Pause
        #expect(DisplayState.make(engine: engine, at: .seconds(330)).next == "Pause (30s)")
        // The stillness after the jawline has no title of its own.
        var jaw = SessionEngine(timeline: Self.ritual)
        _ = jaw.start(at: .zero)
        _ = jaw.advance(to: .seconds(150))
        #expect(DisplayState.make(engine: jaw, at: .seconds(150)).next == "stillness (10s)")
    }

    @Test func theLeadInNamesWhatComesFirstAndNothingAfterIt() {
        let state = DisplayState.make(engine: SessionEngine(timeline: Self.ritual), at: .zero, leadInLeft: 3)
        for size in [ScreenRenderer.Size(width: 80, height: 24), .init(width: 50, height: 12)] {
            let lines = ScreenRenderer.render(state, size: size, color: false)
            #expect(lines.contains(" first: Warm the serum (45s)"))
            #expect(!lines.contains { $0.contains("next:") || $0.contains("Jawline") })
        }
    }

    @Test func textCutShortEndsWithAnEllipsis() {
        #expect(TextWidth.truncated("Centering touch", fitting: 10) == "Centering…")
        #expect(TextWidth.truncated("Centering", fitting: 9) == "Centering")
        #expect(TextWidth.truncated("顔顔顔", fitting: 4) == "顔…")
        var state = Self.jawline()
        state.next = "A very long segment title that will not fit on one line of a small screen (1m)"
        let lines = ScreenRenderer.render(state, size: .init(width: 60, height: 16), color: false)
        let next = lines.first { $0.hasPrefix(" next: ") }
        #expect(next?.hasSuffix("…") == true && next.map(TextWidth.of) == 60)
    }

    @Test func compactShowsThePhaseNumberOnceAndTheKeys() {
        let lines = ScreenRenderer.render(Self.jawline(), size: .init(width: 50, height: 12), color: false)
        #expect(lines.filter { $0.contains("2/5") }.count == 1)
        #expect(lines.contains(" Jawline · Left side"))
        #expect(lines.last?.hasPrefix(" space pause") == true)
        #expect(lines.count <= 12)
    }

    @Test func theLastSecondsTurnTheDigitsAndTheSegmentBarYellow() throws {
        func at(_ seconds: Int64, warning: Duration? = nil) -> [String] {
            var engine = SessionEngine(timeline: Self.ritual)
            _ = engine.start(at: .zero)
            _ = engine.advance(to: .seconds(seconds))
            var state = DisplayState.make(engine: engine, at: .seconds(seconds))
            state.warningBefore = warning
            return ScreenRenderer.render(state, size: .init(width: 80, height: 24), color: true)
        }
        // The left side ends at 105 s: 5 s left at 100 s, without a warning the last 10 s count.
        let ending = at(100)
        #expect(ending.contains { $0.contains("\u{1B}[1;93m█") })
        #expect(ending.contains { $0.contains(" segment ") && $0.contains("\u{1B}[33m[") })
        let before = at(94)
        #expect(!before.contains { $0.contains("\u{1B}[1;93m") || $0.contains("\u{1B}[33m[") })
        // The protocol's warning 15 s before the end: 11 s left is the end already.
        #expect(at(94, warning: .seconds(15)).contains { $0.contains("\u{1B}[1;93m█") })
    }

    @Test func theSessionBarSaysHowMuchIsLeft() {
        // 7:15 planned, 50 s in.
        let lines = ScreenRenderer.render(Self.jawline(), size: .init(width: 80, height: 24), color: false)
        #expect(lines.contains { $0.hasPrefix(" session [") && $0.hasSuffix("] 6:25 left") })
    }

    /// `rows` (block letters or digits) appear on the screen, one under the other, in order.
    static func shows(_ rows: [String], in lines: [String]) -> Bool {
        let trimmed = lines.map(\.trimmingWhitespace)
        let wanted = rows.map(\.trimmingWhitespace)
        guard !wanted.isEmpty, trimmed.count >= wanted.count else { return false }
        return (0...(trimmed.count - wanted.count)).contains { Array(trimmed[$0..<$0 + wanted.count]) == wanted }
    }

    @Test func helpLeavesTheCountdownInView() {
        var help = Self.jawline()
        help.overlay = .help
        let lines = ScreenRenderer.render(help, size: .init(width: 80, height: 24), color: false)
        #expect(lines.contains { $0.contains("mute or unmute") })
        #expect(Self.shows(BigDigits.rows("0:55"), in: lines))
        let small = ScreenRenderer.render(help, size: .init(width: 50, height: 12), color: false)
        #expect(small.count == 12 && small.last?.trimmingWhitespace == "0:55")
    }

    static let halfBlocks = BlockFont.Scale(columns: 1, halfRows: 1)

    @Test func phaseAndSideInBlockLettersAbove5RowDigitsAt80x24() throws {
        let lines = ScreenRenderer.render(Self.jawline(), size: .init(width: 80, height: 24), color: false)
        #expect(Self.shows(try #require(BlockFont.rows("JAWLINE", scale: Self.halfBlocks)), in: lines))
        #expect(Self.shows(try #require(BlockFont.rows("LEFT SIDE", scale: Self.halfBlocks)), in: lines))
        #expect(Self.shows(BigDigits.rows("0:55"), in: lines))
        // The exact words stay as text too, for whoever stands close.
        #expect(lines.contains(" Phase 2/5  Jawline · Left side"))
    }

    @Test func lettersAndDigitsGrowWithTheWindowAt200x60() {
        let lines = ScreenRenderer.render(Self.jawline(), size: .init(width: 200, height: 60), color: false)
        let large = BlockFont.Scale.ladder.filter { $0.rows > 5 }
        #expect(large.contains { scale in BlockFont.rows("JAWLINE", scale: scale).map { Self.shows($0, in: lines) } == true })
        #expect(large.contains { scale in BlockFont.rows("LEFT SIDE", scale: scale).map { Self.shows($0, in: lines) } == true })
        #expect(large.contains { scale in BlockFont.rows("0:55", scale: scale).map { Self.shows($0, in: lines) } == true })
    }

    @Test func aLongPhaseNameIsCutWithAnEllipsisOrLeftAsText() throws {
        // Lift, sculpt and smooth · Cheeks, 60 s into the cheeks.
        var engine = SessionEngine(timeline: Self.ritual)
        _ = engine.start(at: .zero)
        _ = engine.advance(to: .seconds(180))
        let state = DisplayState.make(engine: engine, at: .seconds(180))
        let lines = ScreenRenderer.render(state, size: .init(width: 80, height: 24), color: false)
        #expect(Self.shows(try #require(BlockFont.rows("LIFT, SCULPT…", scale: Self.halfBlocks)), in: lines))
        #expect(Self.shows(try #require(BlockFont.rows("CHEEKS", scale: Self.halfBlocks)), in: lines))
        var foreign = state
        foreign.phaseTitle = "顔のマッサージ"
        let text = ScreenRenderer.render(foreign, size: .init(width: 80, height: 24), color: false)
        #expect(text.contains(" Phase 3/5  顔のマッサージ · Cheeks"))
        // No block form for the phase: the step alone, and the digits as large as fit.
        #expect(BlockFont.Scale.ladder.contains { BlockFont.rows("CHEEKS", scale: $0).map { Self.shows($0, in: text) } == true })
        #expect(BlockFont.Scale.ladder.contains { BlockFont.rows(foreign.countdown, scale: $0).map { Self.shows($0, in: text) } == true })
    }

    @Test func belowTheSizeForLettersTheNameStaysText() {
        let lines = ScreenRenderer.render(Self.jawline(), size: .init(width: 60, height: 16), color: false)
        #expect(lines.contains(" Phase 2/5  Jawline · Left side"))
        #expect(lines.filter { $0.contains("█") && !$0.contains("[") }.count == 5, "the digits only")
    }

    @Test func pausedIsALargeWordAndDimmedDigits() throws {
        let size = ScreenRenderer.Size(width: 80, height: 24)
        let plain = ScreenRenderer.render(Self.jawline(paused: true), size: size, color: false)
        #expect(BlockFont.Scale.ladder.contains { BlockFont.rows("PAUSED", scale: $0).map { Self.shows($0, in: plain) } == true })
        let colored = ScreenRenderer.render(Self.jawline(paused: true), size: size, color: true)
        let digits = try #require(BlockFont.Scale.ladder.compactMap { BlockFont.rows("0:55", scale: $0) }.first { Self.shows($0, in: plain) })
        let digitLines = colored.filter { line in digits.contains { !$0.trimmingWhitespace.isEmpty && line.contains($0.trimmingWhitespace) } }
        #expect(!digitLines.isEmpty && digitLines.allSatisfy { $0.contains("\u{1B}[2m") }, "the countdown is dimmed")
        let running = ScreenRenderer.render(Self.jawline(), size: size, color: true)
        #expect(!running.contains { $0.contains("\u{1B}[2m█") })
    }

    @Test func wideAndCombiningCharactersAreMeasured() {
        #expect(TextWidth.of("顔のマッサージ") == 14)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.wrap("顔の マッサージ です", width: 8) == ["顔の", "マッサー", "ジ です"])
        #expect(TextWidth.fit("顔顔顔", 5) == "顔顔 ")
    }

    @Test func overlaysAndSummary() {
        var help = Self.jawline()
        help.overlay = .help
        let helpLines = ScreenRenderer.render(help, size: .init(width: 80, height: 24), color: false)
        #expect(helpLines.contains { $0.contains("mute or unmute") })
        // Every key of an action, whole: "space Enter", not "space E".
        #expect(helpLines.contains { $0.hasPrefix("   space Enter  pause or resume") }, "\(helpLines)")
        // A configuration's keys show in the help and the hint.
        help.keyMap = KeyMap(mapping: [.next: [.char("b"), .function(13)], .pause: [.pageDown]])
        let mapped = ScreenRenderer.render(help, size: .init(width: 80, height: 24), color: false)
        #expect(mapped.contains { $0.hasPrefix("   b F13") && $0.hasSuffix("next segment") })
        var confirm = Self.jawline()
        confirm.overlay = .confirmQuit
        #expect(ScreenRenderer.render(confirm, size: .init(width: 80, height: 24), color: false).last == " Quit the session? Press q or y to confirm.")
        var done = Self.jawline()
        done.summary = .init(completed: true, planned: .seconds(435), actual: .seconds(470), pauses: 2, pausedTime: .seconds(20),
                             skips: 1, extensions: 1, extended: .seconds(15))
        let summary = ScreenRenderer.render(done, size: .init(width: 80, height: 24), color: false)
        #expect(summary.contains(" Session complete"))
        #expect(summary.contains { $0.contains("actual") && $0.contains("7:50") })
        #expect(summary.contains { $0.contains("pauses") && $0.contains("2 (20s)") })
        #expect(summary.contains { $0.contains("extensions") && $0.hasSuffix("1 (+15 s)") })
    }
}

extension String {
    /// Without the blanks around it, to compare a centred screen line.
    var trimmingWhitespace: String {
        var characters = Substring(self)
        while characters.first?.isWhitespace == true { characters.removeFirst() }
        while characters.last?.isWhitespace == true { characters.removeLast() }
        return String(characters)
    }
}

/// What matters is never only in a corner (issue 23).
@Suite struct BedsideLoopScreenTests {
    static func pausedStillness() -> DisplayState {
        var engine = SessionEngine(timeline: ScreenRendererTests.ritual)
        _ = engine.start(at: .zero)
        _ = engine.advance(to: .seconds(361))
        _ = engine.handle(.pause, at: .seconds(361))
        return DisplayState.make(engine: engine, at: .seconds(365))
    }

    /// Paused in stillness (the 30 s Pause phase too): PAUSED in block letters and the digits
    /// dimmed, not the calm screen with a badge and bright digits.
    @Test(arguments: [ScreenRenderer.Size(width: 80, height: 24), .init(width: 50, height: 12)])
    func aPauseInStillnessIsUnmistakable(size: ScreenRenderer.Size) {
        let paused = ScreenRenderer.render(Self.pausedStillness(), size: size, color: true)
        let running = ScreenRenderer.render(ScreenRendererTests.stillness(), size: size, color: true)
        #expect(paused != running)
        let dimDigits = paused.filter { $0.contains("\u{1B}[2m█") || $0.contains("\u{1B}[2m") && $0.contains("█") }
        if size.height >= 16 {
            let letters = BlockFont.wrap("PAUSED", width: size.width - 2, scale: BlockFont.Scale.ladder[0]) ?? []
            #expect(!letters.isEmpty)
            #expect(paused.contains { $0.contains("\u{1B}[1;33m█") }, "PAUSED in block letters, in the paused colour")
            #expect(!dimDigits.isEmpty, "the digits dimmed")
        } else {
            #expect(paused.contains { $0.contains("PAUSED · stillness") })
        }
        #expect(!paused.contains { $0.contains("s t i l l n e s s") })
    }

    /// No sound: the reason across the screen, during the session and its lead-in.
    @Test func noSoundIsSaidLargeWithItsReason() {
        var state = ScreenRendererTests.jawline()
        state.soundUnavailable = true
        state.soundProblem = "device disconnected"
        for size in [ScreenRenderer.Size(width: 80, height: 24), .init(width: 50, height: 12)] {
            let lines = ScreenRenderer.render(state, size: size, color: false)
            #expect(lines[1].hasPrefix(size.width >= 60 ? " NO SOUND: device disconnected · follow the screen" : " NO SOUND: device disconnected "),
                    "\(lines[1])")
            #expect(TextWidth.of(lines[1]) == size.width)
        }
        var still = ScreenRendererTests.stillness()
        still.soundUnavailable = true
        #expect(ScreenRenderer.render(still, size: .init(width: 80, height: 24), color: false)[1].hasPrefix(" NO SOUND"))
    }

    /// The wait names the keys in effect, not the standard ones.
    @Test func theWaitNamesTheKeysInEffect() {
        var state = ScreenRendererTests.jawline()
        state.waiting = true
        #expect(ScreenRenderer.nextLine(state).map(\.text).joined().contains("press space or n when ready"))
        state.keyMap = KeyMap(mapping: [.next: [.char("b")]])
        let line = ScreenRenderer.nextLine(state).map(\.text).joined()
        #expect(line.contains("press space or b when ready"), "\(line)")
        state.keyMap = KeyMap(mapping: [.pause: [.char("x")], .next: [.pageDown]])
        #expect(ScreenRenderer.nextLine(state).map(\.text).joined().contains("press x or PgDn when ready"))
    }

    /// At 60 columns the footer still ends with the help's key: what gives way is the least needed.
    @Test(arguments: [40, 50, 60, 70, 80])
    func theFooterKeepsTheHelpKey(width: Int) {
        let hints = KeyController.hints(.session, map: .standard, width: width - 1)
        #expect(hints.hasSuffix("? help"), "\(hints)")
        #expect(TextWidth.of(hints) <= width - 1 || width < 30)
        #expect(hints.hasPrefix("space pause"))
        let lines = ScreenRenderer.render(ScreenRendererTests.jawline(), size: .init(width: width, height: 20), color: false)
        #expect(lines.last?.hasSuffix("? help") == true, "\(lines.last ?? "")")
    }

    /// A cue that does not fit ends with "…", as the README promises: never cut without a sign.
    @Test(arguments: [ScreenRenderer.Size(width: 60, height: 20), .init(width: 60, height: 16), .init(width: 50, height: 12)])
    func aCueCutShortEndsWithAnEllipsis(size: ScreenRenderer.Size) {
        let state = ScreenRendererTests.jawline()
        let lines = ScreenRenderer.render(state, size: size, color: false)
        let shown = lines.filter { line in state.cue.hasPrefix(line.dropFirst().prefix(10)) && line.count > 11 }
        let words = shown.map { $0.dropFirst().replacing("…", with: "") }.joined(separator: " ").split(separator: " ")
        if words.count < state.cue.split(separator: " ").count {
            #expect(lines.contains { $0.hasSuffix("…") }, "\(lines)")
        }
    }
}
