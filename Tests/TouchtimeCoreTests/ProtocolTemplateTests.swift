import Foundation
import Testing
@testable import TouchtimeCore

/// `touchtime new`'s copy, `touchtime edit`'s verdict, and the catalog's help for both.
@Suite struct ProtocolTemplateTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func aCopyChangesOnlyTheIdAndTheSchemaInTheText() throws {
        let source = try #require(BundledProtocols.bytes(for: BundledProtocols.defaultID))
        let copy = try ProtocolTemplate.copy(source, id: "my-ritual", schema: "/usr/share/touchtime/touchtime.schema.json", file: "my-ritual.json")
        let expected = text(source)
            .replacingOccurrences(of: #""id": "neurotouch-symmetry""#, with: #""id": "my-ritual""#)
            .replacingOccurrences(of: #""$schema": "./touchtime.schema.json""#, with: #""$schema": "/usr/share/touchtime/touchtime.schema.json""#)
        #expect(text(copy) == expected)
        #expect(try ProtocolLoader.decode(copy, file: "my-ritual.json").id == "my-ritual")
    }

    @Test func aMissingSchemaComesFirstIndentedLikeTheRest() throws {
        let source = "{\n    \"format\": \"touchtime/1\",\n    \"id\": \"x\", \"title\": \"T\",\n    \"phases\": [{\"id\": \"a\", \"title\": \"A\", \"cue\": \"c\", \"duration\": 5}]\n}\n"
        let copy = try ProtocolTemplate.copy(Array(source.utf8), id: "mine", schema: "./touchtime.schema.json", file: "mine.json")
        #expect(text(copy) == "{\n    \"$schema\": \"./touchtime.schema.json\",\n    \"format\": \"touchtime/1\",\n    \"id\": \"mine\", \"title\": \"T\",\n"
                + "    \"phases\": [{\"id\": \"a\", \"title\": \"A\", \"cue\": \"c\", \"duration\": 5}]\n}\n")
        let oneLine = #"{"format":"touchtime/1","id":"x","title":"T","phases":[{"id":"a","title":"A","cue":"c","duration":5}]}"#
        let copied = try ProtocolTemplate.copy(Array(oneLine.utf8), id: "y", schema: #"/opt/a "b"/s.json"#, file: "y.json")
        #expect(text(copied) == #"{"$schema": "/opt/a \"b\"/s.json", "format":"touchtime/1","id":"y","title":"T","phases":[{"id":"a","title":"A","cue":"c","duration":5}]}"#)
    }

    @Test func aPhaseIdIsNeverMistakenForTheProtocolsId() throws {
        let source = #"{"phases": [{"id": "x", "title": "A", "cue": "c", "duration": 5}], "id": "x", "title": "T", "format": "touchtime/1"}"#
        let copy = try ProtocolTemplate.copy(Array(source.utf8), id: "z", schema: "s.json", file: "z.json")
        #expect(text(copy) == #"{"$schema": "s.json", "phases": [{"id": "x", "title": "A", "cue": "c", "duration": 5}], "id": "z", "title": "T", "format": "touchtime/1"}"#)
    }

    @Test(arguments: [("my-ritual", true), ("a", true), ("ritual-2", true), ("Ritual2", false), ("my--ritual", false),
                      ("-a", false), ("a-", false), ("", false), ("my_ritual", false), (String(repeating: "a", count: 64), true),
                      (String(repeating: "a", count: 65), false)])
    func idsFollowTheLoadersGrammar(id: String, valid: Bool) {
        #expect(ProtocolTemplate.isValidID(id) == valid)
    }

    @Test func anEditIsUnchangedValidOrInvalidNamingTheRealFile() throws {
        let original = try #require(BundledProtocols.bytes(for: "trainee-drill"))
        #expect(ProtocolEdit.review(original: original, edited: original, file: "/home/ana/mine.json") == .unchanged)
        let retitled = Array(text(original).replacingOccurrences(of: "Trainee timing drill", with: "My drill").utf8)
        guard case .valid(let treatment) = ProtocolEdit.review(original: original, edited: retitled, file: "/home/ana/mine.json") else {
            Issue.record("expected a valid edit")
            return
        }
        #expect(treatment.title == "My drill")
        let broken = Array(text(original).replacingOccurrences(of: #""format": "touchtime/1","#, with: #""format": "touchtime/1",,"#).utf8)
        guard case .invalid(let error) = ProtocolEdit.review(original: original, edited: broken, file: "/home/ana/mine.json") else {
            Issue.record("expected an invalid edit")
            return
        }
        #expect(error.lines == [#"/home/ana/mine.json:3:27: unexpected ',': expected a string key in double quotes"#])
    }

    @Test func aFileWhoseNameIsNotItsIdIsToldHowToAgree() {
        #expect(ProtocolCatalog.nameMismatch(path: "Protocols/Ritual2.json", id: "my-ritual")
                == #"Protocols/Ritual2.json holds the id "my-ritual", not "Ritual2": by id it is run as Ritual2 but recorded as my-ritual; rename the file to my-ritual.json"#)
        #expect(ProtocolCatalog.nameMismatch(path: "/p/ritual.json", id: "my-ritual")
                == #"/p/ritual.json holds the id "my-ritual", not "ritual": by id it is run as ritual but recorded as my-ritual; rename the file to my-ritual.json, or change its id to "ritual""#)
        #expect(ProtocolCatalog.nameMismatch(path: "/p/my-ritual.json", id: "my-ritual") == nil)
    }

    @Test func theEmbeddedSchemaIsTheProtocolsFoldersOwn() throws {
        let file = try Data(contentsOf: Fixtures.protocolsFolder.appendingPathComponent("touchtime.schema.json"))
        #expect(BundledProtocols.schema == Array(file))
    }
}
