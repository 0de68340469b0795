import ArgumentParser
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

@main
struct Touchtime: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "touchtime",
        abstract: "A guided treatment timer for the NeuroTouch Symmetry Serum ritual and other timed protocols.",
        discussion: """
            Protocols are JSON files (format touchtime/1). A PROTOCOL argument is a file path, or the id of a \
            protocol in ./Protocols, in $XDG_CONFIG_HOME/touchtime/protocols, or bundled with touchtime. Your own: \
            'touchtime new ID' starts one there, 'touchtime edit ID' changes it.

            Exit codes: 0 success; 64 bad command line; 65 invalid protocol (or an invalid edit given up); 66 protocol \
            file missing or unreadable; 69 sound device unavailable (chime, say), a doctor check failed, or the editor \
            failed (edit); 73 output file cannot be created (new: the file exists), or an events or \
            history place that cannot be written safely (refused before the session); 74 the session ran but \
            its record, events or lines could not all be written; 75 the protocol changed while you edited it (edit: your \
            version is kept beside it); 78 the configuration file cannot be used; 129, 130, 131, 143 ended by SIGHUP, SIGINT, \
            SIGQUIT, SIGTERM.
            """,
        version: "0.1.0",
        // The helpers a session starts (and a test's keyword spotter) are hidden from help.
        subcommands: [PromptsCommand.self, ListenHelperCommand.self, SpotCommand.self],
        groupedSubcommands: [
            CommandGroup(name: "Sessions", subcommands: [RunCommand.self, PracticeCommand.self]),
            CommandGroup(name: "Protocols", subcommands: [ListCommand.self, ShowCommand.self, ValidateCommand.self, NewCommand.self,
                                                         EditCommand.self, RenderCommand.self]),
            CommandGroup(name: "Progress", subcommands: [HistoryCommand.self, StatsCommand.self, ReportCommand.self]),
            CommandGroup(name: "Setup and sound checks", subcommands: [ConfigCommand.self, DoctorCommand.self, ChimeCommand.self,
                                                                      SayCommand.self]),
        ]
    )

    /// The commands a person types (the hidden helpers are not suggested).
    static let commandNames = [RunCommand.self, PracticeCommand.self, ListCommand.self, ShowCommand.self, ValidateCommand.self,
                               NewCommand.self, EditCommand.self, RenderCommand.self, HistoryCommand.self, StatsCommand.self, ReportCommand.self,
                               ConfigCommand.self, DoctorCommand.self, ChimeCommand.self, SayCommand.self]
        .compactMap { ($0 as any ParsableCommand.Type).configuration.commandName } + ["help"]
    /// The helpers a session starts: known, never suggested.
    static let helperNames = [PromptsCommand.self, ListenHelperCommand.self, SpotCommand.self]
        .compactMap { ($0 as any ParsableCommand.Type).configuration.commandName }

    /// Runs the command the line names. Whatever a command throws that has something to say
    /// (`Reportable`) is said here, once, and becomes the exit status; the rest is the argument
    /// parser's (usage errors: 64).
    static func main() async {
        // A mistyped command: what it likely was, rather than "Unexpected argument".
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, !first.hasPrefix("-"), !commandNames.contains(first), !helperNames.contains(first),
           let near = Suggestion.closest(to: first, in: commandNames) {
            reportError("unknown command '\(first.terminalSafe)': did you mean '\(near)'? (see 'touchtime --help')")
            Glibc.exit(ExitStatus.usage.rawValue)
        }
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let problem as any Reportable {
            for line in problem.lines { reportError(line) }
            Glibc.exit(problem.exitStatus.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
