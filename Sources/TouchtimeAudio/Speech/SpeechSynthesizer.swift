import TouchtimeCore
#if canImport(Glibc)
import Glibc
#endif

/// Spoken prompts as samples ready for the stream: rendered before the session, never on the
/// timing path. English is flite's built-in voice; another language goes to espeak-ng. Each
/// utterance is resampled to the stream's rate with libsoxr, its leading silence trimmed (so it
/// starts when placed), and its level set to sit with the chimes: a peak of -9 dBFS (the bell's
/// is -6) times the volume's audio taper. Kept as 16-bit samples, as they are played.
public enum SpeechSynthesizer {
    public static let sampleRate = ChimeSynthesizer.sampleRate
    /// The peak an utterance is set to at full volume, dBFS.
    public static let level = -9.0
    /// The longest an utterance may be; the rest is cut off with a short fade.
    public static let longest: Duration = .seconds(60)
    static var longestSamples: Int { Int(longest.seconds) * sampleRate }
    /// Below this, a sample is silence to trim (about -50 dBFS).
    static let silence: Float = 0.003

    /// Whether languages other than English can be spoken: espeak-ng is installed.
    public static var otherLanguagesAvailable: Bool { EspeakVoice.isInstalled }

    /// `text` spoken in `language` (a code such as `en`, `de`, `fr`) at `rate` and `volume` (0-100).
    public static func render(_ text: String, language: String = "en", rate: Double = 1,
                              volume: Int = 100) async throws(SpeechError) -> [Int16] {
        let spoken = language == "en" || language.hasPrefix("en-")
            ? try FliteVoice.shared.get().speak(text, rate: rate)
            : try await EspeakVoice.speak(text, language: language, rate: rate)
        guard let resampled = Resampler.resample(spoken.samples, from: spoken.sampleRate, to: sampleRate) else {
            throw SpeechError("libsoxr could not resample \"\(text)\"")
        }
        // Leading silence trimmed, a few milliseconds of breath kept so nothing starts with a click.
        let start = max(0, (resampled.firstIndex { abs($0) > silence } ?? resampled.count) - sampleRate / 200)
        let end = (resampled.lastIndex { abs($0) > silence } ?? start) + 1
        guard start < end else { return [] }
        // An utterance lasts at most `longest` (a 2,000-character cue read slowly would take minutes).
        var samples = Array(resampled[start..<min(end, start + longestSamples)])
        // A fade at each end: speech cut from a longer wave must not click (5 ms; 50 ms where it was cut short).
        let fade = min(samples.count / 2, sampleRate / 200)
        let cutFade = end - start > longestSamples ? sampleRate / 20 : fade
        for index in 0..<cutFade where index < samples.count {
            samples[samples.count - 1 - index] *= Float(index) / Float(cutFade)
        }
        for index in 0..<fade {
            let phase = Double.pi * Double(index + 1) / Double(fade + 1)
            let gain = Float(0.5 - 0.5 * cos(phase))
            samples[index] *= gain
            samples[samples.count - 1 - index] *= gain
        }
        let peak = samples.reduce(Float(0)) { max($0, abs($1)) }
        let target = Float(pow(10, level / 20) * ChimeSynthesizer.gain(volume: volume))
        let scale = peak > 0 ? target / peak : 0
        return samples.map { Int16(max(-32767, min(32767, ($0 * scale * 32767).rounded()))) }
    }
}
