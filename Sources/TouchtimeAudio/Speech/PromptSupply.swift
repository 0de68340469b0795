import Synchronization
public import TouchtimeCore
import TouchtimeProcess
import TouchtimeSystem

/// Where a session's spoken prompts come from while it runs: rendered one at a time by a helper
/// process (`touchtime _prompts`, the executable itself), in the order the session will need
/// them, and kept within a budget.
///
/// The problem: a protocol of a thousand distinct prompts (ten phases repeated a hundred times)
/// took minutes and hundreds of megabytes to render before its session could start. The model:
/// the session says which texts it needs next (`want`, the next few moments' prompts, redone as
/// it moves), the helper renders them one by one, and a prompt that is not ready when its moment
/// comes is not spoken (the chime is). A prompt is looked up without waiting (`samples(for:)`), on
/// the session's event path. A helper that does not answer within `answerTimeout` (stuck, or
/// stopped with SIGSTOP), or dies, is killed and reported once; the session goes on with chimes.
///
/// Testing: `PromptSource` is the protocol a session's sound reads; `InMemoryPrompts` is the fake
/// beside it.
public final class PromptSupply: PromptSource, Sendable {
    /// How long the helper may take to answer one prompt (it needs about 30 ms; espeak-ng a little more).
    public static let answerTimeout: Duration = .seconds(5)
    /// Samples kept beyond what is wanted next: about three minutes of speech.
    static let keptSamples = 8_000_000
    /// Texts kept at the most (the lookups are linear in it).
    static let keptTexts = 256

    private struct State {
        var rendered: [String: [Int16]] = [:]
        /// Rendered texts, least recently used first.
        var recency: [String] = []
        var keptSamples = 0
        /// Wanted and not yet rendered, in the order needed.
        var wanted: [String] = []
        var wantedSet: Set<String> = []
        var failed: Set<String> = []
        /// Set once the helper is gone: why.
        var stopped: String?
        var waitingForWish: CheckedContinuation<String?, Never>?
        var progressWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        /// The request in flight, by number, for the watchdog.
        var inFlight: Int?
        var inFlightText: String?
        var warnedAboutText = false
    }

    private let state = Mutex(State())
    private let process: HelperProcess
    private let onProblem: @Sendable (String) -> Void
    private let answerTimeout: Duration

    /// Starts the helper (`helper _prompts`) with the plan's voice options at `volume` (0-100, the
    /// session's). `onProblem` is told, once each, when the helper stops answering and when a text
    /// cannot be spoken.
    public init(options: VoiceOptions, volume: Int, helper: String, onProblem: @escaping @Sendable (String) -> Void,
                answerTimeout: Duration = PromptSupply.answerTimeout) {
        self.answerTimeout = answerTimeout
        let level = Int((Double(volume) * Double(options.volume) / 100).rounded())
        process = HelperProcess(executable: helper, arguments: [
            "_prompts", "--language", options.language, "--rate", "\(options.rate)", "--volume", "\(level)",
        ])
        self.onProblem = onProblem
        Task.detached { [self] in await self.serve() }
    }

    // MARK: PromptSource

    public func samples(for text: String) -> [Int16]? {
        state.withLock { state in
            guard let samples = state.rendered[text] else { return nil }
            if let index = state.recency.lastIndex(of: text), index != state.recency.count - 1 {
                state.recency.remove(at: index)
                state.recency.append(text)
            }
            return samples
        }
    }

    public func want(_ texts: [String]) {
        let waiter = state.withLock { state -> (CheckedContinuation<String?, Never>, String)? in
            var seen: Set<String> = []
            state.wanted = texts.filter {
                state.rendered[$0] == nil && !state.failed.contains($0) && $0 != state.inFlightText && seen.insert($0).inserted
            }
            state.wantedSet = Set(texts)
            guard let first = state.wanted.first, let waiter = state.waitingForWish else { return nil }
            state.waitingForWish = nil
            state.wanted.removeFirst()
            return (waiter, first)
        }
        if let (continuation, text) = waiter { continuation.resume(returning: text) }
    }

