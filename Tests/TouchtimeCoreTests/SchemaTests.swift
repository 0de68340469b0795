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
        #expect(keys(definitions["voice"]) == Set(ProtocolDecoder.voiceKeys))
    }

    /// The loader's grammar and the schema's patterns are the same strings: one definition.
    @Test func theLoadersGrammarIsTheSchemas() throws {
        let definitions = try #require(try schema()["$defs"] as? [String: Any])
        func pattern(_ name: String) -> String? { (definitions[name] as? [String: Any])?["pattern"] as? String }
        #expect(pattern("durationText") == TextGrammar.duration)
        #expect(pattern("strokeText") == TextGrammar.strokeSeconds)
        #expect(pattern("id") == TextGrammar.identifier)
        #expect(pattern("text") == TextGrammar.nonBlank)
        let voice = (definitions["voice"] as? [String: Any])?["properties"] as? [String: Any]
        #expect((voice?["language"] as? [String: Any])?["pattern"] as? String == TextGrammar.language)
        #expect(TextGrammar.compiled, "the patterns compile in Swift")
    }

    // Whether the schema and the loader give the same verdict is checked by a real JSON Schema
    // validator (Python's jsonschema) over a generated corpus: `.ci/schema_agreement.py`, run by `.ci/test`.
}
