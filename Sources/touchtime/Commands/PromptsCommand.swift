import ArgumentParser
import TouchtimeAudio
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// The speech helper a session runs (`SpeechBank.renderApart`): renders each text as a session
/// plays it and writes the samples to standard output, so that flite is never loaded into the
/// session's own process. Not for people: hidden from the help.
struct PromptsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "_prompts", shouldDisplay: false)

    @Option var language = "en"
    @Option var rate: Double = 1
    @Option var volume: Int = 100
    @Argument var texts: [String] = []

    func run() throws {
        let result = Result { () throws(SpeechError) -> [[Int16]] in
            guard rate.isFinite, (0.5...2).contains(rate), (0...100).contains(volume) else {
                throw SpeechError("the speech helper was given a rate or volume out of range")
            }
            return try texts.map { (text: String) throws(SpeechError) -> [Int16] in
                try SpeechSynthesizer.render(text, language: language, rate: rate, volume: volume)
            }
        }
        let bytes = SpeechBank.encode(result)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw ExitCode(74) }
            written += count
        }
    }

    /// This executable's own path, to run it as the helper.
    static var executablePath: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }
}
