public import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

extension Errno {
    /// How touchtime says an errno in a message: short for the common ones ("no such file",
    /// "permission denied", "is a directory"), else the C library's words in lower case. The one
    /// place an errno becomes text.
    public var text: String {
        switch self {
        case .noSuchFileOrDirectory: return "no such file"
        case .permissionDenied: return "permission denied"
        case .isDirectory: return "is a directory"
        default: return description.lowercased()
        }
    }

    /// The text of a raw errno value.
    public static func text(_ code: Int32) -> String { Errno(rawValue: code).text }

    /// The errno the last failed C call on this thread left, as a value.
    public static var last: Errno { Errno(rawValue: errno) }
}
