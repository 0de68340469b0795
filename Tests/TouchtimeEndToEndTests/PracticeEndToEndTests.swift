import Foundation
import Testing
import TouchtimeAudio
import TouchtimeTestSupport

/// A practice driven by presses sent at chosen moments through standard input, at 10x.
@Suite(.serialized) struct PracticeEndToEndTests {
    @Test func pressesAtChosenMomentsGiveTheirErrorsAndAHistoryLine() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let history = folder.appendingPathComponent("history.jsonl").path
        let events = folder.appendingPathComponent("events.jsonl").path
        // At 10x: warm (10 s) pressed at 1.0 s = on time; jawline left (8 s) 0.6 s later = 2 s early;
        // the stillness (4 s) 0.5 s later = 1 s late; then no more presses: the rest run out.
        let pressed = try BinaryRunner.runPressing(
            ["practice", "trainee-drill", "--plain", "--lead-in", "0", "--speed", "10", "--history", history, "--events", events],
            at: [1.0, 1.6, 2.1])
        #expect(pressed.status == 0)

        let presses = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["event"] as? String == "press" }
        let errors = presses.compactMap { $0["error"] as? Double }
        #expect(errors.count == 3)
        // The first press is timed from the launch, so the binary's start-up (up to 150 ms on a
        // loaded machine, 1.5 s at 10x) makes it early; the others are timed from the press before.
        let first = try #require(errors.first)
        #expect(first > -1.5 && first < 0.5, "error \(first) s, expected about 0 s")
        for (error, expected) in zip(errors.dropFirst(), [-2.0, 1.0]) {
            #expect(abs(error - expected) < 0.5, "error \(error) s, expected about \(expected) s")
        }
        #expect(pressed.stdout.contains("SEGMENT"))
        #expect(pressed.stdout.contains("Jawline: Right      8s       missed"))
        #expect(pressed.stdout.contains("mean absolute error, rating"))
        let line = try #require(try String(contentsOfFile: history, encoding: .utf8).split(separator: "\n").last)
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(entry["mode"] as? String == "practice")
        #expect(entry["outcome"] as? String == "completed")
        #expect((entry["segments"] as? [Any])?.count == 9)
        #expect(entry["rating"] as? Int == 0, "six missed segments")
    }
}

