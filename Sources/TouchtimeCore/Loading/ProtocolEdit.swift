/// What an edit of a protocol file came to, decided from the bytes before and after: the
/// verdict `touchtime edit` acts on (keep the file, replace it, or show the problems and ask).
///
/// Problems name the real file, never the temporary copy the editor had, so a message reads
/// `~/.config/touchtime/protocols/mine.json:4:12: ...` and its line:column are the edited text's.
public enum ProtocolEdit {
    public enum Outcome: Sendable, Equatable {
        /// Saved as it was: nothing to write.
        case unchanged
        /// A valid protocol: the edited bytes may replace the file.
        case valid(TreatmentProtocol)
        /// Not a valid protocol: the file must stay as it was.
        case invalid(ProtocolLoadError)
    }

    public static func review(original: [UInt8], edited: [UInt8], file: String) -> Outcome {
        if edited == original { return .unchanged }
        do {
            // Sound files are named relative to the real file's folder, not the editor's copy.
            return .valid(try ProtocolLoader.decode(edited, file: file, soundsRelativeTo: ProtocolLoader.folder(of: file)))
        } catch {
            return .invalid(error)
        }
    }

    /// A protocol file's bytes, read as the loader reads them (a regular file, at most a little
    /// over the size limit, so the loader can say it is too large).
    public static func read(_ path: String) throws(ProtocolLoadError) -> [UInt8] {
        try ProtocolLoader.readFile(path)
    }
}
