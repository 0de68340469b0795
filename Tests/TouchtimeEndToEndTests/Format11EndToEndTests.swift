import Foundation
import Testing
import TouchtimeAudio
import TouchtimeTestSupport

/// Issue 12's protocol through the built binary: a warm-up that waits for a press, a jawline
/// repeated three times with stillness between and a halfway mark, and the clinic's own WAV bell.
/// It validates, shows, runs (plain and full screen), renders and practises.
@Suite(.serialized) struct Format11EndToEndTests {
    static let protocolText = """
        {
          "format": "touchtime/1.1",
          "id": "clinic-ritual",
          "title": "Clinic ritual",
          "sounds": { "transition": "tingsha.wav" },
          "phases": [
            { "id": "warm", "title": "Warm the serum", "cue": "Warm the serum; press when ready.", "until": "press" },
            { "id": "jawline", "title": "Jawline", "cue": "Slow strokes outward.", "duration": "20s",
              "repeat": 3, "stillnessBetweenRepeats": "5s", "marks": ["half"] },
            { "id": "centering", "title": "Centering", "cue": "Rest your hands.", "duration": "10s" }
          ]
        }
        """

    /// The bell: 0.4 s of 1.5 kHz at 44.1 kHz stereo (so it is resampled and mixed to mono).
    static let bellRate = 44_100
    static func bellSamples() -> [Int16] {
        (0..<Int(Double(bellRate) * 0.4)).flatMap { frame -> [Int16] in
            let envelope = 1 - Double(frame) / (Double(bellRate) * 0.4)
            let value = Int16((0.6 * envelope * sin(2 * Double.pi * 1500 * Double(frame) / Double(bellRate)) * 32767).rounded())
            return [value, value]
        }
    }

    /// A folder with the protocol and its bell; removed by the caller.
    static func clinic() throws -> URL {
        let folder = try BinaryRunner.temporaryFolder()
        try protocolText.write(to: folder.appendingPathComponent("clinic-ritual.json"), atomically: true, encoding: .utf8)
        var bytes = WAVFile.encode(bellSamples(), sampleRate: bellRate)
        // encode writes mono: make the header say stereo at the same rate (2 channels, 4 bytes a frame).
        bytes[22] = 2; bytes[28...31] = [0x10, 0xB1, 0x02, 0x00]; bytes[32] = 4
        try Data(bytes).write(to: folder.appendingPathComponent("tingsha.wav"))
        return folder
    }

    /// The strength of `frequency` in `samples` (48 kHz) over a window, by correlation.
    static func level(of frequency: Double, in samples: [Float], from start: Int, count: Int) -> Double {
        var real = 0.0, imaginary = 0.0
        for index in max(start, 0)..<min(start + count, samples.count) {
            let phase = 2 * Double.pi * frequency * Double(index) / 48_000
            real += Double(samples[index]) * cos(phase)
            imaginary += Double(samples[index]) * sin(phase)
        }
        return 2 * (real * real + imaginary * imaginary).squareRoot() / Double(count)
    }

