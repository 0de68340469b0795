import Foundation
import Testing
@testable import TouchtimeCore

/// `--from`, repeat-phase, the configuration file and the pedal's events: pure, no terminal, no device.
@Suite struct StartFromAndRepeatTests {
    let timeline = SessionEngineTests.timeline   // warm 10, jawline (2 steps, stillness between and after), pause, end

    private func names(_ events: [SessionEvent]) -> [String] {
        events.map { [$0.kind.name, $0.phaseID, $0.stepIndex.map(String.init)].compactMap { $0 }.joined(separator: " ") }
    }

    @Test func fromNamesAPhaseOrAStep() throws {
        #expect(try timeline.segmentIndex(from: "warm").get() == 0)
        #expect(try timeline.segmentIndex(from: "Jawline").get() == 1)
        #expect(try timeline.segmentIndex(from: "jawline/2").get() == 3)
        #expect(try timeline.segmentIndex(from: "jawline / step 2").get() == 3)
        #expect(try timeline.segmentIndex(from: "pause").get() == 5)
        #expect(throws: Timeline.FromError.self) { try timeline.segmentIndex(from: "lift").get() }
        #expect(throws: Timeline.FromError.self) { try timeline.segmentIndex(from: "jawline/3").get() }
        #expect(throws: Timeline.FromError.self) { try timeline.segmentIndex(from: "warm/1").get() }
        if case .failure(let error) = timeline.segmentIndex(from: "lift") {
            #expect(error.message == "no phase 'lift'; the phases are warm, jawline, pause, end")
        }
    }

    @Test func aSessionStartsWhereAsked() {
        var engine = SessionEngine(timeline: timeline, startingAt: 3)
        #expect(names(engine.start(at: .zero)) == ["session-start", "step-start jawline 1"])
        // The right side's 20 s, then the 5 s stillness after the phase, then the pause phase.
        #expect(names(engine.advance(to: .seconds(20))) == ["stillness-start jawline"])
        #expect(names(engine.advance(to: .seconds(25))) == ["phase-start pause", "stillness-start pause"])
        // A phase start is a phase start: the first segment of a phase announces its phase.
        var fromPhase = SessionEngine(timeline: timeline, startingAt: 1)
        #expect(names(fromPhase.start(at: .zero)) == ["session-start", "phase-start jawline", "step-start jawline 0"])
    }

    @Test func repeatPhaseGoesBackToThePhasesFirstSegment() {
        var engine = SessionEngine(timeline: timeline)
        _ = engine.start(at: .zero)
        _ = engine.advance(to: .seconds(40))   // the jawline's right side (10 + 20 + 5 = 35 s)
        #expect(engine.currentIndex == 3)
        #expect(names(engine.handle(.repeatPhase, at: .seconds(40))) == ["back jawline 1", "phase-start jawline", "step-start jawline 0"])
        #expect(engine.currentIndex == 1)
        #expect(engine.remaining(at: .seconds(40)) == .seconds(20))
    }
}

@Suite struct ConfigurationTests {
    private func decode(_ text: String) throws(ConfigurationError) -> Configuration {
        try Configuration.decode(Array(text.utf8), file: "config.json")
    }

    private func problems(_ text: String) -> [String] {
        do {
            _ = try decode(text)
            return []
        } catch {
            return error.lines
        }
    }

