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

    /// Edit, check, then save, say nothing changed, or ask whether to edit again.
    func run() async throws {
        let path = try Self.file(named: name)
        let original = try ProtocolEdit.read(path)
        let scratch = try ScratchCopy(of: path, bytes: original)
        defer { scratch.remove() }
        let editor = Editor(environment: Environment.variables)
        while true {
            try await Self.edit(scratch, with: editor, file: path, original: original)
            let edited = try Self.read(scratch, file: path)
            switch ProtocolEdit.review(original: original, edited: edited, file: path) {
            case .unchanged:
                StandardStream.output.write("\(path): no changes".escapingUnsafe + "\n")
                return
            case .valid(let treatment):
                try Self.save(edited, to: path, ifStill: original, scratch: scratch)
                let summary = "\(path): saved (\(Counted.text(treatment.phases.count, "phase")), \(DurationText.clock(treatment.totalDuration)))"
                StandardStream.output.write(summary.escapingUnsafe + "\n")
                if let warning = ProtocolCatalog.nameMismatch(path: path, id: treatment.id) { reportError("warning: \(warning)") }
                return
            case .invalid(let error):
                for line in error.lines { reportError(line) }
                try Self.askToEditAgain(file: path)
            }
        }
    }

    /// Runs the editor on the copy. Told to end (SIGTERM, SIGHUP), nothing is saved, and what
    /// the editor had written to the copy is kept beside the file.
    private static func edit(_ scratch: ScratchCopy, with editor: Editor, file path: String, original: [UInt8]) async throws {
        do throws(Editor.Failure) {
            try await editor.edit(scratch.path)
        } catch {
            guard case .ended(let signal) = error else {
                throw CommandFailure("\(error); \(path) is unchanged", status: ExitStatus.unavailable)
            }
            var kept = ""
            if let edited = try? ProtocolEdit.read(scratch.path), edited != original,
               let beside = try? ProtocolFile.keepBeside(path, bytes: edited) {
                kept = "; what the editor had saved is kept as \(beside)"
            }
            throw CommandFailure("\(error): \(path) is unchanged\(kept)", status: ExitStatus.signal(signal))
        }
    }

    private static func read(_ scratch: ScratchCopy, file path: String) throws -> [UInt8] {
        do {
            return try ProtocolEdit.read(scratch.path)
        } catch {
            throw CommandFailure("cannot read the edited copy (\(scratch.path)); \(path) is unchanged", status: ExitStatus.noInput)
        }
    }

    /// Replaces the file, unless it changed since it was read: another edit (or program) saved
    /// first, its version stays, and this one is kept beside it.
    private static func save(_ edited: [UInt8], to path: String, ifStill original: [UInt8], scratch: ScratchCopy) throws {
        do throws(ProtocolFile.Failure) {
            try ProtocolFile.replace(path, bytes: edited, ifStill: original)
        } catch where error.changed {
            let kept = (try? ProtocolFile.keepBeside(path, bytes: edited)) ?? scratch.keep()
            throw CommandFailure("\(path) changed while you edited it (another edit or program saved it first): it is left as that "
                                 + "one saved it, and your version is kept as \(kept); compare them (diff -u \(path) \(kept)) and edit again",
                                 status: ExitStatus.changedMeanwhile)
        } catch {
            throw CommandFailure("\(error); it is unchanged", status: ExitStatus.cannotCreate)
        }
    }

    /// Returns to edit again; a no, or no terminal to ask on, gives the edit up (65).
    private static func askToEditAgain(file path: String) throws {
        guard let again = TerminalQuestion.ask("Edit again? [Y/n] ", defaultAnswer: true) else {
            throw CommandFailure("\(path) is unchanged (no terminal to ask whether to edit again)", status: ExitStatus.invalidProtocol)
        }
        if !again { throw CommandFailure("\(path) is unchanged", status: ExitStatus.invalidProtocol) }
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
            throw CommandFailure("cannot make a folder for the copy to edit in \(base): \(Errno.text(errno))", status: ExitStatus.cannotCreate)
        }
        folder = made.name
        let name = original.split(separator: "/").last.map(String.init) ?? "protocol.json"
        path = "\(folder)/\(name)"
        do {
            try ProtocolFile.create(path, bytes: bytes, mode: 0o600)
        } catch {
            rmdir(folder)
            throw CommandFailure(error.description, status: ExitStatus.cannotCreate)
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