    @Test func itValidatesAndShows() throws {
        let folder = try Self.clinic()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("clinic-ritual.json").path
        let validate = try BinaryRunner.run(["validate", path])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("ok"))
        let show = try BinaryRunner.run(["show", path])
        #expect(show.status == 0)
        #expect(show.stdout.contains("1:20 + 1 wait"))
        #expect(show.stdout.contains("2 jawline: Jawline (round 3/3)"))
        #expect(show.stdout.contains("marks: half at 10s"))
        #expect(show.stdout.contains("waits for a press"))
        #expect(show.stdout.contains("own sounds: transition"))
        #expect(show.stdout.contains("\(folder.lastPathComponent)/tingsha.wav"))
    }

    @Test func aBrokenBellIsALocatedError() throws {
        let folder = try Self.clinic()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("not a wav".utf8).write(to: folder.appendingPathComponent("tingsha.wav"))
        let path = folder.appendingPathComponent("clinic-ritual.json").path
        let validate = try BinaryRunner.run(["validate", path])
        #expect(validate.status == 65)
        #expect(validate.stdout == "\(path):5:29: sounds.transition: \"tingsha.wav\" is not a WAV file: it has no RIFF/WAVE header\n")
    }

    /// Plain: the wait holds until a key comes down the pipe; rounds and the mark are told; the
    /// bell through ALSA's file plugin is the clinic's own, at each round's start.
    @Test func itRunsPlainWithTheClinicsBell() throws {
        let folder = try Self.clinic()
        defer { try? FileManager.default.removeItem(at: folder) }
        let capture = folder.appendingPathComponent("session.wav").path
        let result = try BinaryRunner.shell(
            "(sleep 2.5; printf n; sleep 9) | \"$TOUCHTIME\" run \(folder.path)/clinic-ritual.json --plain --lead-in 0 --speed 10 "
                + "--no-history --device \"file:'\(capture)',wav\"", timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.lines
        func at(_ fragment: String) -> Double? {
            lines.first { $0.contains(fragment) }.flatMap { line in
                let clock = line.prefix(9).split(separator: ":")
                return clock.count == 2 ? Double(clock[0]).map { $0 * 60 + (Double(clock[1]) ?? 0) } : nil
            }
        }
        #expect(lines.contains { $0.contains("phase-start     warm") && $0.contains("(until press)") })
        let continued = try #require(at("continued"))
        #expect(continued >= 1.0, "nothing moved on before the press")
        for round in 1...3 { #expect(lines.contains { $0.contains("jawline round \(round)/3") }) }
        #expect(lines.filter { $0.contains("mark") && $0.contains("half") }.count == 3)
        #expect(lines.last?.hasSuffix("complete") == true)
        // 80 s of plan at 10x after the press.
        let end = try #require(at("session-end"))
        #expect(abs(end - continued - 8) < 0.3)

        // The clinic's bell (1.5 kHz, 0.4 s) rings at the wait's start, then at each round's start,
        // each halfway mark and centering's start. A press is heard a device's lead after it is made; the boundaries
        // after it are planned ahead, so they fall exactly on the plan (2.5 s a round at 10x).
        let recording = ChimeOnsets.floats(try WAVFile.read(capture).samples)
        // The 1.5 kHz level over every 50 ms window, from running sums (a window every 1 ms).
        var real = [0.0], imaginary = [0.0]
        for (index, sample) in recording.enumerated() {
            let phase = 2 * Double.pi * 1500 * Double(index) / 48_000
            real.append(real[index] + Double(sample) * cos(phase))
            imaginary.append(imaginary[index] + Double(sample) * sin(phase))
        }
        let window = 2400
        var onsets: [Int] = []
        var quiet = true
        for start in stride(from: 0, to: recording.count - window, by: 48) {
            let re = real[start + window] - real[start], im = imaginary[start + window] - imaginary[start]
            let level = 2 * (re * re + im * im).squareRoot() / Double(window)
            if quiet, level > 0.1 {
                onsets.append(start)
                quiet = false
            } else if !quiet, level < 0.02 {
                quiet = true
            }
        }
        #expect(onsets.count == 8, "the wait, three rounds, three marks and centering: \(onsets)")
        guard onsets.count == 8 else { return }
        #expect(Double(onsets[1] - onsets[0]) / 48_000 > 1.0, "no bell while the wait lasts")
        // From the first mark on, every bell was planned ahead: each on the plan to the millisecond
        // (times after the press: mark 1.0, round 2 2.5, mark 3.5, round 3 5.0, mark 6.0, centering 7.0).
        let planned = [1.0, 2.5, 3.5, 5.0, 6.0, 7.0]
        for (index, offset) in planned.enumerated() {
            #expect(abs(Double(onsets[index + 2] - onsets[2]) / 48_000 - (offset - 1.0)) < 0.003, "bell \(index + 3) on the plan")
        }
        // The press itself is heard as soon as the device allows: at most its lead late.
        let pressHeard = Double(onsets[2] - onsets[1]) / 48_000
        #expect(pressHeard > 0.5 && pressHeard <= 1.0, "round 1's bell, a device lead at most before its mark")
    }

    @Test func itRunsFullScreenShowingTheWaitAndTheRounds() throws {
        let folder = try Self.clinic()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tmux = try Tmux()
        defer { tmux.close() }
        tmux.type("\(BinaryRunner.executable.path) run \(folder.path)/clinic-ritual.json --lead-in 0 --no-sound --no-history --speed 5 --exit-at-end; echo EXIT=$?")
        #expect(tmux.waitFor { $0.contains { $0.contains("WAITING") } })
        #expect(tmux.screen.contains { $0.contains("waiting: press space or n when ready") })
        Thread.sleep(forTimeInterval: 1.2)
        #expect(tmux.screen.contains { $0.contains("WAITING") }, "still waiting: nothing moves on by itself")
        tmux.press("Space")
        #expect(tmux.waitFor { $0.contains { $0.contains("Jawline · round 1/3") } })
        #expect(tmux.waitFor(15) { $0.contains { $0.contains("Jawline · round 2/3") } })
        #expect(tmux.waitFor(30) { $0.contains { $0.contains("EXIT=0") } })
    }

    /// A recording cannot wait: each wait lasts --wait, and the clinic's bell is in the file.
    @Test func itRenders() throws {
        let folder = try Self.clinic()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("guide.wav").path
        let result = try BinaryRunner.run(["render", folder.appendingPathComponent("clinic-ritual.json").path, "--out", out, "--wait", "4s"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1 wait of 4s each"))
        let samples = ChimeOnsets.floats(try WAVFile.read(out).samples)
        // The jawline starts after the 4 s wait: the clinic's bell is there, 0.4 s long.
        #expect(Self.level(of: 1500, in: samples, from: 4 * 48_000, count: 9_600) > 0.2)
        #expect(Self.level(of: 1500, in: samples, from: 0, count: 9_600) > 0.2, "the wait's own start")
        // The halfway mark of round 1, at 14 s.
        #expect(Self.level(of: 1500, in: samples, from: 14 * 48_000, count: 9_600) > 0.2)
        let bad = try BinaryRunner.run(["render", folder.appendingPathComponent("clinic-ritual.json").path, "--out", out, "--wait", "forever"])
        #expect(bad.status == 64)
    }

    /// Practice: the wait is ended by a press and not scored; the rounds are.
    @Test func itPractises() throws {
        let folder = try Self.clinic()
        defer { try? FileManager.default.removeItem(at: folder) }
        let events = folder.appendingPathComponent("events.jsonl").path
        let pressed = try BinaryRunner.runPressing(
            ["practice", folder.appendingPathComponent("clinic-ritual.json").path, "--plain", "--lead-in", "0", "--speed", "20",
             "--no-history", "--events", events],
            at: [0.5, 1.5, 1.75, 3.0, 3.25, 4.5, 5.0])
        #expect(pressed.status == 0, "\(pressed.stderr)")
        let log = try String(contentsOfFile: events, encoding: .utf8)
        #expect(log.contains(#""event":"continued","phase":"warm""#))
        let presses = log.split(separator: "\n").filter { $0.contains(#""event":"press""#) }
        #expect(presses.count == 6, "three rounds, two stillnesses, centering: the wait is not among them")
        #expect(!presses.contains { $0.contains(#""phase":"warm""#) })
    }
}
