import ArgumentParser
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// The documented exit codes (sysexits.h where one fits). Only the executable knows them: the
/// core and the audio layer say what went wrong as values, and `Reportable` maps each to one.
enum ExitStatus {
    static let usage = ExitCode(64)             // EX_USAGE
    static let invalidProtocol = ExitCode(65)   // EX_DATAERR
    static let noInput = ExitCode(66)           // EX_NOINPUT
    static let unavailable = ExitCode(69)       // EX_UNAVAILABLE
    static let cannotCreate = ExitCode(73)      // EX_CANTCREAT
    static let ioError = ExitCode(74)           // EX_IOERR
    static let changedMeanwhile = ExitCode(75)  // EX_TEMPFAIL: edit again, after comparing
    static let configuration = ExitCode(78)     // EX_CONFIG

    static func signal(_ number: Int32) -> ExitCode { ExitCode(128 + number) }
}

/// What ends a command with something to say: its lines (each printed as `touchtime: LINE` on
/// standard error) and its exit status. Thrown anywhere; printed and turned into the status in one
/// place, the root command's `main` (as swift-format's `DiagnosticsEngine` is its one funnel).
protocol Reportable: Error {
    var lines: [String] { get }
    var exitStatus: ExitCode { get }
}

/// A command's own failure: the lines and the status.
struct CommandFailure: Reportable {
    var lines: [String]
    var exitStatus: ExitCode

    init(_ lines: String..., status: ExitCode) {
        self.lines = lines
        self.exitStatus = status
    }

    init(lines: [String], status: ExitCode) {
        self.lines = lines
        self.exitStatus = status
    }
}

extension ProtocolLoadError: Reportable {
    var exitStatus: ExitCode {
        switch self {
        case .unreadable, .notFound: return ExitStatus.noInput
        case .invalid: return ExitStatus.invalidProtocol
        }
    }
}

extension ConfigurationError: Reportable {
    var exitStatus: ExitCode { ExitStatus.configuration }
}

/// Error lines go to standard error, one line each, prefixed with the program name. A line may
/// quote a file's text (a key, a file name): the sanitiser shows any control in it as `\u{1B}`.
func reportError(_ line: String) {
    StandardStream.error.write("touchtime: \(line.escapingUnsafe)\n")
}

extension ProtocolCatalog {
    /// The catalog for this process's working directory and environment.
    static var current: ProtocolCatalog {
        ProtocolCatalog(userDirectory: ProtocolCatalog.userDirectory(environment: Environment.variables))
    }

    /// Resolves a name, reporting failure on standard error as an exit code. A protocol named by
    /// an id whose file holds another id (`run Ritual2` finding `"id": "my-ritual"`) is used, with a
    /// warning: its history will be under the id it holds.
    func resolveOrExit(_ name: String) throws -> (TreatmentProtocol, Origin) {
        do {
            let (treatment, origin) = try resolve(name)
            switch origin {
            case .local(let path), .user(let path):
                if let warning = Self.nameMismatch(path: path, id: treatment.id) { reportError("warning: \(warning)") }
            case .bundled, .file:
                break
            }
            return (treatment, origin)
        } catch {
            throw error
        }
    }
}

enum Environment {
    static var variables: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
