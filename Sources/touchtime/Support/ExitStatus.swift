import ArgumentParser
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// The documented exit codes (sysexits.h where one fits).
enum ExitStatus {
    static let invalidProtocol = ExitCode(65)   // EX_DATAERR
    static let noInput = ExitCode(66)           // EX_NOINPUT
    static let unavailable = ExitCode(69)       // EX_UNAVAILABLE
    static let cannotCreate = ExitCode(73)      // EX_CANTCREAT
    static let ioError = ExitCode(74)           // EX_IOERR
    static let changedMeanwhile = ExitCode(75)  // EX_TEMPFAIL: edit again, after comparing

    static func signal(_ number: Int32) -> ExitCode { ExitCode(128 + number) }
}

/// Error lines go to standard error, one line each, prefixed with the program name. A line may
/// quote a file's text (a key, a file name): the sanitiser shows any control in it as `\u{1B}`.
func reportError(_ line: String) {
    StandardStream.error.write("touchtime: \(line.escapingUnsafe)\n")
}

extension ProtocolLoadError {
    /// Prints every line of the error and returns the exit code to end with.
    func report() -> ExitCode {
        for line in lines { reportError(line) }
        return ExitCode(exitCode)
    }
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
            throw error.report()
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
