import Foundation
import Testing
import TouchtimeAudio
import TouchtimeCore

/// A protocol's own sounds (`"sounds"`): the file is checked when the protocol loads, and played
/// as 48 kHz mono, through the same bank as the synthesised chimes.
@Suite struct OwnSoundTests {
    /// The bytes of a WAV file: `frames` of each channel from `sample(frame, channel)` in -1...1.
    static func wav(rate: Int, channels: Int, bits: Int, float: Bool = false, formatTag: Int? = nil, frames: Int,
                    sample: (Int, Int) -> Double) -> [UInt8] {
        var data: [UInt8] = []
        func put(_ value: UInt64, _ bytes: Int) { for index in 0..<bytes { data.append(UInt8(truncatingIfNeeded: value >> (8 * index))) } }
        for frame in 0..<frames {
            for channel in 0..<channels {
                let value = sample(frame, channel)
                switch (float, bits) {
                case (true, 32): put(UInt64(Float(value).bitPattern), 4)
                case (true, _): put(value.bitPattern, 8)
                case (false, 8): put(UInt64(Int((value * 127).rounded()) + 128), 1)
                default: put(UInt64(bitPattern: Int64((value * Double((1 << (bits - 1)) - 1)).rounded())), bits / 8)
                }
            }
        }
        var bytes: [UInt8] = []
        func u32(_ value: Int) { for index in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) } }
        func u16(_ value: Int) { for index in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) } }
        bytes += Array("RIFF".utf8); u32(36 + data.count); bytes += Array("WAVE".utf8)
        bytes += Array("fmt ".utf8); u32(16); u16(formatTag ?? (float ? 3 : 1)); u16(channels); u32(rate)
        u32(rate * channels * bits / 8); u16(channels * bits / 8); u16(bits)
        bytes += Array("data".utf8); u32(data.count)
        return bytes + data
    }

    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchtime-own-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A 1 kHz tone at half scale, 0.5 s.
    static func tone(_ frame: Int, rate: Int) -> Double { 0.5 * sin(2 * Double.pi * 1000 * Double(frame) / Double(rate)) }

    static func zeroCrossings(_ samples: [Int16]) -> Int {
        zip(samples, samples.dropFirst()).filter { ($0 < 0) != ($1 < 0) }.count
    }

    @Test(arguments: [(44_100, 2, 24, false), (22_050, 1, 8, false), (96_000, 2, 32, true), (48_000, 1, 16, false), (16_000, 6, 32, false)])
    func everyPCMFormatPlaysAsTheSameToneAt48kHz(rate: Int, channels: Int, bits: Int, float: Bool) throws {
        let bytes = Self.wav(rate: rate, channels: channels, bits: bits, float: float, frames: rate / 2) { frame, _ in Self.tone(frame, rate: rate) }
        let path = try Self.write(bytes, name: "tone-\(rate)-\(channels)-\(bits)-\(float).wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(SoundFileCheck.problem(with: path) == nil)
        let samples = try #require(OwnSound.render(ChimeVoice(kind: .transition, volume: 100, sound: path)))
        #expect(abs(samples.count - 24_000) <= 2, "0.5 s at 48 kHz")
        // 1 kHz: 1,000 crossings in half a second, give or take the edges.
        #expect(abs(Self.zeroCrossings(samples) - 1000) <= 3)
        let peak = samples.map { abs(Int($0)) }.max() ?? 0
        #expect(abs(Double(peak) / 32767 - 0.5) < (bits == 8 ? 0.02 : 0.01), "mixed to mono at the recorded level")
        // Volume 50 is the synthesised chimes' taper: a quarter of the amplitude.
        let half = try #require(OwnSound.render(ChimeVoice(kind: .transition, volume: 50, sound: path)))
        #expect(abs(Double(half.map { abs(Int($0)) }.max() ?? 0) / Double(peak) - 0.25) < 0.01)
    }

    @Test func stereoIsMixedToMonoNotTakenFromOneChannel() throws {
        let bytes = Self.wav(rate: 48_000, channels: 2, bits: 16, frames: 4800) { frame, channel in channel == 0 ? Self.tone(frame, rate: 48_000) : 0 }
        let path = try Self.write(bytes, name: "left-only.wav")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let samples = try #require(OwnSound.render(ChimeVoice(kind: .transition, sound: path)))
        #expect(abs(Double(samples.map { abs(Int($0)) }.max() ?? 0) / 32767 - 0.25) < 0.01)
    }

    @Test func whatCannotBePlayedIsSaidInOneLine() throws {
        let tone = { (frame: Int, _: Int) in Self.tone(frame, rate: 8000) }
        let cases: [(String, [UInt8], String)] = [
            ("mp3.wav", Self.wav(rate: 44_100, channels: 1, bits: 16, formatTag: 0x55, frames: 100, sample: tone),
             "is compressed (WAV format 0x0055); expected PCM: convert it, e.g. `sox in.wav -b 16 out.wav`"),
            ("long.wav", Self.wav(rate: 8000, channels: 1, bits: 8, frames: 8000 * 31, sample: tone),
             "lasts 31.0 s (248,000 frames at 8000 Hz); a sound may last at most 30 s"),
            // Just over: said so, not rounded to the limit ("30.0 s; at most 30 s").
            ("just-over.wav", Self.wav(rate: 8000, channels: 1, bits: 8, frames: 8000 * 30 + 160, sample: tone),
             "lasts 30.02 s (240,160 frames at 8000 Hz); a sound may last at most 30 s"),
            ("twelve.wav", Self.wav(rate: 8000, channels: 1, bits: 16, frames: 10, sample: tone).enumerated().map { $0.offset == 34 ? 12 : $0.element },
             "has 12-bit integer samples; expected 8, 16, 24 or 32-bit (or 32 or 64-bit float)"),
            // A 16-bit float was told "16-bit samples; expected 8, 16, ...".
            ("half-float.wav", Self.wav(rate: 8000, channels: 1, bits: 16, formatTag: 3, frames: 10, sample: tone),
             "has 16-bit float samples; expected 32 or 64-bit float (or 8, 16, 24 or 32-bit integer)"),
            // No format chunk at all was "data comes before its format".
            ("no-format.wav", Array("RIFF".utf8) + [20, 0, 0, 0] + Array("WAVEdata".utf8) + [4, 0, 0, 0, 1, 2, 3, 4],
             "is not a WAV file: it has no format chunk before its data"),
            ("slow.wav", Self.wav(rate: 4000, channels: 1, bits: 16, frames: 10, sample: tone), "has a sample rate of 4000 Hz; expected 8000 to 192000"),
            ("empty.wav", Self.wav(rate: 8000, channels: 1, bits: 16, frames: 0, sample: tone), "holds no sound (its data is empty)"),
            ("text.wav", Array("ID3\u{3}hello".utf8), "is not a WAV file: it has no RIFF/WAVE header"),
        ]
        for (name, bytes, expected) in cases {
            let path = try Self.write(bytes, name: name)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(SoundFileCheck.problem(with: path) == expected, "\(name)")
        }
        let big = try Self.write([], name: "big.wav")
        defer { try? FileManager.default.removeItem(atPath: big) }
        #expect(truncate(big, 11 * 1024 * 1024) == 0)
        #expect(SoundFileCheck.problem(with: big) == "is 11,534,336 bytes; a sound may be at most 10 MB (10,485,760 bytes)")
        // Just over 10 MB was "10.0 MB; at most 10 MB".
        #expect(truncate(big, 10 * 1024 * 1024 + 1) == 0)
        #expect(SoundFileCheck.problem(with: big) == "is 10,485,761 bytes; a sound may be at most 10 MB (10,485,760 bytes)")
        #expect(SoundFileCheck.problem(with: "/nonexistent/bell.wav") == "cannot be read: no such file (/nonexistent/bell.wav)")
        #expect(SoundFileCheck.problem(with: "/tmp") == "is a directory, expected a WAV file")
    }

    /// The protocol names the file relative to itself; the bank plays it, and the synthesised kind if it has gone.
    @Test func aProtocolsOwnBellIsWhatTheBankPlays() throws {
        let bell = try Self.write(Self.wav(rate: 44_100, channels: 1, bits: 16, frames: 22_050) { frame, _ in Self.tone(frame, rate: 44_100) },
                                  name: "tingsha.wav")
        let folder = (bell as NSString).deletingLastPathComponent
        let protocolPath = folder + "/ritual.json"
        try Data(#"""
            {"format": "touchtime/1.1", "id": "ritual", "title": "R", "sounds": {"transition": "tingsha.wav"},
             "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}
            """#.utf8).write(to: URL(fileURLWithPath: protocolPath))
        defer { try? FileManager.default.removeItem(atPath: protocolPath) }
        let treatment = try ProtocolLoader.load(contentsOf: protocolPath)
        #expect(treatment.sounds[.transition] == bell)
        let voice = try #require(ChimePlan(timeline: Timeline(treatment)).plannedCues.first?.voice)
        let bank = ChimeBank()
        #expect(bank.samples(for: voice) == OwnSound.render(voice))
        #expect(bank.samples(for: voice).count == 24_000)
        try FileManager.default.removeItem(atPath: bell)
        #expect(ChimeBank().samples(for: voice) == ChimeSynthesizer.render(ChimeVoice(kind: .transition)),
                "a file gone since loading: the synthesised bell, never silence or a crash")
        // Loading again says what is wrong, where.
        #expect(throws: ProtocolLoadError.self) { try ProtocolLoader.load(contentsOf: protocolPath) }
        do {
            _ = try ProtocolLoader.load(contentsOf: protocolPath)
        } catch {
            #expect(error.lines == ["\(protocolPath):1:84: sounds.transition: \"tingsha.wav\" cannot be read: no such file (\(bell))"])
        }
    }
}
