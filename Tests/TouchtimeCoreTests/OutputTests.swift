import Foundation
import Testing
@testable import TouchtimeCore

@Suite struct OutputTests {
    @Test func elapsedTimeFormat() {
        #expect(TimeText.elapsed(.zero) == "00:00.000")
        #expect(TimeText.elapsed(.milliseconds(45_007)) == "00:45.007")
        #expect(TimeText.elapsed(.seconds(3600 + 61)) == "61:01.000")
        #expect(TimeText.elapsed(.seconds(-3)) == "-00:03.000")
    }

    @Test func iso8601MatchesFoundation() {
        for seconds: Int64 in [0, 951_782_400, 1_795_000_000, 4_102_444_800, 1_709_164_800] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            formatter.timeZone = TimeZone(identifier: "UTC")
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds) + 0.123))
            #expect(TimeText.iso8601(secondsSince1970: seconds, nanoseconds: 123_000_000) == expected)
        }
    }

    @Test func secondsWithFixedDecimals() {
        #expect(TimeText.seconds(.milliseconds(12_500), decimals: 3) == "12.500")
        #expect(TimeText.seconds(.microseconds(1_234_567), decimals: 6) == "1.234567")
        #expect(TimeText.seconds(.seconds(-4), decimals: 3) == "-4.000")
        #expect(TimeText.seconds(.milliseconds(-1500), decimals: 3) == "-1.500")
    }

    @Test func jsonLineCarriesEveryField() throws {
        let timeline = SessionEngineTests.timeline
        let event = SessionEvent(kind: .stepStart, segmentIndex: 1, phaseID: "jawline", stepIndex: 0,
                                 planned: .seconds(10), due: .seconds(10))
        let line = EventRecord(event: event, elapsed: .microseconds(10_000_321), wall: "2026-11-25T01:00:00.000Z")
            .jsonLine(timeline: timeline, speed: 1)
        #expect(line == #"{"event":"step-start","phase":"jawline","step":0,"segment":1,"planned":10.000,"elapsed":10.000321,"wall":"2026-11-25T01:00:00.000Z"}"#)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(parsed["event"] as? String == "step-start")
    }

    @Test func sessionStartNamesTheProtocol() throws {
        let timeline = SessionEngineTests.timeline
        let line = EventRecord(event: SessionEvent(kind: .sessionStart, planned: .zero, due: .zero), elapsed: .zero, wall: "w")
            .jsonLine(timeline: timeline, speed: 2.5)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(parsed["protocol"] as? String == "test")
        #expect(parsed["speed"] as? Double == 2.5)
        #expect(parsed["total"] as? Double == 85)
    }

    @Test func plainLineShowsTimeEventPlaceAndCue() {
        let timeline = SessionEngineTests.timeline
        let event = SessionEvent(kind: .stepStart, segmentIndex: 1, phaseID: "jawline", stepIndex: 0, planned: .seconds(10), due: .seconds(10))
        let line = EventRecord(event: event, elapsed: .milliseconds(10_002), wall: "").plainLine(timeline: timeline)
        #expect(line == "00:10.002  step-start      jawline/1    Step 1 (20s): Left.")
    }

    @Test func hostileTextCannotReachTheTerminal() {
        let hostile = "Glide\u{1B}]0;pwned\u{07} up\u{1B}[2J\u{9B}31m\u{202E}drawkcab\r\nnext"
        let safe = hostile.terminalSafe
        #expect(!safe.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" })
        #expect(safe == "Glide]0;pwned up[2J31mdrawkcab  next")
    }

    @Test func plainLinesAreTerminalSafe() throws {
        let text = Fixtures.document(phases: #"[{"id": "a", "title": "A\u001b[2J", "cue": "c\u001b]0;x\u0007", "duration": 5}]"#)
        let timeline = Timeline(try Fixtures.load(text))
        let event = SessionEvent(kind: .phaseStart, segmentIndex: 0, phaseID: "a", planned: .zero, due: .zero)
        let line = try #require(EventRecord(event: event, elapsed: .zero, wall: "").plainLine(timeline: timeline))
        #expect(!line.contains("\u{1B}") && !line.contains("\u{07}"))
        #expect(line.hasSuffix("A[2J (5s): c]0;x"))
    }

    @Test func timelineBarIsProportional() {
        let timeline = Timeline(Fixtures.treatment([Fixtures.phase("a", 30, after: 10), Fixtures.phase("b", 20)]))
        #expect(TimelineReport.bar(timeline, width: 12) == "111111..2222")
        let json = TimelineReport.json(timeline)
        #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil)
    }
}
