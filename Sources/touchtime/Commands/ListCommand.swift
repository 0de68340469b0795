import ArgumentParser
import TouchtimeCore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the protocols that can be run by id: those in ./Protocols, in the user's folder, and the bundled ones.",
        discussion: """
            A protocol in ./Protocols overrides a user or bundled one of the same id; overridden ones are marked. A file             whose name differs from the id it holds is marked, with a warning on standard error: it runs by its file             name but is recorded by its id.
            """
    )

    func run() throws {
        let catalog = ProtocolCatalog.current
        var rows: [[String]] = [["ID", "TITLE", "PHASES", "TOTAL", "FROM"]]
        var seen: Set<String> = []
        var warnings: [String] = []
        for entry in catalog.entries() {
            let overridden = !seen.insert(entry.id).inserted
            var from = entry.origin.description + (overridden ? " (overridden)" : "")
            switch entry.result {
            case .success(let treatment):
                if entry.origin != .bundled, let warning = ProtocolCatalog.nameMismatch(path: entry.origin.description, id: treatment.id) {
                    from += " (holds id \(treatment.id))"
                    warnings.append(warning)
                }
                rows.append([entry.id, treatment.title.terminalSafe, "\(treatment.phases.count)",
                             DurationText.clock(treatment.totalDuration), from])
            case .failure(let error):
                let count = error.lines.count
                rows.append([entry.id, "invalid: \(Counted.text(count, "problem")) (touchtime validate \(entry.origin))",
                             "-", "-", from])
            }
        }
        StandardStream.output.write(TextTable.render(rows))
        for warning in warnings { reportError("warning: \(warning)") }
        if let userDirectory = catalog.userDirectory {
            StandardStream.output.write("\nSearched: ./\(catalog.localDirectory), \(userDirectory), bundled.\n")
        }
    }
}
