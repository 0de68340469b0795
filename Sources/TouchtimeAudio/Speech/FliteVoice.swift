import CFlite
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// flite's built-in English voice (`cmu_us_slt`, BSD-style licence), linked into the binary:
/// about 30 ms a sentence here, 16-bit samples at 16 kHz. flite keeps global state and is not
/// thread-safe, so every call goes through one lock.
final class FliteVoice: Sendable {
    static let shared = FliteVoice()

    private struct Handle: @unchecked Sendable {
        var voice: UnsafeMutablePointer<cst_voice>?
    }

    private let handle: Mutex<Handle>
    nonisolated(unsafe) private static let durationStretch = UnsafeRawPointer(("duration_stretch" as StaticString).utf8Start)
        .assumingMemoryBound(to: CChar.self)

    private init() {
        flite_init()
        handle = Mutex(Handle(voice: register_cmu_us_slt(nil)))
    }

    /// `text` spoken at `rate` (1 is flite's own pace; 2 twice as fast): samples and their rate.
    func speak(_ text: String, rate: Double) throws(SpeechError) -> (samples: [Float], sampleRate: Int) {
        let result: (samples: [Float], sampleRate: Int)? = handle.withLock { handle in
            guard let voice = handle.voice else { return nil }
            // flite stretches durations: a faster rate is a shorter stretch. flite keeps the name's
            // pointer, not a copy: it must outlive the voice (a static string does).
            feat_set_float(voice.pointee.features, Self.durationStretch, Float(1 / rate))
            // flite's voice draws noise from rand(): seeded alike before each utterance, the same
            // text is the same samples, in any process (as `say --out` and a session must be).
            srand(1)
            guard let wave = flite_text_to_wave(text, voice) else { return nil }
            defer { delete_wave(wave) }
            let count = Int(wave.pointee.num_samples) * Int(max(wave.pointee.num_channels, 1))
            guard count > 0, let samples = wave.pointee.samples else { return ([], Int(wave.pointee.sample_rate)) }
            let floats = (0..<count).map { Float(samples[$0]) / 32768 }
            return (floats, Int(wave.pointee.sample_rate))
        }
        guard let result else { throw SpeechError("flite could not speak \"\(text)\"") }
        return result
    }
}
