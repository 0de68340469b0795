import ArgumentParser
import TouchtimeCore

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check protocol files: 'ok' for each valid one, every problem of each invalid one.",
        discussion: """
            Each problem names the file, the line:column and the JSON path, and says what was expected. \
            Exit code: 0 when all are valid; 65 when any is invalid; otherwise 66 when any cannot be read.
            """
    )

    @Argument(help: "Protocol files (or ids of known protocols).", completion: ProtocolCompletion.protocols)
    var files: [String]

    func validate() throws {
        if files.isEmpty {
            throw ValidationError("name at least one protocol file to validate")
        }
    }

    func run() throws {
        let catalog = ProtocolCatalog.current
        var sawInvalid = false
        var sawUnreadable = false
        for file in files {
            do {
                let (treatment, origin) = try catalog.resolve(file)
                let name = origin == .bundled ? BundledProtocols.displayName(for: treatment.id) : file
                // The file's name and its problems quote what the user and the file hold: sanitised.
                let summary = "\(name): ok (\(Counted.text(treatment.phases.count, "phase")), \(DurationText.clock(treatment.totalDuration)))"
                StandardStream.output.write(summary.escapingUnsafe + "\n")
                if origin != .bundled, let warning = ProtocolCatalog.nameMismatch(path: origin.description, id: treatment.id) {
                    reportError("warning: \(warning)")
                }
            } catch {
                for line in error.lines { StandardStream.output.write(line.escapingUnsafe + "\n") }
                if case .invalid = error { sawInvalid = true } else { sawUnreadable = true }
            }
        }
        if sawInvalid { throw ExitStatus.invalidProtocol }
        if sawUnreadable { throw ExitStatus.noInput }
    }
}
