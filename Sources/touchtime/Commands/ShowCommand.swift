import ArgumentParser
import TouchtimeCore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a protocol: each phase and step with its start, length, kind and cue, the total, and a timeline bar."
    )

    @Argument(help: ArgumentHelp("A protocol file, or the id of a known protocol.", valueName: "protocol"),
              completion: ProtocolCompletion.protocols)
    var protocolName: String = BundledProtocols.defaultID

    @Flag(help: "Print the timeline as JSON.")
    var json = false

    func run() throws {
        let (treatment, origin) = try ProtocolCatalog.current.resolveOrExit(protocolName)
        let timeline = Timeline(treatment)
        if json {
            TimelineReport.json(timeline) { StandardStream.output.write($0) }
            StandardStream.output.write("\n")
        } else {
            TimelineReport.text(timeline, origin: origin.description, width: 72) { StandardStream.output.write($0) }
        }
    }
}
