import ArgumentParser
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Start a protocol of your own: a copy of a bundled one (or any) in your protocols folder, with its id set.",
        discussion: """
            Writes ID.json in $XDG_CONFIG_HOME/touchtime/protocols (~/.config/touchtime/protocols), creating the \
            folder, and prints its path. The copy keeps the original's text and layout; only its "id" and "$schema" \
            change ("$schema" names the installed JSON Schema, so an editor can check the file as you type). \
            Exit codes: 64 ID is not an id; 65 the source is not a valid protocol; 66 the source cannot be found; \
            73 ID.json exists already, or cannot be written.
            """
    )

    @Argument(help: ArgumentHelp("The new protocol's id: lowercase letters, digits and single dashes, at most 64 (such as my-ritual).",
                                 valueName: "id"))
    var id: String

    @Option(help: ArgumentHelp("The protocol to copy: an id or a file (default: \(BundledProtocols.defaultID)).", valueName: "protocol"),
            completion: ProtocolCompletion.protocols)
    var from: String?

    func validate() throws {
        guard ProtocolTemplate.isValidID(id) else {
            throw ValidationError("'\(id.escapingUnsafe)' is not an id: use lowercase letters, digits and single dashes, at most 64 (such as my-ritual)")
        }
    }

    func run() throws {
        let catalog = ProtocolCatalog.current
        guard let folder = catalog.userDirectory else {
            reportError("no protocols folder: set HOME or XDG_CONFIG_HOME")
            throw ExitStatus.cannotCreate
        }
        let path = "\(folder)/\(id).json"
        if access(path, F_OK) == 0 {
            throw Self.exists(path, id: id)
        }
        let source: (bytes: [UInt8], protocol: TreatmentProtocol, origin: ProtocolCatalog.Origin)
        do {
            source = try catalog.source(from ?? BundledProtocols.defaultID)
        } catch {
            throw error
        }
        do {
            try ProtocolFile.makeFolders(folder)
            let schema = try InstalledSchema.reference(besides: folder)
            let bytes = try ProtocolTemplate.copy(source.bytes, id: id, schema: schema, file: path,
                                                  soundsFrom: Self.absoluteFolder(of: source.origin))
            try ProtocolFile.create(path, bytes: bytes)
        } catch let failure as ProtocolFile.Failure {
            if failure.exists { throw Self.exists(path, id: id) }
            reportError(failure.description)
            throw ExitStatus.cannotCreate
        } catch let error as ProtocolLoadError {
            throw error
        }
        StandardStream.output.write(path.escapingUnsafe + "\n")
        if let found = catalog.file(forID: id), case .local(let local) = found.origin {
            reportError("warning: ./\(local) is found first for '\(id)' from this folder: run yours as \(path)")
        }
    }

    /// The folder a protocol file is in, as a full path (nil for a bundled one: it has no files of its own).
    static func absoluteFolder(of origin: ProtocolCatalog.Origin) -> String? {
        switch origin {
        case .bundled: return nil
        case .local(let path), .user(let path), .file(let path):
            let folder = ProtocolLoader.folder(of: path)
            if folder.hasPrefix("/") { return folder }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            guard getcwd(&buffer, buffer.count) != nil else { return folder }
            let here = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return folder == "." ? here : here + "/" + folder
        }
    }

    private static func exists(_ path: String, id: String) -> ExitCode {
        reportError("\(path) already exists: change it with 'touchtime edit \(id)', or choose another id")
        return ExitStatus.cannotCreate
    }
}

/// Where the JSON Schema that a new protocol's `$schema` names is.
///
/// Installed (`make install`, the Debian package), it is `share/touchtime/touchtime.schema.json`
/// beside the binary's `bin` folder, found from `/proc/self/exe`, and named by its absolute path.
/// Run from a build folder there is none: the schema compiled into the binary is written as
/// `touchtime.schema.json` in the user's protocols folder (again whenever it differs, so it follows
/// the binary; `list` and lookups by id skip `*.schema.json`) and named as `./touchtime.schema.json`,
/// as the bundled protocols name theirs.
enum InstalledSchema {
    static let fileName = "touchtime.schema.json"

    static var installedPath: String? {
        guard let executable = ProtocolFile.realPath("/proc/self/exe"),
              let bin = executable.lastIndex(of: "/") else { return nil }
        let prefix = executable[..<bin].lastIndex(of: "/").map { String(executable[..<$0]) } ?? ""
        let path = "\(prefix)/share/touchtime/\(fileName)"
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG ? path : nil
    }

    static func reference(besides folder: String) throws(ProtocolFile.Failure) -> String {
        if let installedPath { return installedPath }
        let path = "\(folder)/\(fileName)"
        var status = stat()
        let isLink = lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
        if isLink || (try? ProtocolEdit.read(path)) != BundledProtocols.schema {
            if lstat(path, &status) == 0 {
                // Never through a link: what it points to (a file of the user's, or of the build) is left alone.
                try ProtocolFile.replace(path, bytes: BundledProtocols.schema, followingLinks: false)
            } else {
                try ProtocolFile.create(path, bytes: BundledProtocols.schema)
            }
        }
        return "./\(fileName)"
    }
}
