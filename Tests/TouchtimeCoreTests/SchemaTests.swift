import Foundation
import Testing
@testable import TouchtimeCore

/// Keeps `Protocols/touchtime.schema.json` in step with the loader: the same keys, and the
/// same verdict on the bundled files and on a set of bad documents the schema can express.
@Suite struct SchemaTests {
    private static let schemaURL = Fixtures.protocolsFolder.appendingPathComponent("touchtime.schema.json")

    private func schema() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.schemaURL))
        return try #require(object as? [String: Any])
    }

    @Test func schemaNamesExactlyTheLoadersKeys() throws {
        let schema = try schema()
        let definitions = try #require(schema["$defs"] as? [String: Any])
        func keys(_ node: Any?) -> Set<String> {
            Set(((node as? [String: Any])?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
        }
        #expect(keys(schema) == Set(ProtocolDecoder.topLevelKeys))
        #expect(keys(definitions["phase"]) == Set(ProtocolDecoder.phaseKeys))
        #expect(keys(definitions["step"]) == Set(ProtocolDecoder.stepKeys))
        #expect(keys(definitions["chimes"]) == Set(ProtocolDecoder.chimeKeys))
    }

    @Test func bundledFilesPassBothSchemaAndLoader() throws {
        let validator = MiniSchemaValidator(root: try schema())
        #expect(!Fixtures.bundledFiles.isEmpty)
        for file in Fixtures.bundledFiles {
            let document = try JSONSerialization.jsonObject(with: Data(contentsOf: file), options: [.fragmentsAllowed])
            #expect(validator.errors(document).isEmpty, "\(file.lastPathComponent) against the schema")
            #expect(throws: Never.self) { try ProtocolLoader.load(contentsOf: file.path) }
        }
    }

    @Test(arguments: [
        #"{"format": "touchtime/2", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
        #"{"format": "touchtime/1", "id": "X", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": []}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 0.05}]}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": "5 minutes"}]}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": "1:75"}]}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c"}]}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5, "steps": [{"cue": "c", "duration": 1}]}]}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5, "extra": 1}]}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "kind": "calm", "duration": 5}]}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": " ", "cue": "c", "duration": 5}]}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "steps": [{"duration": 1}]}]}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5, "chimes": {"volume": 101}}]}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5, "chimes": {"start": "gong"}}]}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "chimes": {"pitch": 20}, "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5}]}"#,
        #"{"format": "touchtime/1", "id": "x", "title": "T", "phases": [{"id": "a", "title": "A", "cue": "c", "duration": 5, "strokeSeconds": 0.2}]}"#,
    ])
    func schemaAndLoaderBothRefuse(text: String) throws {
        let validator = MiniSchemaValidator(root: try schema())
        let document = try JSONSerialization.jsonObject(with: Data(text.utf8))
        #expect(!validator.errors(document).isEmpty, "the schema refuses it")
        #expect(!Fixtures.problems(text).isEmpty, "the loader refuses it")
    }

    @Test(arguments: ["45", "45s", "1.5s", "2m", "1m30s", "1h5m", "1:30", "1:02:03", "1.5m"])
    func schemaAndLoaderAgreeOnDurationStrings(text: String) throws {
        let validator = MiniSchemaValidator(root: try schema())
        let definitions = try #require(try schema()["$defs"] as? [String: Any])
        #expect(validator.errors(text, against: definitions["duration"] ?? [:]).isEmpty)
        #expect(DurationText.seconds(parsing: text) != nil)
    }
}

/// The subset of JSON Schema 2020-12 our schema uses: enough to hold it to account in tests.
struct MiniSchemaValidator {
    let root: [String: Any]

    func errors(_ value: Any) -> [String] {
        errors(value, against: root, path: "$")
    }

    func errors(_ value: Any, against schema: Any, path: String = "$") -> [String] {
        guard let schema = schema as? [String: Any] else { return [] }
        var found: [String] = []
        if let reference = schema["$ref"] as? String {
            let name = reference.replacingOccurrences(of: "#/$defs/", with: "")
            let target = (root["$defs"] as? [String: Any])?[name] ?? [:]
            found += errors(value, against: target, path: path)
        }
        if let type = schema["type"] as? String, !matches(value, type: type) {
            found.append("\(path): not a \(type)")
            return found
        }
        if let constant = schema["const"], !same(value, constant) { found.append("\(path): not the constant") }
        if let options = schema["enum"] as? [Any], !options.contains(where: { same(value, $0) }) {
            found.append("\(path): not in enum")
        }
        if let text = value as? String {
            if let minimum = schema["minLength"] as? Int, text.count < minimum { found.append("\(path): too short") }
            if let maximum = schema["maxLength"] as? Int, text.count > maximum { found.append("\(path): too long") }
            if let pattern = schema["pattern"] as? String,
               let regex = try? NSRegularExpression(pattern: pattern),
               regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                found.append("\(path): does not match \(pattern)")
            }
        }
        if let number = value as? NSNumber, !isBool(value) {
            if let minimum = schema["minimum"] as? Double, number.doubleValue < minimum { found.append("\(path): below minimum") }
            if let maximum = schema["maximum"] as? Double, number.doubleValue > maximum { found.append("\(path): above maximum") }
        }
        if let array = value as? [Any] {
            if let minimum = schema["minItems"] as? Int, array.count < minimum { found.append("\(path): too few items") }
            if let maximum = schema["maxItems"] as? Int, array.count > maximum { found.append("\(path): too many items") }
            if let items = schema["items"] {
                for (index, element) in array.enumerated() { found += errors(element, against: items, path: "\(path)[\(index)]") }
            }
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                found.append("\(path): missing \(key)")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, element) in object {
                if let property = properties[key] {
                    found += errors(element, against: property, path: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    found.append("\(path): unknown \(key)")
                }
            }
        }
        if let options = schema["oneOf"] as? [Any] {
            let passing = options.filter { errors(value, against: $0, path: path).isEmpty }.count
            if passing != 1 { found.append("\(path): \(passing) of oneOf match") }
        }
        if let negated = schema["not"], errors(value, against: negated, path: path).isEmpty {
            found.append("\(path): matches not")
        }
        return found
    }

    private func matches(_ value: Any, type: String) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "number": return value is NSNumber && !isBool(value)
        case "boolean": return isBool(value)
        default: return true
        }
    }

    private func isBool(_ value: Any) -> Bool {
        // JSONSerialization gives booleans as NSNumbers of ObjC type "c" (char).
        guard let number = value as? NSNumber, !(value is String) else { return false }
        return String(cString: number.objCType) == "c"
    }

    private func same(_ lhs: Any, _ rhs: Any) -> Bool {
        (lhs as? NSObject)?.isEqual(rhs) ?? false
    }
}
