import ArgumentParser
import SystemPackage
import TouchtimeAudio
import TouchtimeCore
import TouchtimeSystem

#if canImport(Glibc)
import Glibc
#endif

/// The speech helper a session runs (`PromptSupply`): reads texts from standard input one at a
/// time (`PromptWire`) and answers each with its samples, so that flite is never loaded into the
/// session's own process and the session asks only for what it needs next. Not for people:
/// hidden from the help.
struct PromptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "_prompts", shouldDisplay: false)

    @Option var language = "en"
    @Option var rate: Double = 1
    @Option var volume: Int = 100

    /// Memory the helper may take: flite's voice is a few MB, an utterance at most a few more.
    static let memoryCap = 512 << 20

    func run() async throws {
        ResourceLimit.capMemory(bytes: Self.memoryCap)
        ResourceLimit.noCoreFiles()
        let valid = rate.isFinite && (0.5...2).contains(rate) && (0...100).contains(volume) && TextGrammar.isLanguage(language)
        var reader = PromptWire.Reader()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count: Int
            do {
                count = try buffer.withUnsafeMutableBytes { try FileDescriptor.standardInput.read(into: $0) }
            } catch {
                throw ExitCode(74)
            }
            guard count > 0 else { return }  // the session closed the pipe: done
            reader.append(Array(buffer[0..<count]))
            while true {
                let text: String?
                do throws(SpeechError) {
                    text = try reader.nextRequest()
                } catch {
                    throw ExitCode(65)
                }
                guard let text else { break }
                let result: Result<[Int16], SpeechError>
                if valid {
                    do throws(SpeechError) {
                        result = .success(try await SpeechSynthesizer.render(text, language: language, rate: rate, volume: volume))
                    } catch {
                        result = .failure(error)
                    }
                } else {
                    result = .failure(SpeechError("the speech helper was given a language, rate or volume out of range"))
                }
                do {
                    try PromptWire.answer(result).withUnsafeBytes { _ = try FileDescriptor.standardOutput.writeAll($0) }
                } catch {
                    throw ExitCode(74)
                }
            }
        }
    }

    /// This executable's own path, to run it as the helper.
    static var executablePath: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }
}
