/// A new protocol made from an existing one, for `touchtime new`: the source's own text with
/// only its `id` and `$schema` values changed, so its layout and key order are kept
/// (re-serialising would reflow every line the author wrote).
///
/// The values are replaced in place, found by the strict parser's offsets; a missing `$schema`
/// is added as the first member, indented like the member it precedes. The result is loaded
/// again before it is handed back: what `new` writes always validates.
public enum ProtocolTemplate {
    /// Whether `id` follows the grammar the loader holds a protocol's id to (lowercase letters
    /// and digits in runs joined by single dashes, at most 64).
    public static func isValidID(_ id: String) -> Bool {
        ProtocolDecoder.isIdentifier(id)
    }

    /// `source` (a valid protocol's bytes: the caller has loaded it) with its id set to `id` and
    /// `$schema` to `schema`; `file` names the new file in messages. The source's own sound files
    /// (`"sounds"`), named relative to its folder, are named by their full path in the copy
    /// (`soundsFrom` is that folder, absolute), so the copy rings the same bells from its new
    /// folder. Throws what the loader finds in the result.
    public static func copy(_ source: [UInt8], id: String, schema: String, file: String,
                            soundsFrom sourceFolder: String? = nil) throws(ProtocolLoadError) -> [UInt8] {
        let root: JSONNode
        do {
            root = try JSONParser.parse(source)
        } catch {
            throw .invalid(file: file, problems: [Problem(path: "", position: nil, message: error.message)])
        }
        guard case .object(let members) = root.value, let first = members.first else {
            throw .invalid(file: file, problems: [Problem(path: "", position: nil, message: "expected the protocol, an object")])
        }
        // Edits as (range, replacement), applied from the end so earlier offsets stay true.
        var edits: [(Range<Int>, [UInt8])] = []
        for member in members where member.key == "id" || member.key == "$schema" {
            guard case .string = member.value.value else { continue }
            let start = member.value.offset
            edits.append((start..<stringEnd(source, from: start), quoted(member.key == "id" ? id : schema)))
        }
        if let sourceFolder {
            var soundMembers = members.filter { $0.key == "sounds" }
            if let phases = members.last(where: { $0.key == "phases" }), case .array(let elements) = phases.value.value {
                for element in elements {
                    if case .object(let phaseMembers) = element.value { soundMembers += phaseMembers.filter { $0.key == "sounds" } }
                }
            }
            for sounds in soundMembers {
                guard case .object(let entries) = sounds.value.value else { continue }
                for entry in entries {
                    guard case .string(let name) = entry.value.value, !name.hasPrefix("/") else { continue }
                    let start = entry.value.offset
                    let folder = sourceFolder.hasSuffix("/") ? sourceFolder : sourceFolder + "/"
                    edits.append((start..<stringEnd(source, from: start), quoted(folder + name)))
                }
            }
        }
        if !members.contains(where: { $0.key == "$schema" }) {
            // `{` then the space before the first key: the same space follows the new member.
            let gap = Array(source[(root.offset + 1)..<first.keyOffset])
            let member = Array("\"$schema\": ".utf8) + quoted(schema) + Array(",".utf8) + (gap.isEmpty ? Array(" ".utf8) : gap)
            edits.append((first.keyOffset..<first.keyOffset, member))
        }
        var result = source
        for (range, replacement) in edits.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) {
            result.replaceSubrange(range, with: replacement)
        }
        let copied = try ProtocolLoader.decode(result, file: file, soundsRelativeTo: ProtocolLoader.folder(of: file))
        guard copied.id == id else {
            throw .invalid(file: file, problems: [Problem(path: "id", position: nil, message: "expected the id \"\(id)\" in the copy")])
        }
        return result
    }

    /// The offset just past the string token that starts (with its quote) at `start`.
    private static func stringEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return bytes.count
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> [UInt8] {
        var result: [UInt8] = [UInt8(ascii: "\"")]
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += Array(#"\""#.utf8)
            case "\\": result += Array(#"\\"#.utf8)
            case "\n": result += Array(#"\n"#.utf8)
            case "\t": result += Array(#"\t"#.utf8)
            case "\r": result += Array(#"\r"#.utf8)
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
                } else {
                    result += Array(String(scalar).utf8)
                }
            }
        }
        return result + [UInt8(ascii: "\"")]
    }
}
