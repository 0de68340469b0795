import ArgumentParser
import TouchtimeAudio
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// The listening benchmark's probe (Benchmarks/listen): runs the keyword spotter a session uses
/// over 16 kHz mono WAV files, 64 ms at a time as the microphone loop feeds it, and prints every
/// command it hears. Not for people: hidden from the help.
///
///     HIT <file> <seconds fed when heard> <score> <phrase>
///     FILE <file> <audio seconds> <cpu seconds>
struct SpotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "_spot", shouldDisplay: false)

    @Option(help: "A phrase's threshold, as PHRASE=VALUE (\"timer next=1e-25\"); the others keep their defaults.")
    var threshold: [String] = []

    @Argument var files: [String] = []

    func run() throws {
        var thresholds: [VoiceCommand: Double] = [:]
        for given in threshold {
            let parts = given.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let command = VoiceCommand(phrase: parts[0]), let value = Double(parts[1]),
                  VoiceCommand.thresholdRange.contains(value) else {
                throw ValidationError("--threshold takes PHRASE=VALUE, such as 'timer next=1e-25', got '\(given)'")
            }
            thresholds[command] = value
        }
        let spotter: KeywordSpotter
        do throws(ListenError) {
            spotter = try KeywordSpotter(phrases: VoiceCommand.allCases.map {
                KeywordSpotter.Phrase(text: $0.phrase, threshold: thresholds[$0] ?? $0.defaultThreshold)
            })
        } catch {
            reportError(error.description)
            throw ExitStatus.unavailable
        }
        for file in files {
            let audio: WAVFile.Audio
            do throws(WAVFile.Failure) {
                audio = try WAVFile.read(file)
            } catch {
                reportError(error.description)
                throw ExitStatus.noInput
            }
            guard audio.sampleRate == KeywordSpotter.sampleRate, audio.channels == 1 else {
                reportError("\(file): expected 16 kHz mono, found \(audio.sampleRate) Hz, \(audio.channels) channels")
                throw ExitStatus.noInput
            }
            let before = Self.cpuSeconds()
            spotter.restart()
            var fed = 0
            while fed < audio.samples.count {
                let chunk = Array(audio.samples[fed..<min(fed + 1024, audio.samples.count)])
                fed += chunk.count
                for hit in spotter.process(chunk) {
                    StandardStream.output.write("HIT \(file) \(Self.seconds(fed)) \(hit.score) \(hit.phrase)\n")
                }
            }
            for hit in spotter.flush() {
                StandardStream.output.write("HIT \(file) \(Self.seconds(fed)) \(hit.score) \(hit.phrase)\n")
            }
            StandardStream.output.write("FILE \(file) \(Self.seconds(audio.samples.count)) \(TimeText.seconds(.microseconds(Int64((Self.cpuSeconds() - before) * 1_000_000)), decimals: 3))\n")
        }
    }

    static func seconds(_ samples: Int) -> String {
        TimeText.seconds(.microseconds(Int64(samples) * 1_000_000 / Int64(KeywordSpotter.sampleRate)), decimals: 3)
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}
