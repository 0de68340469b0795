import Dispatch

#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A thread of its own for the playback loop: not a pooled dispatch worker, whose priority would
/// outlive the work. It is created at real-time priority (SCHED_FIFO) when asked and the system
/// allows it (root, or an RLIMIT_RTPRIO that covers the priority); otherwise as an ordinary thread.
/// Whether it got real-time priority is known as soon as it exists, before it runs anything.
final class AudioThread: Sendable {
    let isRealtime: Bool
    private let start: Start

    /// What the new thread waits for: the work, handed over by `run`.
    private final class Start: Sendable {
        let gate = DispatchSemaphore(value: 0)
        let work = Mutex<(@Sendable () -> Void)?>(nil)
    }

    init(realtimePriority: Int32?) {
        let start = Start()
        var realtime = false
        if let priority = realtimePriority, Self.spawn(start, priority: priority) {
            realtime = true
        } else if !Self.spawn(start, priority: nil) {
            // No thread could be made (a process at its thread limit): a pooled one will have to do.
            DispatchQueue.global(qos: .userInteractive).async {
                start.gate.wait()
                start.work.withLock { $0 }?()
            }
        }
        self.start = start
        self.isRealtime = realtime
    }

    /// Runs `work` on the thread (once).
    func run(_ work: @escaping @Sendable () -> Void) {
        start.work.withLock { $0 = work }
        start.gate.signal()
    }

    /// Creates the detached thread, at `priority` under SCHED_FIFO when given; false when the system refuses.
    private static func spawn(_ start: Start, priority: Int32?) -> Bool {
        // Allocated, not initialised in Swift: pthread_attr_init fills it.
        let attributes = UnsafeMutablePointer<pthread_attr_t>.allocate(capacity: 1)
        defer { attributes.deallocate() }
        guard pthread_attr_init(attributes) == 0 else { return false }
        defer { pthread_attr_destroy(attributes) }
        pthread_attr_setdetachstate(attributes, Int32(PTHREAD_CREATE_DETACHED))
        if let priority {
            var parameters = sched_param(sched_priority: priority)
            guard pthread_attr_setinheritsched(attributes, Int32(PTHREAD_EXPLICIT_SCHED)) == 0,
                  pthread_attr_setschedpolicy(attributes, SCHED_FIFO) == 0,
                  pthread_attr_setschedparam(attributes, &parameters) == 0
            else { return false }
        }
        let context = Unmanaged.passRetained(start).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, attributes, { raw in
            guard let raw else { return nil }
            let start = Unmanaged<Start>.fromOpaque(raw).takeRetainedValue()
            start.gate.wait()
            start.work.withLock { $0 }?()
            return nil
        }, context)
        if result != 0 {
            // EPERM: real-time priority is not allowed here.
            Unmanaged<Start>.fromOpaque(context).release()
            return false
        }
        return true
    }
}
