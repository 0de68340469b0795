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
        ("{\"a\": 1,}", "1:8", "remove the comma before }"),
        ("{\"a\": 1, }", "1:8", "remove the comma before }"),
        ("[1, 2, ]", "1:6", "remove the comma before ]"),
        ("{\"a\": [1,\n  ]}", "1:9", "remove the comma before ]"),
        ("{\"a\": 1,,}", "1:9", "unexpected ',': expected a string key in double quotes"),
        ("{\u{201C}a\u{201D}: 1}", "1:2", "found a curly quote \u{201C}: JSON needs straight quotes \""),
        ("{\"a\": \u{201C}x\u{201D}}", "1:7", "found a curly quote \u{201C}: JSON needs straight quotes \""),
        ("{\"a\": \u{2018}x\u{2019}}", "1:7", "found a curly quote \u{2018}: JSON needs straight quotes \""),
        ("[\u{2019}x\u{2019}]", "1:2", "found a curly quote \u{2019}: JSON needs straight quotes \""),
        ("{\"a\u{201D}: 1}", "1:4", "found a curly quote \u{201D}: JSON needs straight quotes \""),
        ("{\"a\": \"x\u{201D}, \"b\": 1}", "1:9", "found a curly quote \u{201D}: JSON needs straight quotes \""),
        ("[\"x\u{201D}, \"y\"]", "1:4", "found a curly quote \u{201D}: JSON needs straight quotes \""),
        ("{\"a\": \"Say \u{201C}hi\u{201D}\" \"b\": 1}", "1:18", "unexpected '\"': expected ',' or '}' after an object member"),
        ("{\"a\" 1}", "1:6", "unexpected '1': expected ':' after the key \"a\""),
        ("[1 2]", "1:4", "unexpected '2': expected ',' or ']' after an array element"),
        ("{\"a\": 01}", "1:8", "invalid number: leading zeros are not allowed"),
        ("{\"a\": 1.}", "1:9", "invalid number: expected a digit after the decimal point"),
        ("{\"a\": tru}", "1:10", "invalid literal: expected 'true'"),
        ("{\"a\": \"x\ny\"}", "1:9", "control character in a string: write it as an escape such as \\n"),
        ("{\"a\": \"\\q\"}", "1:8", "invalid escape \\q in a string"),
        // Found by the configuration fuzzer: a key holding a newline was written into the message as it was.
        ("{\"a\\n\" 1}", "1:8", "unexpected '1': expected ':' after the key \"a\\u{A}\""),
        // Found by the configuration fuzzer: a backslash before a newline wrote the newline into the message.
        ("{\"a\": \"\\\n\"}", "1:8", "invalid escape: a backslash before byte 0xA in a string"),
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

    @Test func curlyQuotesInsideTextAreText() throws {
        let node = try parse("{\"cue\": \"Say \u{201C}hello\u{201D}, it\u{2019}s time\"}")
        guard case .object(let members) = node.value, case .string(let cue) = members.first?.value.value else {
            Issue.record("expected an object holding a string")
            return
        }
        #expect(cue == "Say \u{201C}hello\u{201D}, it\u{2019}s time")
    }

    /// The two mistakes people make most, as `validate` reports them: at the quote, at the comma.
    @Test func aProtocolPastedFromAWordProcessorOrWithATrailingCommaIsPlaced() {
        let curly = "{\n  \"format\": \"touchtime/1\",\n  \"id\": \u{201C}mine\u{201D},\n  \"title\": \"T\"\n}"
        let comma = "{\n  \"format\": \"touchtime/1\",\n  \"phases\": [\n    {\"id\": \"a\"},\n  ],\n  \"id\": \"x\"\n}"
        for (text, expected) in [(curly, "t.json:3:9: found a curly quote \u{201C}: JSON needs straight quotes \""),
                                 (comma, "t.json:4:16: remove the comma before ]")] {
            do {
                _ = try ProtocolLoader.decode(Array(text.utf8), file: "t.json")
                Issue.record("expected \(expected)")
            } catch {
                #expect(error.lines == [expected])
            }
        }
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
