import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A thread of its own, for the one kind of work that needs one: a loop that blocks in a C call
/// (reading keys, a pedal, the signal pipe; drawing to a terminal that may be stopped), or a
/// blocking call whose result a task awaits (opening a sound device). Never a pooled worker:
/// blocking one of the cooperative pool's few threads would stall every task of the session.
///
/// ```swift
/// DedicatedThread.start(named: "keys") { while let key = readKey() { handle(key) } }
/// let device = await DedicatedThread.result { try openDevice() }   // the caller's task waits, no thread blocks
/// ```
public enum DedicatedThread {
    /// Starts `body` on a new detached thread; false when the system refuses one (at its limit).
    /// `name` says what it is for (in this code; the thread itself is not named).
    @discardableResult
    public static func start(named name: String, _ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Work(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let result = pthread_create(&thread, &attributes, { raw in
            guard let raw else { return nil }
            let work = Unmanaged<Work>.fromOpaque(raw).takeRetainedValue()
            work.body()
            return nil
        }, box)
        if result != 0 { Unmanaged<Work>.fromOpaque(box).release() }
        return result == 0
    }

    /// Runs a blocking `body` on a thread of its own and returns its result to the waiting task.
    public static func result<Value: Sendable>(named name: String = "touchtime.call",
                                               _ body: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { (continuation: CheckedContinuation<Value, Never>) in
            let started = start(named: name) { continuation.resume(returning: body()) }
            // No thread could be had: the call is made here, as a last resort.
            if !started { continuation.resume(returning: body()) }
        }
    }

    private final class Work: @unchecked Sendable {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
}
