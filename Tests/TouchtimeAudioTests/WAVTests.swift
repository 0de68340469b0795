import Foundation
import Testing
import TouchtimeAudio

@Suite struct WAVTests {
    @Test func roundTripsSamples() throws {
        let samples: [Int16] = [0, 1, -1, 32767, -32767, 1234, -4321]
        let audio = try WAVFile.decode(WAVFile.encode(samples, sampleRate: 48_000))
        #expect(audio == WAVFile.Audio(sampleRate: 48_000, channels: 1, samples: samples))
    }

    @Test func readsAFileWhoseWriterNeverClosedIt() throws {
        var bytes = WAVFile.encode([5, 6, 7], sampleRate: 48_000)
        // The header's sizes say 0, as ALSA's file plugin leaves them until snd_pcm_close.
        for offset in [4, 5, 6, 7, 40, 41, 42, 43] { bytes[offset] = 0 }
        #expect(try WAVFile.decode(bytes).samples == [5, 6, 7])
    }

    @Test func quantizesWithRoundingAndClamping() {
        #expect(WAVFile.quantize([0, 0.5, -0.5, 2, -2]) == [0, 16384, -16384, 32767, -32767])
    }

    @Test func refusesWhatIsNotAWAV() {
        #expect(throws: WAVFile.Failure.self) { try WAVFile.decode(Array("hello world, not a wav".utf8)) }
        #expect(throws: WAVFile.Failure.self) { try WAVFile.read("/nonexistent.wav") }
    }
}
