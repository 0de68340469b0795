import Dispatch
import Synchronization
import Testing
@testable import TouchtimeAudio

#if canImport(Glibc)
import Glibc
#endif

/// The playback thread's priority: what it says it got is what it runs with.
@Suite struct AudioThreadTests {
    /// The scheduling policy the work ran under.
    private func policy(of thread: AudioThread) -> Int32? {
        let seen = Mutex<Int32?>(nil)
        let done = DispatchSemaphore(value: 0)
        thread.run {
            var policy: Int32 = -1
            var parameters = sched_param()
            if pthread_getschedparam(pthread_self(), &policy, &parameters) == 0 { seen.withLock { $0 = policy } }
            done.signal()
        }
        guard done.wait(timeout: .now() + 5) == .success else { return nil }
        return seen.withLock { $0 }
    }

    @Test func anOrdinaryThreadRunsItsWorkAsAnOrdinaryThread() {
        let thread = AudioThread(realtimePriority: nil)
        #expect(!thread.isRealtime)
        #expect(policy(of: thread) == SCHED_OTHER)
    }

    /// Real-time where the system allows it (root here, so it is asked and given; elsewhere an
    /// ordinary thread): either way the thread's policy matches what it reports.
    @Test func aRealtimeThreadRunsUnderFIFOExactlyWhenItSaysSo() {
        let thread = AudioThread(realtimePriority: 5)
        let policy = policy(of: thread)
        #expect(policy == (thread.isRealtime ? SCHED_FIFO : SCHED_OTHER))
        if geteuid() == 0 { #expect(thread.isRealtime, "root may always have SCHED_FIFO") }
    }
}