    /// Waits until every one of `texts` is rendered (or cannot be), or `timeout` passes, or the
    /// helper is gone; true when all are ready.
    public func ready(_ texts: [String], within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let outcome = state.withLock { state -> Bool? in
                if texts.allSatisfy({ state.rendered[$0] != nil || state.failed.contains($0) }) { return true }
                return state.stopped != nil ? false : nil
            }
            if let outcome { return outcome }
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return false }
            await progress(until: deadline)
        }
    }

    /// Ends the helper: the session is over.
    public func stop() {
        let waiters = finish(because: "stopped")
        process.kill()
        resume(waiters)
    }

    /// Why the prompts stopped coming, if they did.
    public var problem: String? { state.withLock { $0.stopped } }

    // MARK: The helper

    /// Sends the wanted texts one by one and keeps each answer, until the helper is gone.
    private func serve() async {
        var reader = PromptWire.Reader()
        var output = process.output.makeAsyncIterator()
        var number = 0
        while let text = await nextWanted() {
            number += 1
            let request = number
            state.withLock { state in
                state.inFlight = request
                state.inFlightText = text
            }
            process.write(PromptWire.request(text))
            let watchdog = Task.detached { [self] in
                try? await Task.sleep(for: answerTimeout)
                guard !Task.isCancelled, state.withLock({ $0.inFlight == request }) else { return }
                fail("the speech helper did not answer within \(TimeText.seconds(answerTimeout, decimals: 1)) s")
            }
            var answer: Result<[Int16], SpeechError>?
            do throws(SpeechError) {
                while answer == nil {
                    if let whole = try reader.nextAnswer() {
                        answer = whole
                    } else if let chunk = await output.next() {
                        reader.append(chunk)
                    } else {
                        break
                    }
                }
            } catch {
                fail("the speech helper's answer was not understood (\(error))")
            }
            watchdog.cancel()
            state.withLock { state in
                state.inFlight = nil
                state.inFlightText = nil
            }
            guard let answer else {
                let ending = await process.ending
                fail("the speech helper stopped (\(ending))")
                return
            }
            keep(text, answer)
        }
    }

    /// The next text to render: waits for a wish; nil once the helper is gone.
    private func nextWanted() async -> String? {
        await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let immediate = state.withLock { state -> String?? in
                if state.stopped != nil { return .some(nil) }
                if !state.wanted.isEmpty { return .some(state.wanted.removeFirst()) }
                state.waitingForWish = continuation
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    private func keep(_ text: String, _ answer: Result<[Int16], SpeechError>) {
        let (waiters, problem) = state.withLock { state -> ([CheckedContinuation<Void, Never>], String?) in
            var problem: String?
            switch answer {
            case .success(let samples):
                state.rendered[text] = samples
                state.recency.append(text)
                state.keptSamples += samples.count
                evict(&state)
            case .failure(let error):
                state.failed.insert(text)
                if !state.warnedAboutText {
                    state.warnedAboutText = true
                    problem = "a prompt cannot be spoken (\(error)); the session goes on with its chimes"
                }
            }
            defer { state.progressWaiters.removeAll() }
            return (Array(state.progressWaiters.values), problem)
        }
        if let problem { onProblem(problem) }
        resume(waiters)
    }

    /// Over the budget, the least recently used texts that are not wanted next go first.
    private func evict(_ state: inout State) {
        var index = 0
        while (state.keptSamples > Self.keptSamples || state.recency.count > Self.keptTexts), index < state.recency.count - 1 {
            let text = state.recency[index]
            if state.wantedSet.contains(text) {
                index += 1
                continue
            }
            state.recency.remove(at: index)
            state.keptSamples -= state.rendered.removeValue(forKey: text)?.count ?? 0
        }
    }

    private func fail(_ reason: String) {
        let first = state.withLock { $0.stopped == nil }
        let waiters = finish(because: reason)
        process.kill()
        if first { onProblem("spoken prompts stopped: \(reason); the session goes on with its chimes") }
        resume(waiters)
    }

    /// Marks the helper gone (the first reason stays) and takes every waiter, to be resumed.
    private func finish(because reason: String) -> (wish: CheckedContinuation<String?, Never>?, progress: [CheckedContinuation<Void, Never>]) {
        state.withLock { state in
            if state.stopped == nil { state.stopped = reason }
            defer {
                state.waitingForWish = nil
                state.progressWaiters.removeAll()
            }
            return (state.waitingForWish, Array(state.progressWaiters.values))
        }
    }

    private func resume(_ waiters: (wish: CheckedContinuation<String?, Never>?, progress: [CheckedContinuation<Void, Never>])) {
        waiters.wish?.resume(returning: nil)
        resume(waiters.progress)
    }

    private func resume(_ waiters: [CheckedContinuation<Void, Never>]) {
        for waiter in waiters { waiter.resume() }
    }

    /// Waits for the next answer (or the helper's end), at most until `deadline`.
    private func progress(until deadline: ContinuousClock.Instant) async {
        let number = state.withLock { state -> Int in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let now = state.withLock { state -> Bool in
                            if state.stopped != nil || Task.isCancelled { return true }
                            state.progressWaiters[number] = continuation
                            return false
                        }
                        if now { continuation.resume() }
                    }
                } onCancel: { [self] in
                    state.withLock { $0.progressWaiters.removeValue(forKey: number) }?.resume()
                }
            }
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            _ = await group.next()
            group.cancelAll()
        }
    }
}

/// What a session's sound reads its prompts from: rendered samples by text, without waiting, and
/// which texts it needs next.
public protocol PromptSource: Sendable {
    /// The text's samples if they are ready; nil (the prompt is not spoken) otherwise.
    func samples(for text: String) -> [Int16]?
    /// The texts needed next, in order: what to render now.
    func want(_ texts: [String])
}

/// Prompts rendered beforehand and held in memory: for tests, `say` and `render`.
public struct InMemoryPrompts: PromptSource {
    public var bank: [String: [Int16]]

    public init(_ bank: [String: [Int16]]) {
        self.bank = bank
    }

    public func samples(for text: String) -> [Int16]? { bank[text] }
    public func want(_ texts: [String]) {}
}
