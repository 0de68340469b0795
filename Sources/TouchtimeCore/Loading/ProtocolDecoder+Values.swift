/// The protocol's own kinds of value: texts, ids and durations.
extension ProtocolDecoder {
    /// A required text field: a non-blank string of at most 2,000 characters.
    mutating func requiredText(_ members: Members, _ key: String) -> String? {
        guard let member = members[key] else {
            report(members.path, members.node.offset, "missing key \"\(key)\": expected a string")
            return nil
        }
        return text(member.value, path: members.path(key))
    }

    /// An optional text field.
    mutating func optionalText(_ members: Members, _ key: String) -> Field<String> {
        guard let member = members[key] else { return .absent }
        return text(member.value, path: members.path(key)).map(Field.valid) ?? .invalid
    }

    mutating func text(_ node: JSONNode, path: String) -> String? {
        guard let value = reader.string(node, path: path) else { return nil }
        if value.unicodeScalars.allSatisfy(TextGrammar.isBlank) {
            report(path, node.offset, "expected some text, found \(value.isEmpty ? "an empty string" : "only blanks")")
            return nil
        }
        // Characters as JSON Schema counts them: Unicode scalars (code points).
        let length = value.unicodeScalars.count
        if length > Self.maximumTextLength {
            report(path, node.offset, "expected at most \(Self.maximumTextLength) characters, found \(length)")
            return nil
        }
        return value
    }

    /// An id: lowercase letters, digits and single dashes, such as `neurotouch-symmetry`.
    mutating func identifier(_ members: Members, _ key: String) -> String? {
        guard let member = members[key] else {
            report(members.path, members.node.offset, "missing key \"\(key)\": expected an id such as \"jawline\"")
            return nil
        }
        let path = members.path(key)
        guard let value = reader.string(member.value, path: path) else { return nil }
        guard Self.isIdentifier(value) else {
            report(path, member.value.offset,
                   "expected an id of lowercase letters, digits and dashes (such as \"jawline-left\", at most \(Self.maximumIdLength) characters), found \(Quote.text(value))")
            return nil
        }
        return value
    }

    static func isIdentifier(_ value: String) -> Bool {
        let scalars = Array(value.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= maximumIdLength,
              scalars.first != "-", scalars.last != "-" else { return false }
        var previousWasDash = false
        for scalar in scalars {
            switch scalar {
            case "a"..."z", "0"..."9":
                previousWasDash = false
            case "-":
                if previousWasDash { return false }
                previousWasDash = true
            default:
                return false
            }
        }
        return true
    }

    /// An optional duration field.
    mutating func optionalDuration(_ members: Members, _ key: String) -> Field<Duration> {
        guard let member = members[key] else { return .absent }
        return duration(member.value, path: members.path(key)).map(Field.valid) ?? .invalid
    }

    /// A duration: finite, at least 0.1 s, at most the 4 hours a session may last.
    mutating func duration(_ node: JSONNode, path: String) -> Duration? {
        let expected = "expected a duration: seconds as a number, or a string such as \"45s\", \"1m30s\" or \"1:30\""
        let seconds: Double
        switch node.value {
        case .number(let literal):
            guard let value = Double(literal), value.isFinite else {
                report(path, node.offset, "expected a duration of at most 4 hours, found \(Quote.clipped(literal))")
                return nil
            }
            seconds = value
        case .string(let literal):
            guard TextGrammar.isDuration(literal), let value = DurationText.value(of: literal) else {
                // Out of range, or of no form: say which.
                if let value = DurationText.value(of: literal), value < Self.minimumDuration || value > Self.maximumSessionSeconds {
                    seconds = value
                    break
                }
                report(path, node.offset, "\(expected), found \(Quote.text(literal))")
                return nil
            }
            seconds = value
        default:
            report(path, node.offset, "\(expected), found \(node.typeDescription)")
            return nil
        }
        guard seconds >= Self.minimumDuration else {
            report(path, node.offset, "expected a duration of at least 0.1 s, found \(Quote.value(node))")
            return nil
        }
        guard seconds <= Self.maximumSessionSeconds else {
            report(path, node.offset, "expected a duration of at most 4 hours, found \(Quote.value(node))")
            return nil
        }
        return .fromSeconds(seconds)
    }
}
