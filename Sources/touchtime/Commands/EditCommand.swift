import ArgumentParser
import TouchtimeCore

#if canImport(Glibc)
import Glibc
import SystemPackage
import TouchtimeSystem
#endif

struct EditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a protocol of your own in your editor; it replaces the file only when it is valid.",
        discussion: """
            Opens $VISUAL or $EDITOR (default vi) on a copy of the protocol (an id in ./Protocols or your protocols \
            folder, or a file). On save the copy is checked: a valid one replaces the file at once (permissions kept); \
            an invalid one shows each problem with its line and column and asks on the terminal "Edit again? [Y/n]". \
            The file is never left invalid or half written. Exit codes: 0 saved, or no changes; 65 the edit was not \
            valid and was given up (or there was no terminal to ask on); 66 no such protocol, or a bundled one (copy \
            it first: touchtime new ID --from ID); 69 the editor could not be started or failed; 73 the file cannot \
            be replaced; 75 the file changed while you edited it (another edit saved first): it is left as that one \
            saved it, and your version is kept beside it as FILE.edited-DATE-TIME; 129 or 143 touchtime was sent \
            SIGHUP or SIGTERM while the editor ran (passed on to the editor; nothing is saved, and what the editor had \
            saved is kept beside the file the same way).
            """
    )

    @Argument(help: ArgumentHelp("The protocol to change: the id of one of yours (see 'touchtime list'), or a file.", valueName: "protocol"),
              completion: ProtocolCompletion.editable)
    var name: String

    func run() async throws {
        let path = try Self.file(named: name)
        let original: [UInt8]
        do {
            original = try ProtocolEdit.read(path)
        } catch {
            throw error
        }
        let scratch = try ScratchCopy(of: path, bytes: original)
        defer { scratch.remove() }
        let editor = Editor(environment: Environment.variables)
        while true {
            do throws(Editor.Failure) {
                try await editor.edit(scratch.path)
            } catch {
                if case .ended(let signal) = error {
                    // Told to end: nothing is saved, and what the editor had written to the copy is kept.
                    var kept = ""
                    if let edited = try? ProtocolEdit.read(scratch.path), edited != original,
                       let beside = try? ProtocolFile.keepBeside(path, bytes: edited) {
                        kept = "; what the editor had saved is kept as \(beside)"
                    }
                    reportError("\(error): \(path) is unchanged\(kept)")
                    throw ExitStatus.signal(signal)
                }
                reportError("\(error); \(path) is unchanged")
                throw ExitStatus.unavailable
            }
            let edited: [UInt8]
            do {
                edited = try ProtocolEdit.read(scratch.path)
            } catch {
                reportError("cannot read the edited copy (\(scratch.path)); \(path) is unchanged")
                throw ExitStatus.noInput
            }
            switch ProtocolEdit.review(original: original, edited: edited, file: path) {
            case .unchanged:
                StandardStream.output.write("\(path): no changes".escapingUnsafe + "\n")
                return
            case .valid(let treatment):
                do throws(ProtocolFile.Failure) {
                    try ProtocolFile.replace(path, bytes: edited, ifStill: original)
                } catch where error.changed {
                    // Another edit (or program) saved first: its version stays, and this one is kept beside it.
                    let kept = (try? ProtocolFile.keepBeside(path, bytes: edited)) ?? scratch.keep()
                    reportError("\(path) changed while you edited it (another edit or program saved it first): it is left as that "
                                + "one saved it, and your version is kept as \(kept); compare them (diff -u \(path) \(kept)) and edit again")
                    throw ExitStatus.changedMeanwhile
                } catch {
                    reportError("\(error); it is unchanged")
                    throw ExitStatus.cannotCreate
                }
                let summary = "\(path): saved (\(Counted.text(treatment.phases.count, "phase")), \(DurationText.clock(treatment.totalDuration)))"
                StandardStream.output.write(summary.escapingUnsafe + "\n")
                if let warning = ProtocolCatalog.nameMismatch(path: path, id: treatment.id) { reportError("warning: \(warning)") }
                return
            case .invalid(let error):
                for line in error.lines { reportError(line) }
                guard let again = TerminalQuestion.ask("Edit again? [Y/n] ", defaultAnswer: true) else {
                    reportError("\(path) is unchanged (no terminal to ask whether to edit again)")
                    throw ExitStatus.invalidProtocol
                }
                if !again {
                    reportError("\(path) is unchanged")
                    throw ExitStatus.invalidProtocol
                }
            }
        }
    }

    /// The file a name stands for: a path as given, else the id's file in ./Protocols or the
    /// user's folder. A bundled protocol lives in the binary: it is copied first, with `new`.
    static func file(named name: String) throws -> String {
        if name.contains("/") || name.hasSuffix(".json") { return name }
        let catalog = ProtocolCatalog.current
        if let found = catalog.file(forID: name) { return found.path }
        if BundledProtocols.bytes(for: name) != nil {
            reportError("\(name) is bundled with touchtime and cannot be changed in place: make your own copy with "
                        + "'touchtime new \(name) --from \(name)' (it then takes its place), and edit that")
            throw ExitStatus.noInput
        }
        throw ProtocolLoadError.notFound(name: name, searched: [
            "./\(catalog.localDirectory)", catalog.userDirectory ?? "",
        ].filter { !$0.isEmpty })
    }
}

/// The copy the editor changes: `ID.json` (the real name, so the editor's title and syntax
/// colouring are right) in a private folder of its own under $TMPDIR, removed at the end.
final class ScratchCopy {
    let folder: String
    let path: String
    private var kept = false

    init(of original: String, bytes: [UInt8]) throws {
        let base = Environment.variables["TMPDIR"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp"
        guard let made = ProtocolFile.fillTemplate("\(base)/touchtime-edit-XXXXXX", { mkdtemp($0) }), made.result != nil else {
            reportError("cannot make a folder for the copy to edit in \(base): \(Errno.text(errno))")
            throw ExitStatus.cannotCreate
        }
        folder = made.name
        let name = original.split(separator: "/").last.map(String.init) ?? "protocol.json"
        path = "\(folder)/\(name)"
        do {
            try ProtocolFile.create(path, bytes: bytes, mode: 0o600)
        } catch {
            rmdir(folder)
            reportError(error.description)
            throw ExitStatus.cannotCreate
        }
    }

    /// The copy's path, kept: the copy is not removed (where nothing else could hold the edit).
    func keep() -> String {
        kept = true
        return path
    }

    /// Removes the copy and its folder, and whatever an editor left beside it (a backup `~`
    /// file, a swap file), unless it is kept.
    func remove() {
        guard !kept else { return }
        for name in FolderListing.names(in: folder) { unlink("\(folder)/\(name)") }
        rmdir(folder)
    }
}

/// The names in a folder (no `.` and `..`).
enum FolderListing {
    static func names(in folder: String) -> [String] {
        guard let stream = opendir(folder) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
