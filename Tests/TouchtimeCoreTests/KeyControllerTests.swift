import Testing
@testable import TouchtimeCore

/// Bytes to keys, and keys to what they do in each mode: pure, no terminal.
@Suite struct KeyControllerTests {
    private func keys(_ text: String) -> [Key] {
        var decoder = KeyDecoder()
        return decoder.decode(Array(text.utf8))
    }

    @Test func bytesBecomeKeys() {
        #expect(keys(" \r\nnp+-mqy?x") == [.space, .enter, .enter, .next, .previous, .longer, .shorter, .mute, .quit, .yes, .help, .other])
        #expect(keys("\u{1B}[C\u{1B}[D\u{1B}OC") == [.next, .previous, .next])
        // A longer sequence is one key, never a run of letters (Ctrl+Right is still right; F5 is no key of ours).
        #expect(keys("\u{1B}[1;5C") == [.next])
        #expect(keys("\u{1B}[15~q") == [.other, .quit])
    }

    @Test func aSequenceSplitAcrossReadsIsCompleted() {
        var decoder = KeyDecoder()
        #expect(decoder.decode([0x1B]).isEmpty)
        #expect(decoder.decode(Array("[".utf8)).isEmpty)
        #expect(decoder.decode(Array("Cn".utf8)) == [.next, .next])
    }

    @Test func aSessionsKeysAct() {
        var controller = KeyController(mode: .session)
        #expect(controller.handle(.space, at: .zero).command == .togglePause)
        #expect(controller.handle(.enter, at: .zero).command == .togglePause)
        #expect(controller.handle(.next, at: .zero).command == .next)
        #expect(controller.handle(.previous, at: .zero).command == .previous)
        #expect(controller.handle(.longer, at: .zero).command == .extend(.seconds(15)))
        #expect(controller.handle(.shorter, at: .zero).command == .extend(.seconds(-15)))
        #expect(controller.handle(.mute, at: .zero).command == .toggleMute)
        #expect(controller.handle(.yes, at: .zero).command == nil)
        #expect(controller.handle(.other, at: .zero).command == nil)
    }

    @Test func practiceTakesThePressQuitAndHelpOnly() {
        for mode in [KeyController.Mode.practice, .drill] {
            var controller = KeyController(mode: mode)
            #expect(controller.handle(.space, at: .zero).command == .press)
            #expect(controller.handle(.enter, at: .zero).command == .press)
            for key in [Key.next, .previous, .longer, .shorter, .mute, .yes, .other] {
                #expect(controller.handle(key, at: .zero) == .init(command: nil, overlay: .none), "\(key) does nothing in \(mode)")
            }
            #expect(controller.handle(.help, at: .zero).overlay == .help)
        }
        #expect(KeyController.hints(.practice) == "space done · q quit · ? help")
        #expect(!KeyController.help(.practice).contains { $0.action.contains("pause") || $0.action.contains("mute") })
    }

    @Test func quitIsConfirmedWithinThreeSeconds() {
        var controller = KeyController(mode: .practice)
        #expect(controller.handle(.quit, at: .seconds(10)) == .init(command: nil, overlay: .confirmQuit))
        #expect(controller.overlay(at: .seconds(12)) == .confirmQuit)
        #expect(controller.nextChange(after: .seconds(12)) == .seconds(13))
        #expect(controller.handle(.yes, at: .seconds(12)).command == .quit)
        // Too late: the prompt has gone, and y alone does nothing.
        _ = controller.handle(.quit, at: .seconds(20))
        #expect(controller.overlay(at: .seconds(23)) == .none)
        #expect(controller.handle(.yes, at: .seconds(23)).command == nil)
        // q twice quits; any other key in between cancels.
        _ = controller.handle(.quit, at: .seconds(30))
        #expect(controller.handle(.quit, at: .seconds(31)).command == .quit)
        _ = controller.handle(.quit, at: .seconds(40))
        #expect(controller.handle(.space, at: .seconds(40)).command == .press)
        #expect(controller.handle(.yes, at: .seconds(40)).command == nil)
    }

    @Test func helpTogglesAndTheSummaryClosesOnAnyKey() {
        var controller = KeyController(mode: .session)
        #expect(controller.handle(.help, at: .zero).overlay == .help)
        #expect(controller.handle(.help, at: .zero).overlay == .none)
        controller.showSummary()
        #expect(controller.handle(.other, at: .zero) == .init(command: nil, overlay: .none, close: true))
        #expect(controller.handle(.space, at: .zero).close)
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
