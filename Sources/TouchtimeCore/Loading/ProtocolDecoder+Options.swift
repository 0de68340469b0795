/// The chime and voice options, of the protocol and of a phase.
extension ProtocolDecoder {
    /// `{"start": "transition", "warningBefore": "5s", "volume": 80, "pitch": 660}`, every key
    /// optional; invalid when anything in it is.
    mutating func decodeChimes(_ node: JSONNode, path: String, protocolLevel: Bool) -> Field<ChimeOptions> {
        let before = problems.count
        guard let members = reader.object(node, path: path, known: Self.chimeKeys, what: "chime options") else { return .invalid }
        var options = ChimeOptions()
        if let member = members["marks"] {
            if protocolLevel {
                options.marks = decodeMarks(member, path: members.path("marks")).value
            } else {
                report(members.path("marks"), member.keyOffset, "a phase's own marks go in \"marks\" on the phase, beside \"chimes\"")
            }
        }
        let kinds = ChimeKind.allCases.map { ($0.rawValue, ChimeKind?.some($0)) } + [("none", nil)]
        if let start = reader.choice(members["start"], path: members.path("start"), kinds,
                                     expected: "one of " + JSONReader.names(kinds.map(\.0))).value {
            options.start = .some(start)
        }
        if let member = members["warningBefore"] {
            if case .number(let literal) = member.value.value, Double(literal) == 0 {
                options.warningBefore = .zero  // 0 turns a protocol-wide warning off for this phase
            } else {
                options.warningBefore = duration(member.value, path: members.path("warningBefore"))
            }
        }
        options.volume = reader.wholeNumber(members["volume"], path: members.path("volume"), in: 0...100,
                                            expected: "a whole number from 0 to 100").value
        options.paceVolume = reader.wholeNumber(members["paceVolume"], path: members.path("paceVolume"), in: 0...100,
                                                expected: "the stroke tick's volume, a whole number from 0 to 100 (the default is 40)").value
        options.pitch = reader.number(members["pitch"], path: members.path("pitch"), in: ChimeOptions.pitchRange,
                                      expected: "the bell's pitch in Hz, from 110 to 3520 (the default is 880)").value
        return problems.count == before ? .valid(options) : .invalid
    }

    /// `{"say": "title", "rate": 1, "volume": 80, "language": "en", "warnings": true}`, every key optional.
    mutating func decodeVoice(_ node: JSONNode, path: String) -> VoiceOptions {
        guard let members = reader.object(node, path: path, known: Self.voiceKeys, what: "voice options") else { return .default }
        var options = VoiceOptions()
        let says = VoiceOptions.Say.allCases.map { ($0.rawValue, $0) }
        options.say = reader.choice(members["say"], path: members.path("say"), says, expected: "one of " + JSONReader.names(says.map(\.0)))
            .or(options.say) ?? options.say
        options.rate = reader.number(members["rate"], path: members.path("rate"), in: VoiceOptions.rateRange,
                                     expected: "a speaking rate from 0.5 to 2 (1 is the voice's own)").or(options.rate) ?? options.rate
        options.volume = reader.wholeNumber(members["volume"], path: members.path("volume"), in: 0...100,
                                            expected: "a whole number from 0 to 100").or(options.volume) ?? options.volume
        if let member = members["language"] {
            if case .string(let code) = member.value.value, TextGrammar.isLanguage(code) {
                options.language = code
            } else {
                report(members.path("language"), member.value.offset,
                       "expected a language code such as \"en\", \"de\" or \"pt-br\", found \(Quote.value(member.value))")
            }
        }
        options.warnings = reader.bool(members["warnings"], path: members.path("warnings")).or(options.warnings) ?? options.warnings
        return options
    }
}
