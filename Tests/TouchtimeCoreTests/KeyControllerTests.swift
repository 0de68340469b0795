import Testing
@testable import TouchtimeCore

/// Bytes to keys, and keys to what they do in each mode: pure, no terminal.
extension KeyController {
    /// The key's own outcome (the last).
    mutating func key(_ key: Key, at now: Duration) -> Outcome {
        handle(key, at: now).last ?? Outcome(command: nil, overlay: .none)
    }
}

@Suite struct KeyControllerTests {
    private func keys(_ text: String) -> [Key] {
        var decoder = KeyDecoder()
        return decoder.decode(Array(text.utf8))
    }

    @Test func bytesBecomeKeys() {
        #expect(keys(" \r\nnp+-mqyB?") == [.space, .enter, .enter, .char("n"), .char("p"), .char("+"), .char("-"), .char("m"),
                                          .char("q"), .char("y"), .char("b"), .char("?")])
        #expect(keys("\u{1B}[C\u{1B}[D\u{1B}OC\u{1B}[A\u{1B}[B") == [.right, .left, .right, .up, .down])
        // A longer sequence is one key, never a run of letters (Ctrl+Right is still right).
        #expect(keys("\u{1B}[1;5C") == [.right])
        #expect(keys("\u{1B}[5~\u{1B}[6~") == [.pageUp, .pageDown])
        #expect(keys("\u{1B}[2~q\u{7F}") == [.other, .char("q"), .other])
    }

    /// Dictation pedals in keyboard mode send F13 to F16; terminals spell function keys several ways.
    @Test func functionKeysAsTerminalsSendThem() {
        #expect(keys("\u{1B}OP\u{1B}OS") == [.function(1), .function(4)])
        #expect(keys("\u{1B}[15~\u{1B}[24~") == [.function(5), .function(12)])
        // VT220 numbering (Linux console, rxvt): F13 to F20.
        #expect(keys("\u{1B}[25~\u{1B}[26~\u{1B}[28~\u{1B}[29~\u{1B}[34~") == [.function(13), .function(14), .function(15), .function(16), .function(20)])
        // xterm: shifted F1 to F4 and F5 to F8.
        #expect(keys("\u{1B}[1;2P\u{1B}[1;2S\u{1B}[15;2~\u{1B}[19;2~") == [.function(13), .function(16), .function(17), .function(20)])
        // The Linux console's F1 and F5.
        #expect(keys("\u{1B}[[A\u{1B}[[E") == [.function(1), .function(5)])
    }

    @Test func aSequenceSplitAcrossReadsIsCompleted() {
        var decoder = KeyDecoder()
        #expect(decoder.decode([0x1B]).isEmpty)
        #expect(decoder.decode(Array("[".utf8)).isEmpty)
        #expect(decoder.decode(Array("Cn".utf8)) == [.right, .char("n")])
        #expect(decoder.decode(Array("\u{1B}[2".utf8)).isEmpty)
        #expect(decoder.decode(Array("5~".utf8)) == [.function(13)])
    }

    /// An unfinished `ESC [` followed by megabytes of parameter bytes (a paste, a hostile pipe) was
    /// kept and scanned again from its start on every read: after 2 MB, `qq` took 36 s. Each byte is
    /// now looked at once and the sequence keeps at most 16 of them; it ends at its final byte as
    /// one key, and the keys after it act.
    @Test func anEndlessSequenceIsSwallowedInBoundedSpaceAndTheKeysAfterItAct() {
        var decoder = KeyDecoder()
        #expect(decoder.decode(Array("\u{1B}[".utf8)).isEmpty)
        let chunk = [UInt8](repeating: UInt8(ascii: "1"), count: 4096)
        for _ in 0..<512 {  // 2 MiB in reads of 4 KiB
            #expect(decoder.decode(chunk).isEmpty)
        }
        #expect(decoder.isPending)
        #expect(MemoryLayout.size(ofValue: decoder) <= 64)
        #expect(decoder.decode(Array("~qq".utf8)) == [.other, .char("q"), .char("q")])
        // Cut off by a pause instead: flush ends it, and the next bytes are keys again.
        #expect(decoder.decode(Array("\u{1B}[12;".utf8)).isEmpty)
        #expect(decoder.flush() == [.other])
        #expect(!decoder.isPending)
        #expect(decoder.decode(Array("qq".utf8)) == [.char("q"), .char("q")])
        // A lone Escape, then the pause: the Escape key.
        #expect(decoder.decode([0x1B]).isEmpty)
        #expect(decoder.flush() == [.other])
        // A new sequence abandons an unfinished one; CAN cancels one.
        #expect(decoder.decode(Array("\u{1B}[1\u{1B}[C".utf8)) == [.other, .right])
        #expect(decoder.decode(Array("\u{1B}[1\u{18}n".utf8)) == [.char("n")])
    }

    @Test func keyNamesOfTheConfiguration() {
        #expect(Key(name: "b") == .char("b"))
        #expect(Key(name: "B") == .char("b"))
        #expect(Key(name: "PageDown") == .pageDown)
        #expect(Key(name: "F13") == .function(13))
        #expect(Key(name: "BTN_0") == .button(0))
        for bad in ["", "pagedown", "F0", "F21", "F013", "BTN_10", "ab", " ", "é"] {
            #expect(Key(name: bad) == nil, "\(bad)")
        }
        for name in Key.allNames { #expect(Key(name: name)?.description == name) }
    }

    @Test func sessionKeys() {
        var controller = KeyController(mode: .session)
        var time = Duration.zero
        func press(_ key: Key) -> KeyController.Outcome {
            time += .seconds(1)
            return controller.key(key, at: time)
        }
        #expect(press(.space).command == .togglePause)
        #expect(press(.enter).command == .togglePause)
        #expect(press(.char("n")).command == .next)
        #expect(press(.right).command == .next)
        #expect(press(.char("N")).command == .next)
        #expect(press(.char("p")).command == .previous)
        #expect(press(.left).command == .previous)
        #expect(press(.char("+")).command == .extend(.seconds(15)))
        #expect(press(.char("-")).command == .extend(.seconds(-15)))
        #expect(press(.char("m")).command == .toggleMute)
        #expect(press(.char("r")).command == .repeatPhase)
        #expect(press(.up).volumeStep == 1)
        #expect(press(.char("[")).volumeStep == -1)
        #expect(press(.char("y")).command == nil)
        #expect(press(.other).command == nil)
        #expect(press(.function(13)).command == nil)
    }

    /// A configuration maps `next` to b and `pause` to PageDown: those act, n and space no longer
    /// do, and what it leaves out keeps its keys.
    @Test func aMappedActionHasExactlyItsKeys() {
        let map = KeyMap(mapping: [.next: [.char("b")], .pause: [.pageDown]])
        var controller = KeyController(mode: .session, map: map)
        #expect(controller.key(.char("b"), at: .seconds(1)).command == .next)
        #expect(controller.key(.pageDown, at: .seconds(2)).command == .togglePause)
        #expect(controller.key(.char("n"), at: .seconds(3)).command == nil)
        #expect(controller.key(.space, at: .seconds(4)).command == nil)
        #expect(controller.key(.char("p"), at: .seconds(5)).command == .previous)
        // A standard key given to another action belongs to that action only.
        let stolen = KeyMap(mapping: [.pause: [.char("p")]])
        #expect(stolen.action(for: .char("p")) == .pause)
        #expect(stolen.keys(for: .back) == [.left])
        // The help and the hint show the mapped keys.
        #expect(KeyController.help(.session, map: map)[0].keys == "PgDn")
        #expect(KeyController.hints(.session, map: map).hasPrefix("PgDn pause · b next"))
        #expect(KeyController.hints(.session) == "space pause · n next · p back · +/- 15 s · m mute · q quit · ? help")
    }

    /// A held key acts once: the press acts, the first repeat (a delay later) is held back and
    /// shown a repeat by the next one, and the rest are repeats. A key pressed twice on purpose
    /// acts twice, the second a moment later.
    @Test func aHeldKeyActsOnceAndADoubleTapTwice() {
        var controller = KeyController(mode: .session)
        var commands: [SessionCommand] = []
        // Pressed at 10 s, repeating from 10.5 s every 33 ms until 12 s.
        commands += controller.handle(.char("n"), at: .seconds(10)).compactMap(\.command)
        var time = Duration.milliseconds(10_500)
        while time < .seconds(12) {
            commands += controller.handle(.char("n"), at: time).compactMap(\.command)
            commands += controller.settle(at: time + .milliseconds(20)).compactMap(\.command)
            time += .milliseconds(33)
        }
        commands += controller.settle(at: .seconds(13)).compactMap(\.command)
        #expect(commands == [.next])
        // Released, pressed again a second later: it acts at once.
        #expect(controller.key(.char("n"), at: .seconds(14)).command == .next)
        // Tapped again 0.25 s later: held back 120 ms, then it acts.
        let second = controller.key(.char("n"), at: .milliseconds(14_250))
        #expect(second.command == nil && second.settleAt == .milliseconds(14_370))
        #expect(controller.settle(at: .milliseconds(14_300)).isEmpty)
        #expect(controller.settle(at: .milliseconds(14_370)).map(\.command) == [.next])
        // A third tap, and a different key before it settles: the held-back tap acts first.
        #expect(controller.key(.char("n"), at: .milliseconds(14_600)).command == nil)
        #expect(controller.handle(.char("p"), at: .milliseconds(14_650)).map(\.command) == [.next, .previous])
        // With no debounce, every arrival acts.
        var eager = KeyController(mode: .session, debounce: .zero)
        #expect(eager.key(.char("n"), at: .seconds(1)).command == .next)
        #expect(eager.key(.char("n"), at: .milliseconds(1_033)).command == .next)
    }

    /// q q confirms the quit; a held q never confirms itself.
    @Test func quitTwiceQuicklyQuits() {
        var controller = KeyController(mode: .session)
        #expect(controller.key(.char("q"), at: .seconds(1)).overlay == .confirmQuit)
        #expect(controller.key(.char("q"), at: .milliseconds(1_200)).command == nil)
        #expect(controller.settle(at: .milliseconds(1_320)).map(\.command) == [.quit])
        var held = KeyController(mode: .session)
        _ = held.key(.char("q"), at: .seconds(1))
        for step in 0..<20 {
            let at = Duration.milliseconds(1_500 + 33 * step)
            #expect(held.handle(.char("q"), at: at).allSatisfy { $0.command == nil })
            #expect(held.settle(at: at + .milliseconds(30)).isEmpty)
        }
    }

    /// In practice a held-back press counts from when it was made.
    @Test func aHeldBackPressInPracticeIsTimedWhenMade() {
        var controller = KeyController(mode: .practice)
        #expect(controller.key(.space, at: .seconds(5)).command == .press)
        _ = controller.key(.space, at: .milliseconds(5_400))
        #expect(controller.settle(at: .milliseconds(5_520)).map(\.command) == [.pressAt(.milliseconds(5_400))])
        var practice = PracticeSession(timeline: SessionEngineTests.timeline)
        _ = practice.start(at: .zero)
        _ = practice.handle(.pressAt(.seconds(9)), at: .milliseconds(9_120))
        #expect(practice.score.results.first?.actual == .seconds(9))
    }

    @Test func practiceAndDrillTakeOnlyThePressQuitAndHelp() {
        for mode in [KeyController.Mode.practice, .drill] {
            var controller = KeyController(mode: mode)
            #expect(controller.key(.space, at: .seconds(1)).command == .press)
            #expect(controller.key(.enter, at: .seconds(2)).command == .press)
            // n and → do not press; a pedal the configuration maps for next does.
            #expect(controller.key(.char("n"), at: .seconds(3)).command == nil)
            var pedal = KeyController(mode: mode, map: KeyMap(mapping: [.next: [.char("b")]]))
            #expect(pedal.key(.char("b"), at: .seconds(3)).command == .press)
            for (index, key) in [Key.char("p"), .char("+"), .char("-"), .char("m"), .char("r"), .up, .right].enumerated() {
                #expect(controller.key(key, at: .seconds(4 + index)).command == nil)
            }
            #expect(controller.key(.char("?"), at: .seconds(20)).overlay == .help)
        }
    }

    @Test func quitNeedsConfirmingWithinThreeSeconds() {
        var controller = KeyController(mode: .session)
        #expect(controller.key(.char("q"), at: .seconds(10)) == .init(command: nil, overlay: .confirmQuit))
        #expect(controller.overlay(at: .seconds(12)) == .confirmQuit)
        #expect(controller.key(.char("y"), at: .seconds(12)).command == .quit)
        var late = KeyController(mode: .session)
        _ = late.key(.char("q"), at: .seconds(20))
        #expect(late.overlay(at: .seconds(23)) == .none)
        #expect(late.key(.char("y"), at: .seconds(23)).command == nil)
        var twice = KeyController(mode: .session)
        _ = twice.key(.char("q"), at: .seconds(30))
        #expect(twice.key(.char("q"), at: .seconds(31)).command == .quit)
        // A held q is one q: it never confirms itself.
        var held = KeyController(mode: .session)
        _ = held.key(.char("q"), at: .seconds(40))
        #expect(held.key(.char("q"), at: .milliseconds(40_500)).command == nil)
        var practice = KeyController(mode: .practice)
        _ = practice.key(.char("q"), at: .seconds(40))
        #expect(practice.key(.space, at: .seconds(41)).command == .press)
        #expect(practice.key(.char("y"), at: .seconds(42)).command == nil)
    }

    @Test func helpTogglesAndTheSummaryClosesOnAnyKey() {
        var controller = KeyController(mode: .session)
        #expect(controller.key(.char("?"), at: .seconds(1)).overlay == .help)
        #expect(controller.key(.char("h"), at: .seconds(2)).overlay == .none)
        controller.showSummary()
        #expect(controller.key(.other, at: .seconds(3)) == .init(command: nil, overlay: .none, close: true))
        #expect(controller.key(.space, at: .seconds(4)).close)
    }

    @Test func muteIsTheEnginesAndAnEvent() {
        var engine = SessionEngine(timeline: SessionEngineTests.timeline)
        _ = engine.start(at: .zero)
        #expect(engine.handle(.toggleMute, at: .seconds(1)).map(\.kind) == [.muted(true)])
        #expect(engine.muted)
        #expect(engine.handle(.toggleMute, at: .seconds(2)).map(\.kind) == [.muted(false)])
        #expect(engine.handle(.quit, at: .seconds(3)).map(\.kind) == [.quit, .sessionEnd(completed: false)])
        #expect(engine.handle(.press, at: .seconds(4)).isEmpty)
    }
}
