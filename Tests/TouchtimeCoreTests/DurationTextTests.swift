import Testing
@testable import TouchtimeCore

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("45", 45.0), ("45s", 45), ("1.5s", 1.5), ("2m", 120), ("1m30s", 90), ("1h", 3600),
        ("1h5m", 3900), ("1h2m3s", 3723), ("1:30", 90), ("0:05", 5), ("1:02:03", 3723),
        ("1:30.5", 90.5), (" 45s ", 45), ("90s", 90), ("1.5m", 90), ("0.1", 0.1), ("4h", 14400), ("240m", 14400),
        ("240:00", 14400), ("4:00:00", 14400), ("0:01", 1), ("05:30", 330), ("1h30s", 3630), ("2.5h", 9000),
    ])
    func parsesAcceptedForms(text: String, seconds: Double) {
        #expect(DurationText.seconds(parsing: text) == seconds)
    }

    @Test(arguments: [
        "", "s", "NaN", "nan", "inf", "Infinity", "-1", "-5s", "1e3", "1:75", "1:5", "1::30", "1:02:60",
        "5 s", "1s30m", "1m1m", "1.5m30s", ".5", "5.", "1,5", "0x10", "1h-5m", "one minute", "1:2:3:4",
        // Out of range, or a form the schema cannot bound: below 0.1 s, above 4 h, a smaller unit of 60 or
        // more after a larger one, leading zeros, blanks other than spaces.
        "0", "0.05", "14400.1", "5h", "4.5h", "241m", "1h90m", "05s", "0:00", "0:00.5", "1234567:00", "4:00:01",
        " ", "\u{3000}", "45s\n", "\u{A0}45s", "0.5m", "0h5m",
    ])
    func rejectsEverythingElse(text: String) {
        #expect(DurationText.seconds(parsing: text) == nil)
    }

    @Test func formatsCompactly() {
        #expect(DurationText.format(.seconds(45)) == "45s")
        #expect(DurationText.format(.seconds(90)) == "1m30s")
        #expect(DurationText.format(.seconds(120)) == "2m")
        #expect(DurationText.format(.milliseconds(1500)) == "1.5s")
        #expect(DurationText.format(.seconds(3723)) == "1h02m3s")
        #expect(DurationText.format(.seconds(-15)) == "-15s")
        #expect(DurationText.clock(.seconds(435)) == "7:15")
        #expect(DurationText.clock(.seconds(3723)) == "1:02:03")
    }
}
