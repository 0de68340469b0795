import Testing
@testable import TouchtimeCore

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("45", 45.0), ("45s", 45), ("1.5s", 1.5), ("2m", 120), ("1m30s", 90), ("1h", 3600),
        ("1h5m", 3900), ("1h2m3s", 3723), ("1:30", 90), ("0:05", 5), ("1:02:03", 3723),
        ("1:30.5", 90.5), (" 45s ", 45), ("90s", 90), ("1.5m", 90), ("0.1", 0.1),
    ])
    func parsesAcceptedForms(text: String, seconds: Double) {
        #expect(DurationText.seconds(parsing: text) == seconds)
    }

    @Test(arguments: [
        "", "s", "NaN", "nan", "inf", "Infinity", "-1", "-5s", "1e3", "1:75", "1:5", "1::30", "1:02:60",
        "5 s", "1s30m", "1m1m", "1.5m30s", ".5", "5.", "1,5", "0x10", "1h-5m", "one minute", "1:2:3:4",
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
