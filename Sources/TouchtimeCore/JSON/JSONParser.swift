/// A strict JSON parser over UTF-8 bytes, with a depth limit so hostile nesting cannot exhaust the stack.
struct JSONParser {
    /// Deeper nesting than this is refused rather than risking the stack.
    static let maximumDepth = 32

    private let bytes: [UInt8]
    private var index = 0
    /// Where the last string read ended, and the first curly double quote inside it: a string
    /// opened or closed with a curly quote runs on past it, and the error then found just after
    /// it is really that quote's.
    private var lastString: (end: Int, curlyQuote: Int?) = (-1, nil)

    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
        var parser = JSONParser(bytes: bytes)
        return try parser.parseDocument()
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func fail(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: index, message: message)
    }

    private var current: UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func parseDocument() throws(JSONSyntaxError) -> JSONNode {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
        }
        skipWhitespace()
        guard current != nil else { throw fail("the file is empty: expected a JSON object") }
        let node = try parseValue(depth: 0)
        skipWhitespace()
        if current != nil {
            throw fail("unexpected \(describeCurrent()) after the end of the JSON document")
        }
        return node
    }

    private mutating func skipWhitespace() {
        while let byte = current {
            switch byte {
            case 0x20, 0x09, 0x0D, 0x0A:
                index += 1
            default:
                return
            }
        }
    }

    private func describeCurrent() -> String {
        guard let byte = current else { return "end of file" }
        switch byte {
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
        default: return "byte 0x\(String(byte, radix: 16, uppercase: true))"
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        let start = index
        guard let byte = current else { throw fail("unexpected end of file: expected a value") }
        switch byte {
        case UInt8(ascii: "{"):
            return JSONNode(value: try parseObject(depth: depth + 1), offset: start)
        case UInt8(ascii: "["):
            return JSONNode(value: try parseArray(depth: depth + 1), offset: start)
        case UInt8(ascii: "\""):
            return JSONNode(value: .string(try parseString()), offset: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONNode(value: .number(try parseNumber()), offset: start)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return JSONNode(value: .bool(true), offset: start)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return JSONNode(value: .bool(false), offset: start)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return JSONNode(value: .null, offset: start)
        default:
            if let quote = curlyQuote(at: index) { throw JSONSyntaxError(offset: index, message: Self.curlyQuoteMessage(quote)) }
            throw fail("unexpected \(describeCurrent()): expected a value (object, array, string, number, true, false or null)")
        }
    }

    /// The curly quote (“ ” ‘ ’, as pasted from a word processor) at `offset`, if one is there.
    private func curlyQuote(at offset: Int) -> Character? {
        guard offset + 2 < bytes.count, bytes[offset] == 0xE2, bytes[offset + 1] == 0x80 else { return nil }
        switch bytes[offset + 2] {
        case 0x98: return "\u{2018}"
        case 0x99: return "\u{2019}"
        case 0x9C: return "\u{201C}"
        case 0x9D: return "\u{201D}"
        default: return nil
        }
    }

    /// A curly double quote in a string that was meant to end it: JSON punctuation follows it
    /// (`"title”: `, `"Warm”, `), as it never does a quotation (`"Say “hello”"`).
    private func looksLikeACurlyDelimiter(at offset: Int) -> Bool {
        guard let quote = curlyQuote(at: offset), quote == "\u{201C}" || quote == "\u{201D}" else { return false }
        var next = offset + 3
        while next < bytes.count, [0x20, 0x09, 0x0D, 0x0A].contains(bytes[next]) { next += 1 }
        return next < bytes.count && [UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(bytes[next])
    }

    static func curlyQuoteMessage(_ quote: Character) -> String {
        "found a curly quote \(quote): JSON needs straight quotes \""
    }

    /// A separator was expected but not found: when what came just before was a string holding a
    /// curly double quote, that quote is the mistake (`"title”: ...` ran the key on past it).
    private func failAfterString(_ message: String) -> JSONSyntaxError {
        var end = lastString.end
        while end >= 0, end < index, [0x20, 0x09, 0x0D, 0x0A].contains(bytes[end]) { end += 1 }
        if end == index, let offset = lastString.curlyQuote, let quote = curlyQuote(at: offset) {
            return JSONSyntaxError(offset: offset, message: Self.curlyQuoteMessage(quote))
        }
        return fail(message)
    }

    private mutating func expectLiteral(_ literal: String) throws(JSONSyntaxError) {
        for expected in literal.utf8 {
            guard current == expected else {
                throw fail("invalid literal: expected '\(literal)'")
            }
            index += 1
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONNode.Value {
        guard depth <= Self.maximumDepth else {
            throw fail("nesting deeper than \(Self.maximumDepth) levels")
        }
        index += 1  // {
        var members: [JSONNode.Member] = []
        var seen: Set<String> = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                if let quote = curlyQuote(at: index) { throw JSONSyntaxError(offset: index, message: Self.curlyQuoteMessage(quote)) }
                throw fail("unexpected \(describeCurrent()): expected a string key in double quotes")
            }
            let keyOffset = index
            let key = try parseString()
            guard seen.insert(key).inserted else {
                throw JSONSyntaxError(offset: keyOffset, message: "duplicate key \"\(Quote.key(key))\"")
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else {
                throw failAfterString("unexpected \(describeCurrent()): expected ':' after the key \"\(Quote.key(key))\"")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append(JSONNode.Member(key: key, keyOffset: keyOffset, value: value))
            if try closes(with: "}", after: "an object member") { return .object(members) }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONNode.Value {
        guard depth <= Self.maximumDepth else {
            throw fail("nesting deeper than \(Self.maximumDepth) levels")
        }
        index += 1  // [
        var elements: [JSONNode] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            if try closes(with: "]", after: "an array element") { return .array(elements) }
        }
    }

    /// After an object's member or an array's element: true at the closing bracket (taken), false
    /// after a comma that another member or element follows.
    private mutating func closes(with closing: Unicode.Scalar, after what: String) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        switch current {
        case UInt8(ascii: ","):
            let comma = index
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: closing) { throw JSONSyntaxError(offset: comma, message: "remove the comma before \(closing)") }
            return false
        case UInt8(ascii: closing):
            index += 1
            return true
        default:
            throw failAfterString("unexpected \(describeCurrent()): expected ',' or '\(closing)' after \(what)")
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, isDigit(first) else {
            throw fail("invalid number: expected a digit")
        }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = current, isDigit(next) {
                throw fail("invalid number: leading zeros are not allowed")
            }
        } else {
            skipDigits()
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard let next = current, isDigit(next) else {
                throw fail("invalid number: expected a digit after the decimal point")
            }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard let next = current, isDigit(next) else {
                throw fail("invalid number: expected a digit in the exponent")
            }
            skipDigits()
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while let byte = current, isDigit(byte) { index += 1 }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        index += 1  // opening quote
        var scalars = String.UnicodeScalarView()
        var pendingHighSurrogate: UInt32?
        var curlyDoubleQuote: Int?
        while true {
            guard let byte = current else {
                if let offset = curlyDoubleQuote, let quote = curlyQuote(at: offset) {
                    throw JSONSyntaxError(offset: offset, message: Self.curlyQuoteMessage(quote))
                }
                throw fail("unterminated string: expected a closing '\"'")
            }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                if pendingHighSurrogate != nil { throw fail("invalid \\u escape: a lone high surrogate") }
                lastString = (index, curlyDoubleQuote)
                return String(scalars)
            case UInt8(ascii: "\\"):
                index += 1
                guard let escape = current else { throw fail("unterminated string: expected an escape") }
                index += 1
                if escape == UInt8(ascii: "u") {
                    try appendUnicodeEscape(to: &scalars, pendingHighSurrogate: &pendingHighSurrogate)
                    continue
                }
                if pendingHighSurrogate != nil { throw fail("invalid \\u escape: a lone high surrogate") }
                scalars.append(try simpleEscape(escape))
            case 0x00..<0x20:
                throw fail("control character in a string: write it as an escape such as \\n")
            default:
                if pendingHighSurrogate != nil { throw fail("invalid \\u escape: a lone high surrogate") }
                if curlyDoubleQuote == nil, looksLikeACurlyDelimiter(at: index) {
                    curlyDoubleQuote = index
                }
                scalars.append(try decodeUTF8Scalar())
            }
        }
    }

    /// A `\\uXXXX` escape (its `\\u` read): a scalar, or the high half of a surrogate pair kept
    /// for the low half that must follow.
    private mutating func appendUnicodeEscape(to scalars: inout String.UnicodeScalarView,
                                              pendingHighSurrogate: inout UInt32?) throws(JSONSyntaxError) {
        let unit = try parseHex4()
        if let high = pendingHighSurrogate {
            guard (0xDC00...0xDFFF).contains(unit) else {
                throw fail("invalid \\u escape: a high surrogate must be followed by a low one")
            }
            let value = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)
            if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
            pendingHighSurrogate = nil
        } else if (0xD800...0xDBFF).contains(unit) {
            pendingHighSurrogate = unit
        } else if let scalar = Unicode.Scalar(unit) {
            scalars.append(scalar)
        } else {
            throw fail("invalid \\u escape: a lone low surrogate")
        }
    }

    /// What a one-letter escape (its backslash and letter read) stands for.
    private mutating func simpleEscape(_ escape: UInt8) throws(JSONSyntaxError) -> Unicode.Scalar {
        switch escape {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        default:
            index -= 2  // point at the backslash
            // A control or a byte past ASCII is named, never written into the message.
            guard (0x21...0x7E).contains(escape) else {
                throw fail("invalid escape: a backslash before byte 0x\(String(escape, radix: 16, uppercase: true)) in a string")
            }
            throw fail("invalid escape \\\(Character(Unicode.Scalar(escape))) in a string")
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current else { throw fail("invalid \\u escape: expected 4 hex digits") }
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape: expected 4 hex digits")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Decodes one UTF-8 encoded scalar at `index`, rejecting malformed sequences.
    private mutating func decodeUTF8Scalar() throws(JSONSyntaxError) -> Unicode.Scalar {
        let lead = bytes[index]
        let length: Int
        var value: UInt32
        switch lead {
        case 0x00...0x7F: length = 1; value = UInt32(lead)
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(lead & 0x07)
        default: throw fail("invalid UTF-8 byte 0x\(String(lead, radix: 16, uppercase: true))")
        }
        guard index + length <= bytes.count else { throw fail("truncated UTF-8 sequence") }
        for offset in 1..<max(length, 1) {
            let next = bytes[index + offset]
            guard next & 0xC0 == 0x80 else { throw fail("invalid UTF-8 sequence") }
            value = value << 6 | UInt32(next & 0x3F)
        }
        let minimum: UInt32 = [0, 0, 0x80, 0x800, 0x10000][length]
        guard value >= minimum, let scalar = Unicode.Scalar(value) else {
            throw fail("invalid UTF-8 sequence")
        }
        index += length
        return scalar
    }
}