    /// A 60,000-character unknown key was printed whole, in its path too: both are cut short.
    @Test func aHostileKeyIsCutShort() {
        let key = String(repeating: "k", count: 30_000)  // twice, within the 64 KiB a configuration may be
        let lines = problems(#"{"\#(key)": 1, "keys": {"\#(key)": []}}"#)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.count < 400 }, "\(lines.map(\.count))")
        #expect(lines.first?.hasPrefix("config.json:1:2: " + String(repeating: "k", count: 40) + "...: unknown key \"") == true)
    }

    @Test func everySettingIsRead() throws {
        let configuration = try decode("""
            { "$schema": "./config.schema.json", "device": "plughw:1,0", "volume": 70, "voice": true, "leadIn": 5.5,
              "exitAtEnd": true, "debounce": 0.3,
              "keys": { "next": ["b", "F13"], "pause": ["PageDown"] },
              "pedal": { "device": "/dev/input/by-id/usb-pedal-event-kbd", "grab": true, "keys": { "back": ["BTN_1"] },
                         "hold": { "quit": ["BTN_2"] }, "holdSeconds": 1.5 } }
            """)
        #expect(configuration.device == "plughw:1,0")
        #expect(configuration.volume == 70)
        #expect(configuration.voice == true)
        #expect(configuration.leadIn == 5.5)
        #expect(configuration.exitAtEnd == true)
        #expect(configuration.debounce == 0.3)
        #expect(configuration.keys == [.next: [.char("b"), .function(13)], .pause: [.pageDown]])
        #expect(configuration.pedal == Configuration.Pedal(device: "/dev/input/by-id/usb-pedal-event-kbd", grab: true,
                                                           keys: [.back: [.button(1)]], hold: [.quit: [.button(2)]], holdSeconds: 1.5))
        #expect(try decode("{}") == Configuration())
    }

    @Test func everyProblemIsPlacedAndSaysWhatWasExpected() {
        // The same reader as a protocol's: a volume is a whole number, wherever it is given.
        #expect(problems(#"{ "volume": 170 }"#) == ["config.json:1:13: volume: expected a whole number from 0 to 100, found 170"])
        #expect(problems(#"{ "volume": 50.5 }"#) == ["config.json:1:13: volume: expected a whole number from 0 to 100, found 50.5"])
        #expect(problems(#"{ "leadin": 2 }"#) == [#"config.json:1:3: leadin: unknown key "leadin": did you mean "leadIn"?"#])
        #expect(problems(#"{ "voice": "yes" }"#) == [#"config.json:1:12: voice: expected true or false, found "yes""#])
        #expect(problems(#"{ "keys": { "next": "b" } }"#)
                == [#"config.json:1:21: keys.next: expected an array of key names, such as ["b"], found a string"#])
        #expect(problems(#"{ "keys": { "next": ["PgDown"] } }"#)
                == [#"config.json:1:22: keys.next[0]: unknown key "PgDown": did you mean "PageDown"?"#])
        #expect(problems(#"{ "keys": { "skip": ["b"] } }"#).first?.hasPrefix(#"config.json:1:13: keys.skip: unknown key "skip""#) == true)
        #expect(problems(#"{ "keys": { "next": ["b"], "pause": ["b"] } }"#)
                == [#"config.json:1:38: keys.pause[0]: key "b" is already given to "next""#])
        #expect(problems(#"{ "pedal": { "holdSeconds": 0 } }"#)
                == ["config.json:1:29: pedal.holdSeconds: expected a number from 0.2 to 10 seconds, found 0"])
        #expect(problems(#"{ "device": "" }"#) == ["config.json:1:13: device: expected a device name, found an empty string"])
        #expect(problems("{ \"volume\": 1,\n  \"volume\": 2 }") == [#"config.json:2:3: duplicate key "volume""#])
        #expect(problems("[]") == ["config.json:1:1: expected the configuration as an object, found an array"])
        #expect(problems("{ \"volume\": 1,, }").first?.hasPrefix("config.json:1:15: ") == true)
        // Several problems: all of them, in file order.
        #expect(problems(#"{ "voice": 1, "volume": -1 }"#).count == 2)
    }

    @Test func aMissingDefaultFileIsTheDefaultsAndAMissingNamedOneIsAnError() throws {
        #expect(try Configuration.load(contentsOf: "/nonexistent/touchtime/config.json", mustExist: false) == nil)
        #expect(throws: ConfigurationError.self) { try Configuration.load(contentsOf: "/nonexistent/config.json", mustExist: true) }
        #expect(throws: ConfigurationError.self) { try Configuration.load(contentsOf: "/tmp", mustExist: false) }
        #expect(Configuration.defaultPath(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == "/x/touchtime/config.json")
        #expect(Configuration.defaultPath(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"]) == "/h/.config/touchtime/config.json")
    }
}

@Suite struct PedalTests {
    @Test func recordsRoundTripAndSplitReadsAreCompleted() {
        let events = [InputEvent(time: .seconds(1_700_000_000) + .microseconds(250_000), code: 0x100, value: 1),
                      InputEvent(time: .seconds(1_700_000_001), type: 0, code: 0, value: 0)]
        let bytes = events.flatMap(\.bytes)
        #expect(bytes.count == 48)
        var decoder = InputEventDecoder()
        #expect(decoder.decode(Array(bytes[0..<30])) == [events[0]])
        #expect(decoder.decode(Array(bytes[30...])) == [events[1]])
    }

    @Test func keyCodesAreLinuxs() {
        #expect(LinuxKeyCode.key(for: 48) == .char("b"))      // KEY_B
        #expect(LinuxKeyCode.key(for: 30) == .char("a"))      // KEY_A
        #expect(LinuxKeyCode.key(for: 46) == .char("c"))      // KEY_C
        #expect(LinuxKeyCode.key(for: 183) == .function(13)) // KEY_F13
        #expect(LinuxKeyCode.key(for: 186) == .function(16)) // KEY_F16
        #expect(LinuxKeyCode.key(for: 109) == .pageDown)     // KEY_PAGEDOWN
        #expect(LinuxKeyCode.key(for: 0x102) == .button(2))  // BTN_2
        #expect(LinuxKeyCode.key(for: 57) == .space)
        #expect(LinuxKeyCode.code(for: .button(0)) == 0x100)
    }

    private func press(_ code: UInt16, at seconds: Double, value: Int32 = 1) -> InputEvent {
        InputEvent(time: .milliseconds(Int64(seconds * 1000)), code: code, value: value)
    }

    @Test func aPressActsOnceHoweverLongItIsHeld() {
        var pedal = PedalInterpreter(press: KeyMap(mapping: [.next: [.button(0)]]))
        #expect(pedal.handle(press(0x100, at: 1), arrival: .seconds(1)) == [.next])
        for repeatAt in stride(from: 1.5, to: 3, by: 0.033) {
            #expect(pedal.handle(press(0x100, at: repeatAt, value: 2), arrival: .seconds(2)).isEmpty)
        }
        #expect(pedal.handle(press(0x100, at: 3, value: 0), arrival: .seconds(3)).isEmpty)
        // Keys of a keyboard-mode pedal map like the keyboard's; events that are not keys do nothing.
        #expect(pedal.handle(press(48, at: 4), arrival: .seconds(4)).isEmpty)
        #expect(pedal.handle(InputEvent(time: .seconds(4), type: 0, code: 0, value: 0), arrival: .seconds(4)).isEmpty)
        #expect(pedal.handle(press(57, at: 5), arrival: .seconds(5)) == [.pause])
    }

    @Test func aHoldIsItsOwnAction() {
        var pedal = PedalInterpreter(press: KeyMap(mapping: [.pause: [.button(1)]]), hold: [.quit: [.button(1)]], holdTime: .seconds(1))
        // Tapped: its press action, on release.
        #expect(pedal.handle(press(0x101, at: 10), arrival: .seconds(10)).isEmpty)
        #expect(pedal.handle(press(0x101, at: 10.3, value: 0), arrival: .seconds(10)).isEmpty == false)
        // Held past a second: the hold action at that moment, once, and nothing on release.
        #expect(pedal.handle(press(0x101, at: 20), arrival: .seconds(20)).isEmpty)
        #expect(pedal.nextHold == .seconds(21))
        #expect(pedal.tick(at: .milliseconds(20_900)).isEmpty)
        #expect(pedal.tick(at: .seconds(21)) == [.quit])
        #expect(pedal.tick(at: .seconds(22)).isEmpty)
        #expect(pedal.handle(press(0x101, at: 22.5, value: 0), arrival: .milliseconds(22_500)).isEmpty)
        // A recording read at once: the events' own times tell a hold.
        #expect(pedal.handle(press(0x101, at: 30), arrival: .seconds(40)).isEmpty)
        #expect(pedal.handle(press(0x101, at: 31.5, value: 0), arrival: .seconds(40)) == [.quit])
        #expect(pedal.handle(press(0x101, at: 50), arrival: .seconds(40)).isEmpty)
        #expect(pedal.handle(press(0x101, at: 50.2, value: 0), arrival: .seconds(40)) == [.pause])
    }

    @Test func garbageRecordsDoNotTrap() {
        var decoder = InputEventDecoder()
        let events = decoder.decode([UInt8](repeating: 0xFF, count: 24 * 3 + 5))
        #expect(events.count == 3)
        var pedal = PedalInterpreter(press: .standard)
        for event in events { _ = pedal.handle(event, arrival: .zero) }
    }
}

/// `Protocols/config.schema.json` names exactly the loader's keys, actions and key names.
@Suite struct ConfigurationSchemaTests {
    @Test func theSchemaAndTheLoaderKnowTheSameNames() throws {
        let url = Fixtures.protocolsFolder.appendingPathComponent("config.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(Configuration.topLevelKeys))
        let pedal = try #require((properties["pedal"] as? [String: Any])?["properties"] as? [String: Any])
        #expect(Set(pedal.keys) == Set(Configuration.pedalKeys))
        let definitions = try #require(schema["$defs"] as? [String: Any])
        let keyMap = try #require(definitions["keyMap"] as? [String: Any])
        let actions = try #require((keyMap["propertyNames"] as? [String: Any])?["enum"] as? [String])
        #expect(actions == KeyAction.allCases.map(\.rawValue))
        let keyName = try #require(definitions["keyName"] as? [String: Any])
        let alternatives = try #require(keyName["anyOf"] as? [[String: Any]])
        let named = try #require(alternatives.compactMap { $0["enum"] as? [String] }.first)
        #expect(named == Array(Key.allNames.prefix(named.count)))
    }
}
