#if canImport(Glibc)
import Glibc
#endif

/// C libraries opened at run time (`dlopen`), not linked, so that only a process that uses them
/// maps them: flite (speech) and pocketsphinx (listening). Opened in order with `RTLD_GLOBAL`, as
/// a later library needs an earlier one's symbols; a symbol is looked up in the last first.
struct DynamicLibraries {
    private let handles: [UnsafeMutableRawPointer]

    /// Opens every library of `names`, or says (dlerror's words) which cannot be.
    static func open(_ names: [String]) -> Result<DynamicLibraries, OpenFailure> {
        var handles: [UnsafeMutableRawPointer] = []
        for name in names {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL) else {
                return .failure(OpenFailure(reason: lastError()))
            }
            handles.append(handle)
        }
        return .success(DynamicLibraries(handles: handles))
    }

    struct OpenFailure: Error {
        var reason: String
    }

    /// The function `name` as the C function type `T`, or nil (with `lastError()` saying why).
    func symbol<T>(_ name: String, as type: T.Type) -> T? {
        for handle in handles.reversed() {
            if let address = dlsym(handle, name) { return unsafeBitCast(address, to: type) }
        }
        return nil
    }

    static func lastError() -> String {
        dlerror().map { String(cString: $0) } ?? "unknown"
    }
}
