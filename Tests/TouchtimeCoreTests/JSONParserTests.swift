import Testing
@testable import TouchtimeCore

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
        try JSONParser.parse(Array(text.utf8))
    }

    private func error(_ text: String) -> (SourcePosition, String)? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return (LineIndex(Array(text.utf8)).position(of: error.offset), error.message)
        }
    }

    @Test func keepsMembersInOrderWithOffsets() throws {
        let node = try parse("{\n  \"b\": 1,\n  \"a\": [true, null, \"x\"]\n}")
        guard case .object(let members) = node.value else {
            Issue.record("expected an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a"])
        let lines = LineIndex(Array("{\n  \"b\": 1,\n  \"a\": [true, null, \"x\"]\n}".utf8))
        #expect(lines.position(of: members[1].keyOffset) == SourcePosition(line: 3, column: 3))
        #expect(lines.position(of: members[1].value.offset) == SourcePosition(line: 3, column: 8))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let node = try parse(#""a\"b\\c\n\u00e9\ud83d\ude00""#)
        guard case .string(let value) = node.value else {
            Issue.record("expected a string")
            return
        }
        #expect(value == "a\"b\\c\né😀")
    }

    @Test func columnsCountCharactersNotBytes() {
        let failure = error("{\"é😀\": 1 2}")
        #expect(failure?.0 == SourcePosition(line: 1, column: 10))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "1:9", "unexpected '}': expected a string key in double quotes"),
        ("{\"a\" 1}", "1:6", "unexpected '1': expected ':' after the key \"a\""),
        ("[1 2]", "1:4", "unexpected '2': expected ',' or ']' after an array element"),
        ("{\"a\": 01}", "1:8", "invalid number: leading zeros are not allowed"),
        ("{\"a\": 1.}", "1:9", "invalid number: expected a digit after the decimal point"),
        ("{\"a\": tru}", "1:10", "invalid literal: expected 'true'"),
        ("{\"a\": \"x\ny\"}", "1:9", "control character in a string: write it as an escape such as \\n"),
        ("{\"a\": \"\\q\"}", "1:8", "invalid escape \\q in a string"),
        ("{\"a\": \"\\ud83d\"}", "1:15", "invalid \\u escape: a lone high surrogate"),
        ("{\"a\": 1, \"a\": 2}", "1:10", "duplicate key \"a\""),
        ("{} {}", "1:4", "unexpected '{' after the end of the JSON document"),
        ("{\"a\": \"open", "1:12", "unterminated string: expected a closing '\"'"),
        ("", "1:1", "the file is empty: expected a JSON object"),
        ("{\"a\": NaN}", "1:7", "unexpected 'N': expected a value (object, array, string, number, true, false or null)"),
    ])
    func reportsSyntaxErrorsWithPlace(text: String, place: String, message: String) {
        let failure = error(text)
        #expect(failure?.0.description == place)
        #expect(failure?.1 == message)
    }

    @Test func refusesDeepNestingWithoutRecursingFurther() {
        let failure = error(String(repeating: "[", count: 100_000))
        #expect(failure?.1 == "nesting deeper than 32 levels")
    }

    @Test func refusesInvalidUTF8() {
        var bytes = Array("{\"a\": \"".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\"}".utf8)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
    }

    @Test func acceptsByteOrderMark() throws {
        _ = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8))
    }
}
