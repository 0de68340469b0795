#if canImport(Glibc)
import Glibc
#endif

/// Limits a helper process sets on itself before it loads a C library that a damaged file could
/// send astray (pocketsphinx's model, flite's voice): a runaway then fails inside the helper,
/// which its parent reports as one line, instead of taking the machine's memory or a core.
public enum ResourceLimit {
    /// RLIM_INFINITY (all bits set), which Swift cannot import from its C macro.
    private static let unlimited = rlim_t.max

    /// Caps the memory the process may allocate (`RLIMIT_DATA`: its heap and private mappings).
    public static func capMemory(bytes: Int) {
        set(RLIMIT_DATA, soft: rlim_t(bytes))
    }

    /// Caps the processor time the process may use from now, in seconds (`RLIMIT_CPU`: SIGXCPU
    /// ends it past the limit); nil lifts the cap again.
    public static func capProcessorTime(seconds: Int?) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let used = Int(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        set(RLIMIT_CPU, soft: seconds.map { rlim_t(used + $0) } ?? unlimited)
    }

    /// No core file from a crash: a helper that crashes leaves nothing behind.
    public static func noCoreFiles() {
        set(RLIMIT_CORE, soft: 0)
    }

    private static func set(_ resource: __rlimit_resource, soft: rlim_t) {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0 else { return }
        limit.rlim_cur = limit.rlim_max == unlimited ? soft : min(soft, limit.rlim_max)
        _ = setrlimit(__rlimit_resource_t(resource.rawValue), &limit)
    }
}
