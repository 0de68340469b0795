import Synchronization
public import TouchtimeCore
import TouchtimeProcess
import TouchtimeSystem

#if canImport(Glibc)
import Glibc
#endif

/// Listens for spoken commands (`run --listen`) through a helper process (`touchtime _listen`,
/// the executable itself) that loads the keyword spotter and reads the capture device: a damaged
/// model that crashes it, stalls it or makes it allocate without end costs the session its
/// spoken commands (one warning), never the session itself.
///
/// What touchtime itself sounds must not command it: while a chime or a prompt plays (and a
/// short tail after, for the room and the capture's own delay), what is captured is not searched
/// and the spotter forgets what it had (`suppress(for:)`, called as each sound starts).
///
/// A device that cannot be opened, a model that is not installed or does not load within
/// `loadTimeout`, is an error at `start` (one line for a warning); a device lost or a helper that
/// dies mid-session is one call of `lost`, and the session goes on with keys and pedals.
public final class Listener: Sendable {
    /// A command heard, and how sure the spotter was (higher is surer).
    public struct Heard: Sendable, Equatable {
        public var command: VoiceCommand
        public var score: Int
    }

    /// Audio is searched again this long after a sound of touchtime's own ends.
    public static let tail: Duration = .milliseconds(500)
    /// How long the helper may take to load the spotter and open the device (it needs tens of ms).
    public static let loadTimeout: Duration = .seconds(10)
    /// Where the model is: pocketsphinx's English one, or `TOUCHTIME_LISTEN_MODEL` (another model,
    /// or a copy to try).
    public static func modelDirectory(environment: [String: String]) -> String {
        environment["TOUCHTIME_LISTEN_MODEL"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? KeywordSpotter.modelDirectory
    }

    private let process: HelperProcess
    private let stopped = Mutex(false)

    private init(process: HelperProcess) {
        self.process = process
    }

    /// Starts the helper on `device` with each command's threshold (`thresholds`, else its
    /// default) and returns once it listens; `heard` is called for each command heard, `lost`
    /// once if listening stops before `stop`.
    public static func start(
        device: String, thresholds: [VoiceCommand: Double] = [:], helper: String, modelDirectory: String = KeywordSpotter.modelDirectory,
        heard: @escaping @Sendable (Heard) -> Void, lost: @escaping @Sendable (String) -> Void
    ) async throws(ListenError) -> Listener {
        let (process, lines) = try await load(device: device, thresholds: thresholds, helper: helper, modelDirectory: modelDirectory,
                                              check: false)
        let listener = Listener(process: process)
        Task.detached {
            for await line in lines.remaining {
                switch ListenWire.message(line) {
                case .heard(let phrase, let score)?:
                    if let command = VoiceCommand(phrase: phrase) { heard(Heard(command: command, score: score)) }
                case .lost(let reason)?:
                    if !listener.isStopped { lost("\(reason); keys and pedals still work") }
                    process.kill()
                    return
                default:
                    break
                }
            }
            let ending = await process.ending
            if !listener.isStopped { lost("listening stopped: the spotter ended (\(ending)); keys and pedals still work") }
        }
        return listener
    }

    /// What `doctor` asks: does the spotter load (and the capture device open, when `device` is
    /// given)? The helper is ended either way.
    public static func check(device: String?, thresholds: [VoiceCommand: Double] = [:], helper: String,
                             modelDirectory: String = KeywordSpotter.modelDirectory) async throws(ListenError) {
        let (process, _) = try await load(device: device, thresholds: thresholds, helper: helper, modelDirectory: modelDirectory,
                                          check: true)
        process.kill()
        _ = await process.ending
    }

    /// touchtime sounds now for `length`: until it ends, and `tail` after, nothing is searched.
    public func suppress(for length: Duration) {
        process.write(Array(ListenWire.quiet(length + Self.tail).utf8))
    }

    /// Stops listening: the helper is ended.
    public func stop() {
        stopped.withLock { $0 = true }
        process.closeInput()
        process.kill()
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    /// Starts the helper and waits for its first line: `ready`, or why it cannot listen. The word
    /// lists it writes go to a folder of ours, removed here however the helper ended.
    private static func load(device: String?, thresholds: [VoiceCommand: Double], helper: String, modelDirectory: String,
                             check: Bool) async throws(ListenError) -> (HelperProcess, HelperLines) {
        var template = Array("/tmp/touchtime-listen-XXXXXX".utf8CString)
        let folder: String? = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        guard let folder else { throw ListenError("cannot make a folder for the spotter's word lists in /tmp") }
        defer {
            for name in ["commands.dict", "commands.kws"] { unlink("\(folder)/\(name)") }
            rmdir(folder)
        }
        var arguments = ["_listen", "--model", modelDirectory, "--folder", folder]
        if let device { arguments += ["--device", device] }
        if check { arguments.append("--check") }
        for (command, threshold) in thresholds.sorted(by: { $0.key.phrase < $1.key.phrase }) {
            arguments += ["--threshold", "\(command.phrase)=\(threshold)"]
        }
        let process = HelperProcess(executable: helper, arguments: arguments)
        let lines = HelperLines(process.output)
        let first: String?? = await withTaskGroup(of: String??.self) { group in
            group.addTask { [lines] in
                var lines = lines
                return .some(await lines.next())
            }
            group.addTask {
                try? await Task.sleep(for: loadTimeout)
                return .none
            }
            let first = await group.next() ?? .none
            group.cancelAll()
            return first
        }
        guard let first else {
            process.kill()
            throw ListenError("the spotter did not load within \(Int(loadTimeout.seconds)) s (its model may be damaged)")
        }
        switch first.flatMap(ListenWire.message) {
        case .ready?:
            return (process, lines)
        case .error(let reason)?:
            process.kill()
            throw ListenError(reason)
        default:
            process.kill()
            let ending = await process.ending
            throw ListenError("the spotter could not load its model at \(modelDirectory) (\(ending)): it may be damaged; "
                              + "reinstall it: apt install --reinstall pocketsphinx-en-us")
        }
    }
}

/// A helper's output as lines, read by one reader at a time.
struct HelperLines: Sendable {
    private let stream: AsyncStream<String>

    init(_ output: AsyncStream<[UInt8]>) {
        stream = AsyncStream { continuation in
            let task = Task {
                var splitter = ListenWire.Lines()
                for await chunk in output {
                    for line in splitter.append(chunk) { continuation.yield(line) }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The lines from here on.
    var remaining: AsyncStream<String> { stream }

    mutating func next() async -> String? {
        var iterator = stream.makeAsyncIterator()
        return await iterator.next()
    }
}
