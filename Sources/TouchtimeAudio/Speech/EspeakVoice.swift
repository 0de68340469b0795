#if canImport(Glibc)
import Glibc
#endif

/// Voices for other languages: the `espeak-ng` command, run as a subprocess when it is installed
/// (`espeak-ng --stdout -v LANGUAGE`), so that no GPL library is linked into touchtime.
enum EspeakVoice {
    static let path = "/usr/bin/espeak-ng"

    static var isInstalled: Bool { access(path, X_OK) == 0 }

    /// `text` in `language` at `rate` (1 is espeak-ng's 175 words a minute).
    static func speak(_ text: String, language: String, rate: Double) throws(SpeechError) -> (samples: [Float], sampleRate: Int) {
        guard isInstalled else {
            throw SpeechError("speech in '\(language)' needs espeak-ng, which is not installed (Debian: apt install espeak-ng)")
        }
        let words = Int((175 * rate).rounded())
        let bytes = try run([path, "--stdout", "-v", language, "-s", "\(words)", text])
        // A WAV of unknown length (espeak-ng streams it): 16-bit mono, the rate in the header, data after 44 bytes.
        guard bytes.count > 44, bytes.starts(with: Array("RIFF".utf8)) else {
            throw SpeechError("espeak-ng gave no speech for '\(language)' (is the language installed? espeak-ng --voices)")
        }
        let rate = Int(bytes[24]) | Int(bytes[25]) << 8 | Int(bytes[26]) << 16 | Int(bytes[27]) << 24
        var samples: [Float] = []
        samples.reserveCapacity((bytes.count - 44) / 2)
        var index = 44
        while index + 1 < bytes.count {
            samples.append(Float(Int16(bitPattern: UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)) / 32768)
            index += 2
        }
        return (samples, rate)
    }

    /// Runs a command with no shell and standard error silenced; its standard output.
    private static func run(_ arguments: [String]) throws(SpeechError) -> [UInt8] {
        var pipeDescriptors: [Int32] = [-1, -1]
        guard pipe(&pipeDescriptors) == 0 else { throw SpeechError("espeak-ng: cannot make a pipe") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeDescriptors[1], STDOUT_FILENO)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipeDescriptors[0])
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        close(pipeDescriptors[1])
        guard spawned == 0 else {
            close(pipeDescriptors[0])
            throw SpeechError("espeak-ng: cannot start it (\(String(cString: strerror(spawned))))")
        }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(pipeDescriptors[0], $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            output += chunk[0..<count]
            if output.count > 64 << 20 { break }  // no utterance is anywhere near a minute of audio
        }
        close(pipeDescriptors[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return output
    }
}