@Suite struct StatsEndToEndTests {
    @Test func statsSummariseThePracticesInTheHistory() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        let lines = [
            #"{"protocol":"trainee-drill","hash":"h","mode":"practice","start":"2026-11-20T09:00:00.000Z","end":"2026-11-20T09:01:00.000Z","planned":63.000,"actual":60.000,"outcome":"completed","pauses":0,"skips":0,"extensions":0,"mape":20.000,"rating":60,"segments":[{"planned":10,"actual":12.000,"missed":false}]}"#,
            #"{"protocol":"trainee-drill","hash":"h","mode":"run","start":"2026-11-21T09:00:00.000Z","end":"2026-11-21T09:01:00.000Z","planned":63.000,"actual":63.000,"outcome":"completed","pauses":0,"skips":0,"extensions":0}"#,
            "a torn line",
            #"{"protocol":"trainee-drill","hash":"h","mode":"practice","start":"2026-11-21T09:00:00.000Z","end":"2026-11-21T09:01:00.000Z","planned":63.000,"actual":60.000,"outcome":"completed","pauses":0,"skips":0,"extensions":0,"mape":10.000,"rating":80,"segments":[{"planned":10,"actual":10.000,"missed":false}]}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let text = try BinaryRunner.run(["stats", "--history", path])
        #expect(text.status == 0)
        #expect(text.stderr.hasPrefix("touchtime: history.jsonl:3: skipped: "))
        #expect(text.lines[0] == "trainee-drill: 2 practices, best rating 80/100")
        #expect(text.lines[1] == "  rating, oldest to newest; last score 10.0 % off:", "\(text.stdout)")
        // The chart: 60 then 80, dated.
        #expect(text.lines.contains { $0.hasPrefix("   100 │") })
        #expect(text.lines.contains { $0.hasSuffix("11-20  11-21") || ($0.contains("11-20") && $0.contains("11-21")) }, "\(text.stdout)")
        // The one to work on is marked, with its direction and what to do next.
        #expect(text.lines.contains { $0.hasPrefix("  > Warm") && $0.contains("10.0 %") && $0.contains("+10.0 %") && $0.hasSuffix("2 practices") },
                "\(text.stdout)")
        #expect(text.lines.contains("  to change: you hold Warm 10.0 % too long (+1.0 s)"), "\(text.stdout)")
        #expect(text.lines.contains("  next: drill Warm, 5 times in a row: touchtime practice trainee-drill --weakest"), "\(text.stdout)")
        let csv = try BinaryRunner.run(["stats", "--history", path, "--csv", "--protocol", "trainee-drill"])
        #expect(csv.lines == ["protocol,segment,title,mean_abs_error_percent,practices,grade,bias_percent,bias_seconds,spread_percent",
                              "trainee-drill,1,Warm,10.0,2,B,10.0,1.0,10.0"])
    }

    /// A trainee's progress (issue 24): the history in local time with each practice's score, the
    /// level once three practices are steady, and the stroke drill counted in stats.
    @Test func historyAndStatsShowScoresLocalTimeLevelAndTheDrill() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        func practice(_ day: Int, mape: Int, actual: Double) -> String {
            #"{"protocol":"trainee-drill","hash":"h","mode":"practice","start":"2026-11-\#(day)T09:00:00.000Z","end":"2026-11-\#(day)T09:01:00.000Z","planned":63,"actual":60,"outcome":"completed","pauses":0,"skips":0,"extensions":0,"mape":\#(mape),"rating":\#(100 - 2 * mape),"segments":[{"segment":0,"phase":"warm","role":"phase","title":"Warm","planned":10,"actual":\#(actual),"missed":false}]}"#
        }
        let drill = #"{"protocol":"neurotouch-symmetry","hash":"h","mode":"strokes","start":"2026-11-23T09:00:00.000Z","end":"2026-11-23T09:01:00.000Z","planned":120,"actual":12,"outcome":"quit","pauses":0,"skips":0,"extensions":0,"strokes":[{"segment":1,"phase":"jawline","role":"step","step":0,"title":"Jawline: Left side","target":4,"taps":5,"meanPeriod":4.4,"spread":0.2}]}"#
        try ([practice(20, mape: 30, actual: 13), practice(21, mape: 9, actual: 10.9), practice(22, mape: 8, actual: 10.8),
              practice(23, mape: 6, actual: 10.6), drill].joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let berlin = try BinaryRunner.run(["history", "--history", path], environment: ["TZ": "Europe/Berlin"])
        #expect(berlin.lines.first?.hasPrefix("START (CET)") == true, "\(berlin.stdout)")
        #expect(berlin.lines.contains { $0.hasPrefix("2026-11-23 10:00") && $0.contains("88/100 B") }, "\(berlin.stdout)")
        #expect(berlin.lines.contains { $0.contains("strokes") && $0.contains("cadence 10.0 % off") }, "\(berlin.stdout)")
        let utc = try BinaryRunner.run(["history", "--history", path, "--utc"], environment: ["TZ": "Europe/Berlin"])
        #expect(utc.lines.first?.hasPrefix("START (UTC)") == true)
        #expect(utc.lines.contains { $0.hasPrefix("2026-11-23 09:00") })

        let stats = try BinaryRunner.run(["stats", "--history", path])
        #expect(stats.lines.first == "trainee-drill: 4 practices, best rating 88/100, level B (the last 3 within 10 %)", "\(stats.stdout)")
        #expect(stats.lines.contains("neurotouch-symmetry: 0 practices"), "\(stats.stdout)")
        #expect(stats.lines.contains("  stroke drill: 1 drill, the last 10.0 % off the cadence"), "\(stats.stdout)")
        let only = try BinaryRunner.run(["stats", "--history", path, "--protocol", "neurotouch-symmetry"])
        #expect(!only.stdout.contains("No practices yet"), "the drill counts: \(only.stdout)")

        // A dated series for a spreadsheet: one row per practice, oldest first, with its score and each segment's bias.
        let series = try BinaryRunner.run(["stats", "--series", "--protocol", "trainee-drill", "--history", path])
        #expect(series.status == 0 && series.lines.count == 5, "\(series.stdout)\(series.stderr)")
        #expect(series.lines.first == "start,day,kind,focus,support,rating,grade,mape_percent,cadence_error_percent,Warm bias %")
        #expect(series.lines.dropFirst().first == "2026-11-20T09:00:00.000Z,2026-11-20,practice,,prompts,40,D,30,,30", "\(series.stdout)")
        #expect(series.lines.last == "2026-11-23T09:00:00.000Z,2026-11-23,practice,,prompts,88,B,6,,6", "\(series.stdout)")
        let last = try BinaryRunner.run(["stats", "--series", "--history", path])
        #expect(last.lines.count == 2 && last.lines.last == "2026-11-23T09:00:00.000Z,2026-11-23,strokes,,,80,B,,10",
                "without --protocol, the protocol practised last: \(last.stdout)")
        let none = try BinaryRunner.run(["stats", "--series", "--protocol", "neurotouch-express", "--history", path])
        #expect(none.status == 66 && none.stderr.contains("no practice of 'neurotouch-express'"), "\(none.stderr)")
    }

    /// The level says how little help the practices that hold it had.
    @Test func theLevelSaysHowLittleHelpItHeldWith() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        func practice(_ day: Int, support: String) -> String {
            #"{"protocol":"trainee-drill","hash":"h","mode":"practice","start":"2026-11-\#(day)T09:00:00.000Z","end":"2026-11-\#(day)T09:01:00.000Z","planned":63,"actual":60,"outcome":"completed","pauses":0,"skips":0,"extensions":0,"mape":8,"rating":84,"segments":[{"segment":0,"phase":"warm","role":"phase","title":"Warm","planned":10,"actual":10.8,"missed":false}],"support":"\#(support)"}"#
        }
        try ([practice(20, support: "prompts"), practice(21, support: "blind"), practice(22, support: "blind"), practice(23, support: "blind")]
            .joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let blind = try BinaryRunner.run(["stats", "--history", path])
        #expect(blind.lines.first == "trainee-drill: 4 practices, best rating 84/100, level B (the last 3 within 10 %, blind)", "\(blind.stdout)")
        try ([practice(20, support: "blind"), practice(21, support: "chimes"), practice(22, support: "blind"), practice(23, support: "prompts")]
            .joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let prompted = try BinaryRunner.run(["stats", "--history", path])
        #expect(prompted.lines.first == "trainee-drill: 4 practices, best rating 84/100, level B (the last 3 within 10 %)", "\(prompted.stdout)")
    }

    /// A long history's summary is kept in the cache folder: the next `stats` and `report` read only
    /// what was written since, and say what a whole reading says.
    @Test func aLongHistorysSummaryIsKeptAndBroughtUpToDate() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        let cache = folder.appendingPathComponent("cache").path
        func practice(_ index: Int, actual: Double) -> String {
            #"{"protocol":"trainee-drill","hash":"h","mode":"practice","start":"2026-11-\#(10 + index % 18)T09:00:00.000Z","end":"2026-11-\#(10 + index % 18)T09:01:00.000Z","planned":63,"actual":60,"outcome":"completed","pauses":0,"skips":0,"extensions":0,"mape":20,"rating":60,"segments":[{"segment":0,"phase":"warm","role":"phase","title":"Warm","planned":10,"actual":\#(actual),"missed":false}]}"#
        }
        try ((0..<1_200).map { practice($0, actual: 12) }.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let environment = ["XDG_CACHE_HOME": cache]
        let first = try BinaryRunner.run(["stats", "--history", path], environment: environment)
        #expect(first.status == 0 && first.lines.first?.hasPrefix("trainee-drill: 1200 practices") == true, "\(first.stdout)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: cache + "/touchtime")
        #expect(kept.count == 1 && kept[0].hasSuffix(".summary"), "\(kept)")
        let mode = try FileManager.default.attributesOfItem(atPath: cache + "/touchtime/" + kept[0])[.posixPermissions] as? Int
        #expect(mode == 0o600, "a clinic's records: private to their owner")
        #expect(try BinaryRunner.run(["stats", "--history", path], environment: environment).stdout == first.stdout)
        // Ten practices more, right on time: the next reading counts them.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(((0..<10).map { practice($0, actual: 10) }.joined(separator: "\n") + "\n").utf8))
        try handle.close()
        let after = try BinaryRunner.run(["stats", "--history", path], environment: environment)
        #expect(after.lines.first?.hasPrefix("trainee-drill: 1210 practices") == true, "\(after.stdout)")
        #expect(after.stdout == (try BinaryRunner.run(["stats", "--history", path], environment: ["XDG_CACHE_HOME": cache + "-none"])).stdout,
                "as a whole reading")
        let page = folder.appendingPathComponent("progress.html").path
        let report = try BinaryRunner.run(["report", "--history", path, "--out", page], environment: environment)
        #expect(report.stdout.hasPrefix("wrote \(page): 1210 practices of trainee-drill"), "\(report.stdout)")
    }

    /// `touchtime report` writes one page with the three charts and the sign-off; without a
    /// practice, or without a place to write, one line and its exit code.
    @Test func reportWritesOnePageWithItsChartsAndSignOff() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        let page = folder.appendingPathComponent("progress.html").path
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        let none = try BinaryRunner.run(["report", "--history", path, "--out", page])
        #expect(none.status == 66 && none.stderr.hasPrefix("touchtime: no practice to report in "), "\(none.stderr)")
        func practice(_ day: Int, mape: Int) -> String {
            #"{"protocol":"trainee-drill","hash":"h","mode":"practice","start":"2026-11-\#(day)T09:00:00.000Z","end":"2026-11-\#(day)T09:01:00.000Z","planned":63,"actual":60,"outcome":"completed","pauses":0,"skips":0,"extensions":0,"mape":\#(mape),"rating":\#(100 - 2 * mape),"segments":[{"segment":0,"phase":"warm","role":"phase","title":"Warm <b>","planned":10,"actual":11,"missed":false}]}"#
        }
        try ([practice(20, mape: 12), practice(21, mape: 9), practice(22, mape: 8), practice(23, mape: 7)].joined(separator: "\n") + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let made = try BinaryRunner.run(["report", "--history", path, "--out", page])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout == "wrote \(page): 4 practices of trainee-drill; 3 practices in a row within band B (10 % mean absolute error), the last on 2026-11-23.\n")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("<svg id=\"rating\"") && html.contains("<svg id=\"heatmap\"") && html.contains("<svg id=\"calendar\""))
        #expect(html.components(separatedBy: "class=\"practice\"").count - 1 == 4)
        #expect(html.contains("Warm &lt;b&gt;") && !html.contains("Warm <b>"))
        let blocked = try BinaryRunner.run(["report", "--history", path, "--out", folder.appendingPathComponent("no/such/folder.html").path])
        #expect(blocked.status == 73 && blocked.stderr.contains("cannot write the report: no such file"), "\(blocked.stderr)")
    }

    /// Drill it (issue 24): `--focus` drills one segment five times after its neighbour, recorded as
    /// the original's, counted in stats; `--weakest` finds the segment stats say is furthest off.
    @Test func aSegmentIsDrilledAndCountsTowardItsFigures() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        let nothing = try BinaryRunner.run(["practice", "trainee-drill", "--weakest", "--plain", "--history", path])
        #expect(nothing.status == 66 && nothing.stderr.contains("nothing to drill in trainee-drill"), "\(nothing.stderr)")
        // At 10x: the left side 0.8 s, the stillness after it 0.4 s (held 0.6 s: 50 % long), five times.
        var presses: [Double] = []
        for round in 0..<5 {
            let start = 0.3 + 1.4 * Double(round)
            presses += [start + 0.8, start + 1.4]
        }
        let drilled = try BinaryRunner.runPressing(["practice", "trainee-drill", "--focus", "jawline: stillness", "--plain", "--lead-in", "0",
                                                    "--speed", "10", "--history", path], at: presses, key: " ")
        #expect(drilled.status == 0, "\(drilled.stderr)")
        #expect(drilled.stdout.contains("since your last") == false, "the first drill of it")
        let line = try #require(String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").last.map(String.init))
        #expect(line.contains(#""focus":{"segment":2,"phase":"jawline","role":"stillness-between-steps","step":0,"title":"Jawline: stillness"}"#), "\(line)")
        #expect(line.components(separatedBy: #""title":"Jawline: stillness","planned":4.000"#).count - 1 == 5, "\(line)")
        let stats = try BinaryRunner.run(["stats", "--history", path])
        #expect(stats.lines.contains("  drills of one segment: 1 (their presses count in the table below)"), "\(stats.stdout)")
        #expect(stats.lines.contains { $0.contains("Jawline: stillness") && $0.hasSuffix("1 practice") }, "\(stats.stdout)")
        let weakest = try BinaryRunner.runPressing(["practice", "trainee-drill", "--weakest", "--plain", "--lead-in", "0", "--speed", "10",
                                                    "--history", path], at: [], key: " ", then: "qq")
        #expect(weakest.stderr.hasPrefix("touchtime: drilling "), "\(weakest.stderr)")
    }

    /// `--support`: with less of it the practice names segments by number and gives no cue; the
    /// report after it, the history and the report's sign-off name them and say how much it had.
    @Test func supportFadesThePromptsAndIsRecorded() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        for day in 0..<3 {
            // A focus drill of the stillness, blind: both segments pressed on time (0.8 s and 0.4 s at 10x), five times.
            var presses: [Double] = []
            for round in 0..<5 { presses += [0.3 + 1.2 * Double(round) + 0.8, 0.3 + 1.2 * Double(round) + 1.2] }
            let drilled = try BinaryRunner.runPressing(["practice", "trainee-drill", "--focus", "jawline: stillness", "--support", "blind",
                                                        "--plain", "--lead-in", "0", "--speed", "10", "--history", path], at: presses, key: " ")
            #expect(drilled.status == 0, "\(drilled.stderr)")
            if day == 0 {
                #expect(drilled.stdout.contains("(blind: segments by number, no cues; no chimes)"), "\(drilled.stdout)")
                // The drill's first lines name what it drills (the trainee named it); nothing after them names a segment.
                let during = (drilled.stdout.components(separatedBy: "SEGMENT").first ?? "").split(separator: "\n").dropFirst(2).joined(separator: "\n")
                #expect(during.contains("Phase 1 (8s)") && during.contains("stillness (4s)"), "\(during)")
                for name in ["Jawline", "jawline", "Left", "Two slow sweeps"] { #expect(!during.contains(name), "\(name) shows: \(during)") }
                #expect(drilled.stdout.contains("Jawline: stillness  4s"), "the report after it names them: \(drilled.stdout)")
            }
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines.allSatisfy { $0.contains(#""support":"blind""#) && $0.contains(#""title":"Jawline: stillness""#) })
        let history = try BinaryRunner.run(["history", "--history", path])
        #expect(history.lines.filter { $0.contains("practice x10 blind") }.count == 3, "\(history.stdout)")
        let page = folder.appendingPathComponent("progress.html").path
        let report = try BinaryRunner.run(["report", "--history", path, "--out", page])
        #expect(report.status == 0 && report.stdout.contains("3 blind practices in a row within band"), "\(report.stdout)\(report.stderr)")
        let refused = try BinaryRunner.run(["practice", "--support", "blind", "--chimes", "--history", path])
        #expect(refused.status == 64 && refused.stderr.contains("--support blind plays no chimes"), "\(refused.stderr)")
        let typo = try BinaryRunner.run(["practice", "--support", "blnd", "--history", path])
        #expect(typo.status == 64 && typo.stderr.contains("did you mean 'blind'?"), "\(typo.stderr)")
        // The same drill with prompts is compared with the blind one, and says so.
        var presses: [Double] = []
        for round in 0..<5 { presses += [0.3 + 1.2 * Double(round) + 0.8, 0.3 + 1.2 * Double(round) + 1.2] }
        let prompted = try BinaryRunner.runPressing(["practice", "trainee-drill", "--focus", "jawline: stillness", "--plain", "--lead-in", "0",
                                                     "--speed", "10", "--history", path], at: presses, key: " ")
        #expect(prompted.lines.contains { $0.hasPrefix("since your last drill of it (blind): ") }, "\(prompted.stdout)\(prompted.stderr)")
        // The protocol's content hash is the protocol's, however much the practice showed of it.
        let hashes = Set(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.components(separatedBy: #""hash":""#)[1].prefix(16) })
        #expect(hashes.count == 1, "\(hashes)")
    }

    @Test func statsMatchSegmentsByWhatTheyAreNotWhereTheyStood() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        // Two practices: the first reached warm and the jawline's left side; the second's only row is the
        // left side (as an older touchtime's `p` could leave). By position it would count as warm.
        func row(_ index: Int, _ phase: String, _ role: String, _ step: String, _ title: String, _ planned: Int, _ actual: Double) -> String {
            #"{"segment":\#(index),"phase":"\#(phase)","role":"\#(role)",\#(step)"title":"\#(title)","planned":\#(planned),"actual":\#(actual),"missed":false}"#
        }
        let head = #""protocol":"trainee-drill","hash":"h","mode":"practice","end":"2026-11-21T09:01:00.000Z","planned":63,"actual":60,"speed":1,"outcome":"quit","pauses":0,"skips":0,"extensions":0"#
        let lines = [
            "{\(head),\"start\":\"2026-11-20T09:00:00.000Z\",\"mape\":10,\"rating\":80,\"segments\":[\(row(0, "warm", "phase", "", "Warm", 10, 11)),\(row(1, "jawline", "step", #""step":0,"#, "Jawline: Left", 8, 8.8))]}",
            "{\(head),\"start\":\"2026-11-21T09:00:00.000Z\",\"mape\":50,\"rating\":0,\"segments\":[\(row(1, "jawline", "step", #""step":0,"#, "Jawline: Left", 8, 12))]}",
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let csv = try BinaryRunner.run(["stats", "--history", path, "--csv"])
        #expect(csv.stderr.isEmpty, "\(csv.stderr)")
        #expect(csv.lines == ["protocol,segment,title,mean_abs_error_percent,practices,grade,bias_percent,bias_seconds,spread_percent",
                              "trainee-drill,1,Warm,10.0,1,B,10.0,1.0,0.0", "trainee-drill,2,Jawline: Left,30.0,2,D,30.0,2.4,20.0"])
    }
}

@Suite struct StrokeDrillEndToEndTests {
    @Test func tapsAtTheTargetCadenceReadAsTheTarget() throws {
        // 4 s strokes at 10x: a tap every 0.4 s through the left side (6 s at 10x).
        let pressed = try BinaryRunner.runPressing(
            ["practice", "--strokes", "--plain", "--lead-in", "0", "--speed", "10", "--no-history"],
            at: (0..<8).map { 0.5 + 0.4 * Double($0) })
        #expect(pressed.status == 0)
        let row = try #require(pressed.stdout.split(separator: "\n").first { $0.hasPrefix("Jawline: Left side") })
        let columns = row.split(separator: " ", omittingEmptySubsequences: true)
        #expect(columns.contains("8"), "eight taps: \(row)")
        let error = try #require(Double(columns[columns.count - 2]))
        #expect(abs(error) < 10, "within 10 % of the 4 s target: \(row)")
    }

    /// The drill is scored, and compared with the last drill of the same protocol.
    @Test func aDrillIsScoredAndComparedWithTheLastOne() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("history.jsonl").path
        // 5 s strokes against 4 s (25 % slow), then 4 s: at 10x, a tap every 0.5 s, then every 0.4 s;
        // each drill quit after its taps (a quit drill is scored and recorded as far as it went).
        let slow = try BinaryRunner.runPressing(["practice", "--strokes", "--plain", "--lead-in", "0", "--speed", "10", "--history", path],
                                                at: (0..<7).map { 0.5 + 0.5 * Double($0) }, then: "qq")
        #expect(slow.status == 0, "\(slow.stderr)")
        let first = try #require(slow.lines.first { $0.hasPrefix("score: ") }, "\(slow.stdout)")
        let off = try #require(Double(first.dropFirst("score: ".count).prefix { $0 != " " }), "\(first)")
        #expect(abs(off - 25) < 8, "about 25 % off: \(first)")
        #expect(first.contains("% off the cadence, strokes even within ±") && first.contains("rating "), "\(first)")
        #expect(!slow.stdout.contains("since your last drill"), "the first drill")
        let even = try BinaryRunner.runPressing(["practice", "--strokes", "--plain", "--lead-in", "0", "--speed", "10", "--history", path],
                                                at: (0..<8).map { 0.5 + 0.4 * Double($0) }, then: "qq")
        let since = try #require(even.lines.first { $0.hasPrefix("since your last drill: ") }, "\(even.stdout)")
        #expect(since.contains("% off (better by ") && since.hasSuffix(" points)"), "\(since)")
        let none = try BinaryRunner.runPressing(["practice", "--strokes", "--plain", "--lead-in", "0", "--speed", "10", "--no-history"], at: [], then: "qq")
        #expect(none.stdout.contains("No paced segment had two taps: nothing to score"), "\(none.stdout)")
    }
}

@Suite struct PracticeChimesEndToEndTests {
    @Test func withChimesEachPressSoundsTheNextSegmentsStart() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let capture = folder.appendingPathComponent("practice.wav").path
        let events = folder.appendingPathComponent("events.jsonl").path
        // Presses 0.3 s after the start (into the jawline) and 0.7 s later (into the stillness between
        // its steps, 1.2 s long at 10x), then q 0.5 s later: a quit fades out what still rings.
        let input = Pipe()
        let pressed = try BinaryRunner.run(
            ["practice", "trainee-drill", "--plain", "--lead-in", "0", "--speed", "10", "--no-history",
             "--chimes", "--device", "file:'\(capture)',wav", "--events", events], input: input, whileRunning: { _ in
                let deadline = Date().addingTimeInterval(20)
                while Date() < deadline, !((try? String(contentsOfFile: events, encoding: .utf8)) ?? "").contains("session-start") {
                    usleep(5_000)
                }
                for (pause, key) in [(0.3, "\n"), (0.7, "\n"), (0.5, "qy")] {
                    Thread.sleep(forTimeInterval: pause)
                    try? input.fileHandleForWriting.write(contentsOf: Data(key.utf8))
                }
                try? input.fileHandleForWriting.close()
            })
        #expect(pressed.status == 0)
        let chimes = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n").filter { $0.contains(#""event":"chime""#) }
        #expect(chimes.map { $0.contains(#""kind":"stillness""#) ? "stillness" : "transition" } == ["transition", "transition", "stillness"],
                "each chime is an event")
        let templates = try ["transition", "transition", "stillness"].map { kind -> [Float] in
            let path = folder.appendingPathComponent("\(kind).wav").path
            #expect(try BinaryRunner.run(["chime", kind, "--out", path]).status == 0)
            return ChimeOnsets.floats(try WAVFile.read(path).samples)
        }
        let recording = ChimeOnsets.floats(try WAVFile.read(capture).samples)
        let found = ChimeOnsets.find(templates, in: recording)
        #expect(found.allFound)
        let onsets = found.onsets.compactMap { $0 }
        // Up to the quit, the recording is these chimes and nothing else; then what rings fades out.
        let beforeQuit = Array(recording.prefix((onsets.last ?? 0) + 48_000 * 3 / 10))
        #expect(ChimeOnsets.find(templates, in: beforeQuit).residualPeak <= 4.0 / 32767, "the start, one chime per press, and nothing else")
        let fadedOut = recording.suffix(from: min(recording.count, (onsets.last ?? 0) + 2 * 48_000))
        #expect(fadedOut.allSatisfy { $0 == 0 }, "what rang at the quit faded out")
        // Each press's chime sounds where the session says the press fell (the test's own sleeps are not the
        // measure: on a loaded machine they wake late, and the session records when the press arrived).
        let elapsed = chimes.compactMap { line -> Double? in
            guard let range = line.range(of: #""elapsed":"#) else { return nil }
            return Double(line[range.upperBound...].prefix { "0123456789.".contains($0) })
        }
        #expect(onsets.count == 3 && elapsed.count == 3)
        if onsets.count == 3, elapsed.count == 3 {
            for index in 1..<3 {
                // The start's chime is placed ahead on the stream; a press's chime can only go after what is
                // already queued (the 60 ms lead and at most a 160 ms period), so it sounds within 0.22 s of
                // the press (0.25 s allowed), never before.
                let heard = Double(onsets[index] - onsets[0]) / 48_000
                let late = heard - (elapsed[index] - elapsed[0])
                #expect(late >= 0 && late < 0.25, "chime \(index) sounds \(late) s after its press")
            }
            #expect(elapsed[2] - elapsed[1] > 0.5, "the presses were apart")
        }
    }

    @Test func aDeviceThatCannotPlayIsNamedWithItsReason() throws {
        let pressed = try BinaryRunner.runPressing(
            ["practice", "trainee-drill", "--plain", "--lead-in", "0", "--speed", "50", "--no-history", "--chimes", "--device", "hw:7,7"],
            at: [0.3], then: "qy")
        #expect(pressed.status == 0)
        #expect(pressed.stderr.split(separator: "\n").count == 1, "\(pressed.stderr)")
        // The reason from ALSA, in its own words, not only that it failed.
        #expect(pressed.stderr.hasPrefix("touchtime: ALSA 'hw:7,7' names no card that is there (") && pressed.stderr.contains("(snd_pcm_open)"))
        #expect(pressed.stderr.hasSuffix("; the session goes on without chimes\n"))
    }
}
