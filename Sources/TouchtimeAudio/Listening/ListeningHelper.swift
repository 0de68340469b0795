import Synchronization
public import TouchtimeCore
import TouchtimeSystem

#if canImport(Glibc)
import Glibc
#endif

/// The listening helper's own work (`touchtime _listen`, a process of its own): loads the keyword
/// spotter, opens the capture device, and reports what it hears as `ListenWire` lines on standard
/// output, until its standard input ends.
///
/// It loads pocketsphinx's model, which a damaged file can crash (a segmentation fault), stall
/// or send allocating gigabytes: so it runs apart from the session, under a memory cap, with a
/// processor-time cap while it loads, and makes no core file. Whatever it does, the session loses
/// at most its spoken commands.
public enum ListeningHelper {
    /// Memory the helper may take: the spotter needs about 13 MB.
    public static let memoryCap = 256 << 20
    /// Processor time the loading may take: it needs about 15 ms.
    public static let loadingSeconds = 10
    static let chunkFrames = 4096

    /// Runs the helper; returns its exit status (0: its input ended, or `check` passed).
    /// `device` nil only loads the spotter (a check of the model alone).
    public static func run(device: String?, thresholds: [VoiceCommand: Double], modelDirectory: String,
                           folder: String?, check: Bool) -> Int32 {
        ResourceLimit.capMemory(bytes: memoryCap)
        ResourceLimit.noCoreFiles()
        ResourceLimit.capProcessorTime(seconds: loadingSeconds)
        let phrases = VoiceCommand.allCases.map { KeywordSpotter.Phrase(text: $0.phrase, threshold: thresholds[$0] ?? $0.defaultThreshold) }
        let spotter: KeywordSpotter
        do throws(ListenError) {
            spotter = try KeywordSpotter(phrases: phrases, modelDirectory: modelDirectory, folder: folder)
        } catch {
            say(.error(error.description))
            return 2
        }
        var capture: CaptureDevice?
        if let device {
            do throws(ALSAError) {
                capture = try CaptureDevice(name: device, sampleRate: KeywordSpotter.sampleRate, periodFrames: chunkFrames)
            } catch {
                say(.error("cannot listen on '\(device)': \(error)"))
                return 2
            }
        }
        ResourceLimit.capProcessorTime(seconds: nil)
        say(.ready)
        guard let capture, !check else {
            capture?.close()
            return 0
        }
        defer { capture.close() }
        let quiet = QuietTime()
        DedicatedThread.start(named: "touchtime.listen.input") { readCommands(into: quiet) }
        listen(capture, spotter: spotter, quiet: quiet, device: device ?? "default")
        return 0
    }

    /// Reads the capture device and spots commands, until the session's end (its input ends).
    private static func listen(_ capture: CaptureDevice, spotter: KeywordSpotter, quiet: QuietTime, device: String) {
        var samples = [Int16](repeating: 0, count: chunkFrames)
        var wasQuiet = false
        let silenceFed = 4  // about a second
        // Silence is fed only just after sound was: none before the first sound, none after touchtime's own.
        var silentChunks = silenceFed
        while !quiet.ended {
            let count: Int
            do throws(ALSAError) {
                count = try samples.withUnsafeMutableBufferPointer { buffer throws(ALSAError) in try capture.read(into: buffer) }
            } catch {
                say(.lost("listening on '\(device)' stopped: \(error)"))
                return
            }
            if quiet.isQuiet {
                // touchtime is sounding: none of this is the therapist's, and what came before is cut off.
                if !wasQuiet { spotter.restart() }
                wasQuiet = true
                silentChunks = silenceFed
                continue
            }
            wasQuiet = false
            // Long digital silence (a muted microphone, a source nothing plays into) is not fed: seconds
            // of it pulled the spotter's running cepstral mean so far from any room's that the first
            // command after it was missed. The second after sound is, so a phrase just said is completed.
            let silent = !samples[0..<count].contains(where: { $0 > 2 || $0 < -2 })
            silentChunks = silent ? silentChunks + 1 : 0
            let skip = silentChunks > silenceFed
            for hit in skip ? spotter.flush() : spotter.process(Array(samples[0..<count])) where VoiceCommand(phrase: hit.phrase) != nil {
                say(.heard(phrase: hit.phrase, score: Int(hit.score)))
            }
        }
    }

    /// The session's lines: how long to stay quiet; the end of its input ends the helper.
    private static func readCommands(into quiet: QuietTime) {
        var lines = ListenWire.Lines()
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            for line in lines.append(Array(buffer[0..<count])) {
                if let milliseconds = ListenWire.quietMilliseconds(line) { quiet.extend(by: .milliseconds(milliseconds)) }
            }
        }
        quiet.end()
    }

    private static func say(_ message: ListenWire.Message) {
        var line = ListenWire.line(message)
        line.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDOUT_FILENO, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}

/// Until when what is captured is not searched (touchtime sounds), and whether the session ended.
private final class QuietTime: Sendable {
    private let state = Mutex<(until: ContinuousClock.Instant?, ended: Bool)>((nil, false))

    func extend(by length: Duration) {
        let until = ContinuousClock.now.advanced(by: length)
        state.withLock { state in
            if state.until.map({ until > $0 }) ?? true { state.until = until }
        }
    }

    var isQuiet: Bool {
        let now = ContinuousClock.now
        return state.withLock { $0.until.map { now < $0 } ?? false }
    }

    func end() { state.withLock { $0.ended = true } }
    var ended: Bool { state.withLock { $0.ended } }
}

/// CaptureDevice is used by the helper's one listening loop.
extension CaptureDevice: @unchecked Sendable {}
