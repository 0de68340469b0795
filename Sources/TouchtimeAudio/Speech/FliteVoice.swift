import CFlite
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// flite's built-in English voice (`cmu_us_slt`, BSD-style licence): about 30 ms a sentence here,
/// 16-bit samples at 16 kHz. Its libraries are opened at the first use (`dlopen`), not linked:
/// a process that never speaks never maps them. flite keeps global state and is not
/// thread-safe, so every call goes through one lock.
final class FliteVoice: Sendable {
    /// The voice, or why it cannot be had (flite's libraries missing).
    static let shared: Result<FliteVoice, SpeechError> = Result { () throws(SpeechError) in try FliteVoice() }

    private typealias Initialise = @convention(c) () -> Int32
    private typealias Register = @convention(c) (UnsafePointer<CChar>?) -> UnsafeMutablePointer<cst_voice>?
    private typealias SetFloat = @convention(c) (UnsafeMutablePointer<cst_features>?, UnsafePointer<CChar>?, Float) -> Void
    private typealias TextToWave = @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<cst_voice>?) -> UnsafeMutablePointer<cst_wave>?
    private typealias DeleteWave = @convention(c) (UnsafeMutablePointer<cst_wave>?) -> Void

    private struct Handle: @unchecked Sendable {
        var voice: UnsafeMutablePointer<cst_voice>?
        let setFloat: SetFloat
        let textToWave: TextToWave
        let deleteWave: DeleteWave
    }

    /// The libraries, in the order their symbols need each other (Debian's libflite1).
    static let libraries = ["libflite.so.1", "libflite_cmulex.so.1", "libflite_usenglish.so.1", "libflite_cmu_us_slt.so.1"]

    private let handle: Mutex<Handle>
    nonisolated(unsafe) private static let durationStretch = UnsafeRawPointer(("duration_stretch" as StaticString).utf8Start)
        .assumingMemoryBound(to: CChar.self)

    private init() throws(SpeechError) {
        let opened: DynamicLibraries
        switch DynamicLibraries.open(Self.libraries) {
        case .success(let libraries): opened = libraries
        case .failure(let failure): throw SpeechError("flite cannot be loaded (\(failure.reason)); install it: apt install libflite1")
        }
        func symbol<T>(_ name: String, as type: T.Type) throws(SpeechError) -> T {
            guard let function = opened.symbol(name, as: type) else {
                throw SpeechError("flite has no \(name) (\(DynamicLibraries.lastError()))")
            }
            return function
        }
        let initialise = try symbol("flite_init", as: Initialise.self)
        let register = try symbol("register_cmu_us_slt", as: Register.self)
        _ = initialise()
        handle = Mutex(Handle(voice: register(nil), setFloat: try symbol("feat_set_float", as: SetFloat.self),
                              textToWave: try symbol("flite_text_to_wave", as: TextToWave.self),
                              deleteWave: try symbol("delete_wave", as: DeleteWave.self)))
    }

    /// `text` spoken at `rate` (1 is flite's own pace; 2 twice as fast): samples and their rate.
    func speak(_ text: String, rate: Double) throws(SpeechError) -> (samples: [Float], sampleRate: Int) {
        let result: (samples: [Float], sampleRate: Int)? = handle.withLock { handle in
            guard let voice = handle.voice else { return nil }
            // flite stretches durations: a faster rate is a shorter stretch. flite keeps the name's
            // pointer, not a copy: it must outlive the voice (a static string does).
            handle.setFloat(voice.pointee.features, Self.durationStretch, Float(1 / rate))
            // flite's voice draws noise from rand(): seeded alike before each utterance, the same
            // text is the same samples, in any process (as `say --out` and a session must be).
            srand(1)
            guard let wave = handle.textToWave(text, voice) else { return nil }
            defer { handle.deleteWave(wave) }
            let count = Int(wave.pointee.num_samples) * Int(max(wave.pointee.num_channels, 1))
            guard count > 0, let samples = wave.pointee.samples else { return ([], Int(wave.pointee.sample_rate)) }
            let floats = (0..<count).map { Float(samples[$0]) / 32768 }
            return (floats, Int(wave.pointee.sample_rate))
        }
        guard let result else { throw SpeechError("flite could not speak \"\(text)\"") }
        return result
    }
}
