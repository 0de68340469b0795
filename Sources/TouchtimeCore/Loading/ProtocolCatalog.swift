/// Where protocols are found, and how a name given on the command line becomes a protocol.
///
/// A name containing `/` or ending in `.json` is a file path. Any other name is an id, looked
/// up as `ID.json` in `./Protocols`, then in the user's folder, then among the bundled ones:
/// a local copy deliberately overrides the bundled one of the same id.
public struct ProtocolCatalog: Sendable {
    public enum Origin: Sendable, Equatable, CustomStringConvertible {
        case bundled
        case local(path: String)
        case user(path: String)
        case file(path: String)

        public var description: String {
            switch self {
            case .bundled: return "bundled"
            case .local(let path), .user(let path), .file(let path): return path
            }
        }

        /// The file name used in messages.
        func fileName(id: String) -> String {
            switch self {
            case .bundled: return BundledProtocols.displayName(for: id)
            case .local(let path), .user(let path), .file(let path): return path
            }
        }
    }

    /// One protocol found by `entries()`, or the reason it could not be loaded.
    public struct Entry: Sendable {
        public var id: String
        public var origin: Origin
        public var result: Result<TreatmentProtocol, ProtocolLoadError>
    }

    /// `./Protocols`, relative to the working directory.
    public var localDirectory: String
    /// `$XDG_CONFIG_HOME/touchtime/protocols`, or `~/.config/touchtime/protocols`.
    public var userDirectory: String?

    public init(localDirectory: String = "Protocols", userDirectory: String?) {
        self.localDirectory = localDirectory
        self.userDirectory = userDirectory
    }

    /// The user folder for an environment, following the XDG base directory rules.
    public static func userDirectory(environment: [String: String]) -> String? {
        BaseDirectory.config.path("touchtime/protocols", environment: environment)
    }

    /// Resolves a command-line name (file path or id) to a loaded protocol.
    public func resolve(_ name: String) throws(ProtocolLoadError) -> (TreatmentProtocol, Origin) {
        if name.contains("/") || name.hasSuffix(".json") {
            return (try ProtocolLoader.load(contentsOf: name), .file(path: name))
        }
        for (directory, makeOrigin) in searchDirectories {
            let path = "\(directory)/\(name).json"
            if FileSystem.isRegularFile(path) {
                return (try ProtocolLoader.load(contentsOf: path), makeOrigin(path))
            }
        }
        if let bundled = try BundledProtocols.load(name) {
            return (bundled, .bundled)
        }
        let searched = searchDirectories.map { $0.0.hasPrefix("/") ? $0.0 : "./" + $0.0 }
        let known = searchDirectories.flatMap { FileSystem.jsonFiles(in: $0.0).map { String($0.dropLast(".json".count)) } }
            + BundledProtocols.files.map(\.id)
        throw .notFound(name: name, searched: searched + ["the bundled protocols"], suggestion: Suggestion.closest(to: name, in: known))
    }

    /// Every protocol that can be named by id: local, user, then bundled ones, in that order.
    public func entries() -> [Entry] {
        var entries: [Entry] = []
        for (directory, makeOrigin) in searchDirectories {
            for fileName in FileSystem.jsonFiles(in: directory) {
                let path = "\(directory)/\(fileName)"
                let id = String(fileName.dropLast(".json".count))
                let result: Result<TreatmentProtocol, ProtocolLoadError>
                do {
                    result = .success(try ProtocolLoader.load(contentsOf: path))
                } catch {
                    result = .failure(error)
                }
                entries.append(Entry(id: id, origin: makeOrigin(path), result: result))
            }
        }
        for file in BundledProtocols.files {
            let result: Result<TreatmentProtocol, ProtocolLoadError>
            do {
                result = .success(try ProtocolLoader.decode(file.bytes, file: BundledProtocols.displayName(for: file.id)))
            } catch {
                result = .failure(error)
            }
            entries.append(Entry(id: file.id, origin: .bundled, result: result))
        }
        return entries
    }

    /// A protocol's bytes as `resolve` would find them (a file's exactly as they are on disk), with
    /// where they came from; the protocol is loaded too, so a source that is not valid is refused.
    public func source(_ name: String) throws(ProtocolLoadError) -> (bytes: [UInt8], protocol: TreatmentProtocol, origin: Origin) {
        let (treatment, origin) = try resolve(name)
        switch origin {
        case .bundled:
            guard let bytes = BundledProtocols.bytes(for: name) else { throw .notFound(name: name, searched: ["the bundled protocols"]) }
            return (bytes, treatment, origin)
        case .local(let path), .user(let path), .file(let path):
            return (try ProtocolLoader.readFile(path), treatment, origin)
        }
    }

    /// The file that an id names in ./Protocols or the user's folder (the first, as `resolve`
    /// looks), or nil: the file `touchtime edit ID` changes.
    public func file(forID id: String) -> (path: String, origin: Origin)? {
        for (directory, makeOrigin) in searchDirectories {
            let path = "\(directory)/\(id).json"
            if FileSystem.isRegularFile(path) { return (path, makeOrigin(path)) }
        }
        return nil
    }

    /// Every name that runs a protocol by id, sorted, without loading any: the file names of
    /// ./Protocols and the user's folder and the bundled ids. Fast enough for a shell's TAB.
    public func ids(includingBundled: Bool = true) -> [String] {
        var ids: Set<String> = includingBundled ? Set(BundledProtocols.files.map(\.id)) : []
        for (directory, _) in searchDirectories {
            for fileName in FileSystem.jsonFiles(in: directory) { ids.insert(String(fileName.dropLast(".json".count))) }
        }
        return ids.sorted()
    }

    /// When a file's name and the id it holds differ (`Ritual2.json` holding `"id": "my-ritual"`
    /// is run as `Ritual2` but recorded as `my-ritual`): a warning saying how to make them agree.
    public static func nameMismatch(path: String, id: String) -> String? {
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        guard fileName.hasSuffix(".json") else { return nil }
        let stem = String(fileName.dropLast(".json".count))
        guard stem != id else { return nil }
        let change = ProtocolTemplate.isValidID(stem) ? ", or change its id to \"\(stem)\"" : ""
        return "\(path) holds the id \"\(id)\", not \"\(stem)\": by id it is run as \(stem) but recorded as \(id); "
            + "rename the file to \(id).json\(change)"
    }

    private var searchDirectories: [(String, @Sendable (String) -> Origin)] {
        var directories: [(String, @Sendable (String) -> Origin)] = [(localDirectory, { .local(path: $0) })]
        if let userDirectory {
            directories.append((userDirectory, { .user(path: $0) }))
        }
        return directories
    }
}
