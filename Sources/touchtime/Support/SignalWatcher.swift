import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Turns termination signals into an orderly end: the handler runs on a dispatch queue (not in
/// signal context), so it may post a command; the first signal's number is kept for the exit code.
final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        let record = FirstSignal()
        self.record = record
        self.numbers = signals
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                record.note(number)
                handler(number)
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    private let record: FirstSignal
    private let numbers: [Int32]

    /// The first signal received, if any.
    var received: Int32? { record.value }

    /// Stops watching and restores the default dispositions.
    func stop() {
        for source in sources { source.cancel() }
        for number in numbers { signal(number, SIG_DFL) }
    }
}

private final class FirstSignal: Sendable {
    private let state = Mutex<Int32?>(nil)

    func note(_ number: Int32) {
        state.withLock { if $0 == nil { $0 = number } }
    }

    var value: Int32? { state.withLock { $0 } }
}
