public import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

extension Errno {
    /// How touchtime says an errno in a message: the C library's words in lower case ("no such
    /// file or directory", "permission denied"). The one place an errno becomes text.
    public var text: String { description.lowercased() }

    /// The errno the last failed C call on this thread left, as a value.
    public static var last: Errno { Errno(rawValue: errno) }
}
