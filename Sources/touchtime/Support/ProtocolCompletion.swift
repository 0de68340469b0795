import ArgumentParser
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// What a shell's TAB offers for a protocol argument (bash, zsh and fish scripts from
/// `--generate-completion-script` call back into the binary as `touchtime ---completion ...`).
///
/// The ids from every place `list` looks (./Protocols, the user's folder, the bundled ones), by
/// file name only: nothing is loaded or parsed, so it answers in milliseconds and never prints a
/// problem. A word that looks like a path gets the `*.json` files and folders it can continue to.
enum ProtocolCompletion {
    /// Every protocol that can be named: `run`, `show`, `validate`, `render`, `practice`, `new --from`.
    static let protocols = CompletionKind.custom { _, _, prefix in candidates(prefix: prefix, includingBundled: true) }

    /// Only the protocols `edit` can change: yours (./Protocols and the user's folder), and files.
    static let editable = CompletionKind.custom { _, _, prefix in candidates(prefix: prefix, includingBundled: false) }

    /// Ids alone (`stats --protocol`, which names what the history recorded).
    static let ids = CompletionKind.custom { _, _, prefix in ProtocolCatalog.current.ids().filter { $0.hasPrefix(prefix) } }

    static func candidates(prefix: String, includingBundled: Bool) -> [String] {
        var result: [String] = []
        if !prefix.contains("/") {
            result += ProtocolCatalog.current.ids(includingBundled: includingBundled).filter { $0.hasPrefix(prefix) }
        }
        if !prefix.isEmpty || result.isEmpty {
            result += paths(prefix: prefix)
        }
        return result
    }

    /// `*.json` files and folders (with their `/`) that continue `prefix`; hidden ones only when
    /// asked for with a leading dot.
    static func paths(prefix: String) -> [String] {
        let slash = prefix.lastIndex(of: "/")
        let folderPart = slash.map { String(prefix[...$0]) } ?? ""
        let namePart = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        let folder = folderPart.isEmpty ? "." : folderPart
        var result: [String] = []
        for name in FolderListing.names(in: folder).sorted() where name.hasPrefix(namePart) {
            if name.hasPrefix("."), !namePart.hasPrefix(".") { continue }
            var status = stat()
            guard stat("\(folder)/\(name)", &status) == 0 else { continue }
            if status.st_mode & S_IFMT == S_IFDIR {
                result.append(folderPart + name + "/")
            } else if name.hasSuffix(".json"), !name.hasSuffix(".schema.json") {
                result.append(folderPart + name)
            }
        }
        return result
    }

    /// `chime`'s kinds, and `all`.
    static let chimeKinds = CompletionKind.list(ChimeCommand.names)
}
