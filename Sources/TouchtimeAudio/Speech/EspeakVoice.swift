import TouchtimeCore
import TouchtimeProcess
import TouchtimeSystem

#if canImport(Glibc)
import Glibc
#endif

/// Voices for other languages: the `espeak-ng` command, run as a subprocess when it is installed
/// (`espeak-ng --stdout -v LANGUAGE --stdin`), so that no GPL library is linked into touchtime.
///
/// The text goes to its standard input, never its command line: a protocol's words are not
/// options (`--phonout=FILE` would empty a file, `-f FILE` read one aloud).
enum EspeakVoice {
    static let path = "/usr/bin/espeak-ng"
    /// The longest espeak-ng may take for one utterance (it needs tens of milliseconds; a busy machine more).
    static let timeout: Duration = .seconds(30)
    /// The most audio it may return for one utterance: 10 minutes at 22,050 Hz, 16-bit.
    static let outputLimit = 600 * 22_050 * 2 + 44

    static var isInstalled: Bool { access(path, X_OK) == 0 }

    /// `text` in `language` at `rate` (1 is espeak-ng's 175 words a minute).
    static func speak(_ text: String, language: String, rate: Double) async throws(SpeechError) -> (samples: [Float], sampleRate: Int) {
        guard isInstalled else {
            throw SpeechError("speech in '\(language)' needs espeak-ng, which is not installed (Debian: apt install espeak-ng)")
        }
        let words = Int((175 * rate).rounded())
        let outcome = await Command.run(path, ["--stdout", "-v", language, "-s", "\(words)", "--stdin"],
                                        input: Array(text.utf8), outputLimit: outputLimit, timeout: timeout)
        if outcome.timedOut { throw SpeechError("espeak-ng did not finish within \(Int(timeout.seconds)) s") }
        let bytes = outcome.output
        // A WAV of unknown length (espeak-ng streams it): 16-bit mono, the rate in the header, data after 44 bytes.
        guard bytes.count > 44, bytes.starts(with: Array("RIFF".utf8)) else {
            throw SpeechError("espeak-ng gave no speech for '\(language)' (is the language installed? espeak-ng --voices)")
        }
        let rate = Int(bytes[24]) | Int(bytes[25]) << 8 | Int(bytes[26]) << 16 | Int(bytes[27]) << 24
        guard (8_000...192_000).contains(rate) else { throw SpeechError("espeak-ng gave a WAV at \(rate) Hz") }
        var samples: [Float] = []
        samples.reserveCapacity((bytes.count - 44) / 2)
        var index = 44
        while index + 1 < bytes.count {
            samples.append(Float(Int16(bitPattern: UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)) / 32768)
            index += 2
        }
        return (samples, rate)
    }
}
