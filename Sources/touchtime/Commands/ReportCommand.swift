import ArgumentParser
import SystemPackage
import TouchtimeCore
import TouchtimeSystem

#if canImport(Glibc)
import Glibc
#endif

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a trainee's progress as one page to open in a browser: the rating over time, each segment practice by practice, the days practised, and a sign-off line for an instructor.",
        discussion: """
            The page is one self-contained HTML file: inline SVG charts, no network, no JavaScript; it prints. \
            Without --protocol, the protocol practised last. Exit code 66 when there is no practice to report, \
            73 when the file cannot be written.
            """
    )

    @Option(help: ArgumentHelp("The protocol (default: the one practised last).", valueName: "id"), completion: ProtocolCompletion.ids)
    var `protocol`: String?

    @Option(help: ArgumentHelp("The HTML file to write.", valueName: "file.html"), completion: .file(extensions: ["html"]))
    var out: String

    @OptionGroup var history: HistoryOptions

    func validate() throws {
        if out.isEmpty { throw ValidationError("--out needs a file name, such as progress.html") }
    }

    func run() throws {
        let reader = try history.reader()
        let id = try self.protocol ?? reader.lastPractised()
        guard let id else {
            throw CommandFailure("no practice to report in \(reader.path.escapingUnsafe): try 'touchtime practice'", status: ExitStatus.noInput)
        }
        let report = try reader.summary().reports[id] ?? ProgressReport(protocolID: id)
        guard report.total > 0 || report.drills > 0 else {
            throw CommandFailure("no practice of '\(id.terminalSafe)' to report in \(reader.path.escapingUnsafe)", status: ExitStatus.noInput)
        }
        let title = (try? ProtocolCatalog.current.resolve(id)).map { $0.0.title } ?? id
        let today = String(SessionOutput.wallNow().prefix(10))
        let page = ProgressPage.html(report, title: title, today: today)
        if let problem = Self.write(page, to: out) {
            throw CommandFailure("\(out.escapingUnsafe): cannot write the report: \(problem)", status: ExitStatus.cannotCreate)
        }
        StandardStream.output.write("wrote \(out.escapingUnsafe): \(Counted.text(report.total, "practice")) of \(id.terminalSafe)"
                                    + (report.drills > 0 ? " and \(Counted.text(report.drills, "stroke drill"))" : "")
                                    + "; \(report.signOff)\n")
    }

    /// Writes `text` to `path` (created or replaced); the reason when it cannot.
    static func write(_ text: String, to path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return Errno.text(errno) }
        var problem: String?
        Array(text.utf8).withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    problem = Errno.text(errno)
                    return
                }
                offset += written
            }
        }
        if close(descriptor) != 0, problem == nil { problem = Errno.text(errno) }
        return problem
    }
}
