import Dispatch
import Synchronization
public import TouchtimeCore

/// Listens for spoken commands (`run --listen`): a capture device read on a thread of its own,
/// 256 ms at a time at 16 kHz (a sound server's client wakes four times a second, not sixteen:
/// listening to continuous talk costs 2.9 % of a core instead of 3.5 %), fed to a keyword
/// spotter; each command heard is handed over.
///
/// What touchtime itself sounds must not command it: while a chime or a prompt plays (and a
/// short tail after, for the room and the capture's own delay), what is captured is not searched
/// and the spotter forgets what it had (`suppress(for:)`, called as each sound starts).
///
/// A device that cannot be opened, or a model that is not installed, is an error at `start`
/// (one line for a warning); a device lost mid-session is one call of `lost`, and the session
/// goes on with keys and pedals.
public final class Listener: Sendable {
    /// A command heard, and how sure the spotter was (higher is surer).
    public struct Heard: Sendable, Equatable {
        public var command: VoiceCommand
        public var score: Int
    }

    /// Audio is searched again this long after a sound of touchtime's own ends.
    public static let tail: Duration = .milliseconds(500)
    static let chunkFrames = 4096

    private struct State {
        var stopped = false
        var quietUntil: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)
    private let clock = ContinuousClock()
    public let device: String

    private init(device: String) {
        self.device = device
    }

    /// Opens `device` for capture and loads the spotter for every command (with its threshold:
    /// `thresholds`, else the command's default), then listens until `stop`.
    public static func start(
        device: String, thresholds: [VoiceCommand: Double] = [:],
        heard: @escaping @Sendable (Heard) -> Void, lost: @escaping @Sendable (String) -> Void
    ) throws(ListenError) -> Listener {
        let phrases = VoiceCommand.allCases.map { KeywordSpotter.Phrase(text: $0.phrase, threshold: thresholds[$0] ?? $0.defaultThreshold) }
        let spotter = try KeywordSpotter(phrases: phrases)
        let capture: CaptureDevice
        do throws(ALSAError) {
            capture = try CaptureDevice(name: device, sampleRate: KeywordSpotter.sampleRate, periodFrames: chunkFrames)
        } catch {
            throw ListenError("cannot listen on '\(device)': \(error)")
        }
        let listener = Listener(device: device)
        let box = SpotterBox(spotter)
        DispatchQueue(label: "touchtime.listen").async {
            defer {
                capture.close()
                listener.finished.signal()
            }
            var samples = [Int16](repeating: 0, count: chunkFrames)
            var quiet = false
            while !listener.state.withLock({ $0.stopped }) {
                let count: Int
                do throws(ALSAError) {
                    count = try samples.withUnsafeMutableBufferPointer { buffer throws(ALSAError) in try capture.read(into: buffer) }
                } catch {
                    lost("listening on '\(device)' stopped: \(error); keys and pedals still work")
                    return
                }
                let now = listener.clock.now
                let suppressed = listener.state.withLock { state in state.quietUntil.map { now < $0 } ?? false }
                if suppressed {
                    // touchtime is sounding: none of this is the therapist's, and what came before is cut off.
                    if !quiet { box.spotter.restart() }
                    quiet = true
                    continue
                }
                quiet = false
                for hit in box.spotter.process(Array(samples[0..<count])) {
                    guard let command = VoiceCommand(phrase: hit.phrase) else { continue }
                    heard(Heard(command: command, score: Int(hit.score)))
                }
            }
        }
        return listener
    }

    /// touchtime sounds now for `length`: until it ends, and `tail` after, nothing is searched.
    public func suppress(for length: Duration) {
        let until = clock.now.advanced(by: length + Self.tail)
        state.withLock { state in
            if state.quietUntil.map({ until > $0 }) ?? true { state.quietUntil = until }
        }
    }

    /// Stops listening and waits (at most a second) for the device to be closed.
    public func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        if first { _ = finished.wait(timeout: .now() + .seconds(1)) }
    }
}

/// The spotter, used by the listening thread alone.
private final class SpotterBox: @unchecked Sendable {
    let spotter: KeywordSpotter
    init(_ spotter: KeywordSpotter) { self.spotter = spotter }
}

/// CaptureDevice is used by the listening thread alone once handed over.
extension CaptureDevice: @unchecked Sendable {}
