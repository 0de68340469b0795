/// Builds a `TreatmentProtocol` from a parsed JSON tree, collecting every problem on the way
/// rather than stopping at the first, so one `validate` run shows all that needs fixing.
struct ProtocolDecoder {
    static let topLevelKeys = ["$schema", "format", "id", "title", "description", "chimes", "voice", "sounds", "phases"]
    static let phaseKeys = ["id", "title", "cue", "kind", "duration", "until", "steps", "stillnessAfter", "stillnessBetweenSteps",
                            "strokeSeconds", "chimes", "say", "repeat", "stillnessBetweenRepeats", "marks", "sounds"]
    static let chimeKeys = ["start", "warningBefore", "volume", "pitch", "paceVolume", "marks"]
    static let voiceKeys = ["say", "rate", "volume", "language", "warnings"]
    static let strokeRange = 0.5...60.0
    static let stepKeys = ["title", "cue", "duration", "until", "say"]

    static let maximumPhases = 200
    static let maximumSteps = 200
    static let maximumTextLength = 2000
    static let maximumIdLength = 64
    static let minimumDuration = 0.1
    static let maximumSessionSeconds = 4.0 * 3600

    /// A problem as found: where (a byte offset), and what. What costs time to say (a line and a
    /// column, a "did you mean") is worked out at the end, once, for the problems that are
    /// printed: a hostile file can hold a hundred thousand problems on one line.
    struct Found {
        var offset: Int?
        var problem: ProtocolProblem
        /// An unknown key and the keys it could have meant, for a suggestion if it is printed.
        var unknownKey: (key: String, known: [String])?

        /// The problem with its full message (and its suggestion, for an unknown key).
        var described: ProtocolProblem {
            guard let unknownKey else { return problem }
            var described = problem
            if let suggestion = ProtocolDecoder.closest(to: unknownKey.key, in: unknownKey.known) {
                described.message += ": did you mean \"\(suggestion)\"?"
            } else {
                described.message += ": expected one of \(unknownKey.known.filter { $0 != "$schema" }.joined(separator: ", "))"
            }
            return described
        }
    }

    private(set) var problems: [Found] = []

    /// The folder a protocol's own sound files are named relative to.
    var directory: String
    /// Checks a sound file; nil when it is fit to play, else what is wrong with it.
    var checkSound: @Sendable (String) -> String?
    /// Where the file uses a key of `touchtime/1.1`: reported if it says `touchtime/1`.
    var newerKeys: [(path: String, offset: Int, key: String)] = []
    /// Every mark read, and where, to check once the protocol is whole that each falls inside a segment.
    var markSites: [(phaseIndex: Int?, markIndex: Int, path: String, offset: Int)] = []
    /// The phase being decoded, by index.
    var currentPhaseIndex: Int?
    /// Each sound file checked so far, by its resolved path.
    var checkedSounds: [String: SoundCheck] = [:]

    init(directory: String = ".", checkSound: @escaping @Sendable (String) -> String? = SoundFileCheck.problem(with:)) {
        self.directory = directory
        self.checkSound = checkSound
    }

    mutating func report(_ path: String, _ offset: Int?, _ message: String) {
        problems.append(Found(offset: offset, problem: ProtocolProblem(path: path, position: nil, message: message)))
    }

    mutating func decodeProtocol(_ root: JSONNode) -> TreatmentProtocol? {
        guard let members = object(root, path: "", knownKeys: Self.topLevelKeys, what: "the protocol") else {
            return nil
        }
        var format: String?
        if let member = members["format"] {
            format = decodeFormat(member.value)
        } else {
            report("", root.offset, "missing key \"format\": expected \"format\": \"\(TreatmentProtocol.formatTag)\" or \"\(TreatmentProtocol.latestFormatTag)\"")
        }
        if let schema = members["$schema"] { _ = string(schema.value, path: "$schema") }
        let id = identifier(members, "id", path: "id", parent: root)
        let title = text(members, "title", path: "title", parent: root)
        let description = members["description"].flatMap { text($0.value, path: "description") }
        let chimes = members["chimes"].map { decodeChimes($0.value, path: "chimes", protocolLevel: true) } ?? .default
        let voice = members["voice"].map { decodeVoice($0.value, path: "voice") } ?? .default
        let sounds = members["sounds"].map { decodeSounds($0, path: "sounds") } ?? [:]
        let phases = decodePhases(members["phases"], parent: root)
        if format == TreatmentProtocol.formatTag { reportNewerKeys() }

        guard let id, let title, let phases, problemsAreEmpty else { return nil }
        let decoded = TreatmentProtocol(id: id, title: title, description: description, chimes: chimes, voice: voice,
                                        sounds: sounds, phases: phases)
        let total = decoded.totalDuration
        if total.seconds > Self.maximumSessionSeconds {
            report("phases", members["phases"]?.value.offset,
                   "the session lasts \(DurationText.clock(total)), longer than the 4:00:00 allowed")
            return nil
        }
        let segments = Self.segmentCount(of: phases)
        guard segments <= Self.maximumSegments else {
            report("phases", members["phases"]?.value.offset,
                   "the session has \(segments) segments, more than the \(Self.maximumSegments) allowed")
            return nil
        }
        let moments = Self.markMoments(of: decoded)
        guard moments <= Self.maximumMarkMoments else {
            report("phases", members["phases"]?.value.offset,
                   "the session would sound \(moments) marks (every mark in every segment and round), more than the \(Self.maximumMarkMoments) allowed")
            return nil
        }
        checkMarksFit(decoded)
        return problemsAreEmpty ? decoded : nil
    }

    private var problemsAreEmpty: Bool { problems.isEmpty }

    private mutating func decodePhases(_ member: JSONNode.Member?, parent: JSONNode) -> [Phase]? {
        guard let member else {
            report("", parent.offset, "missing key \"phases\": expected a non-empty array of phases")
            return nil
        }
        guard case .array(let elements) = member.value.value else {
            report("phases", member.value.offset, "expected a non-empty array of phases, found \(member.value.typeDescription)")
            return nil
        }
        guard !elements.isEmpty else {
            report("phases", member.value.offset, "expected at least one phase, found an empty array")
            return nil
        }
        guard elements.count <= Self.maximumPhases else {
            report("phases", member.value.offset, "expected at most \(Self.maximumPhases) phases, found \(elements.count)")
            return nil
        }
        var phases: [Phase] = []
        var firstUse: [String: Int] = [:]
        for (index, element) in elements.enumerated() {
            let path = "phases[\(index)]"
            currentPhaseIndex = index
            if let phase = decodePhase(element, path: path) { phases.append(phase) }
            currentPhaseIndex = nil
            // Checked on the raw id, so a duplicate is reported even when the phase has other problems.
            guard case .object(let members) = element.value,
                  let idMember = members.first(where: { $0.key == "id" }),
                  case .string(let id) = idMember.value.value else { continue }
            if let earlier = firstUse[id] {
                report("\(path).id", idMember.value.offset, "duplicate phase id \"\(Self.clipped(id))\": phases[\(earlier)] has it already")
            } else {
                firstUse[id] = index
            }
        }
        return phases.count == elements.count ? phases : nil
    }

    private mutating func decodePhase(_ node: JSONNode, path: String) -> Phase? {
        guard let members = object(node, path: path, knownKeys: Self.phaseKeys, what: "a phase") else { return nil }
        let id = identifier(members, "id", path: "\(path).id", parent: node)
        let title = text(members, "title", path: "\(path).title", parent: node)
        let cue = text(members, "cue", path: "\(path).cue", parent: node)
        var kind = Phase.Kind.massage
        var kindIsValid = true
        if let member = members["kind"] {
            let names = Phase.Kind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
            if case .string(let name) = member.value.value, let parsed = Phase.Kind(rawValue: name) {
                kind = parsed
            } else {
                kindIsValid = false
                report("\(path).kind", member.value.offset, "expected \(names), found \(shortText(member.value))")
            }
        }
        let stillnessAfter = members["stillnessAfter"].flatMap { duration($0.value, path: "\(path).stillnessAfter") }
        let stillnessAfterIsValid = members["stillnessAfter"] == nil || stillnessAfter != nil
        let between = members["stillnessBetweenSteps"].flatMap { duration($0.value, path: "\(path).stillnessBetweenSteps") }
        let betweenIsValid = members["stillnessBetweenSteps"] == nil || between != nil
        var stroke: Duration?
        if let member = members["strokeSeconds"] {
            if case .string(let literal) = member.value.value, !TextGrammar.isStrokeSeconds(literal),
               DurationText.value(of: literal).map(Self.strokeRange.contains) == true {
                // A duration of another form ("1m", "0:30"): as text a stroke is given in seconds.
                report("\(path).strokeSeconds", member.value.offset,
                       "expected a stroke in seconds, such as 4 or \"4s\", found \(shortText(member.value))")
            } else {
                stroke = duration(member.value, path: "\(path).strokeSeconds")
            }
            if let value = stroke, !Self.strokeRange.contains(value.seconds) {
                report("\(path).strokeSeconds", member.value.offset,
                       "expected a stroke of 0.5 to 60 seconds, found \(shortText(member.value))")
                stroke = nil
            } else if stroke != nil, kind == .stillness {
                report("\(path).strokeSeconds", member.keyOffset, "a stillness phase has no strokes to pace")
            }
        }
        let strokeIsValid = members["strokeSeconds"] == nil || stroke != nil
        let problemsBefore = problems.count
        let chimes = members["chimes"].map { decodeChimes($0.value, path: "\(path).chimes", protocolLevel: false) } ?? .default
        let chimesAreValid = problems.count == problemsBefore
        let say = members["say"].flatMap { text($0.value, path: "\(path).say") }
        let sayIsValid = members["say"] == nil || say != nil

        let repeatCount = members["repeat"].flatMap { decodeRepeat($0, path: "\(path).repeat") }
        let repeatIsValid = members["repeat"] == nil || repeatCount != nil
        let betweenRepeats = members["stillnessBetweenRepeats"].flatMap { member -> Duration? in
            newer(member, path: "\(path).stillnessBetweenRepeats")
            if (repeatCount ?? 1) < 2, repeatIsValid {
                report("\(path).stillnessBetweenRepeats", member.keyOffset,
                       "only a phase with \"repeat\" of 2 or more has stillness between its repeats")
            }
            return duration(member.value, path: "\(path).stillnessBetweenRepeats")
        }
        let betweenRepeatsIsValid = members["stillnessBetweenRepeats"] == nil || betweenRepeats != nil
        let problemsBeforeMarks = problems.count
        let marks = members["marks"].map { decodeMarks($0, path: "\(path).marks") }
        let marksAreValid = problems.count == problemsBeforeMarks
        let problemsBeforeSounds = problems.count
        let sounds = members["sounds"].map { decodeSounds($0, path: "\(path).sounds") } ?? [:]
        let soundsAreValid = problems.count == problemsBeforeSounds

        let body = decodeBody(members, node: node, path: path, kind: kind)
        guard let id, let title, let cue, let body, kindIsValid, stillnessAfterIsValid, betweenIsValid,
              strokeIsValid, chimesAreValid, sayIsValid, repeatIsValid, betweenRepeatsIsValid, marksAreValid, soundsAreValid else {
            return nil
        }
        return Phase(id: id, title: title, cue: cue, kind: kind, body: body,
                     stillnessAfter: stillnessAfter, stillnessBetweenSteps: between,
                     strokeSeconds: stroke, chimes: chimes, say: say, repeatCount: repeatCount ?? 1,
                     stillnessBetweenRepeats: betweenRepeats, marks: marks, sounds: sounds)
    }

    /// What a phase is timed by: exactly one of `duration`, `steps` or `until`.
    private mutating func decodeBody(_ members: [String: JSONNode.Member], node: JSONNode, path: String,
                                     kind: Phase.Kind) -> Phase.Body? {
        if let until = members["until"] {
            var body: Phase.Body? = decodeUntil(until, path: "\(path).until") ? .untilPress : nil
            for key in ["duration", "steps"] {
                if let member = members[key] {
                    report(path, member.keyOffset, "a phase takes one of \"duration\", \"steps\" or \"until\", not \"\(key)\" with \"until\"")
                    body = nil
                }
            }
            refuseStillnessBetweenSteps(members, path: path)
            return body
        }
        switch (members["duration"], members["steps"]) {
        case (let durationMember?, nil):
            let body = duration(durationMember.value, path: "\(path).duration").map(Phase.Body.duration)
            refuseStillnessBetweenSteps(members, path: path)
            return body
        case (nil, let stepsMember?):
            let body = decodeSteps(stepsMember.value, path: "\(path).steps").map(Phase.Body.steps)
            if kind == .stillness {
                report("\(path).steps", stepsMember.keyOffset, "a stillness phase takes a \"duration\", not \"steps\"")
            }
            return body
        case (let durationMember?, _?):
            report(path, durationMember.keyOffset, "a phase takes either \"duration\" or \"steps\", not both")
            return nil
        case (nil, nil):
            report(path, node.offset, "missing key \"duration\", \"steps\" or \"until\": expected how long the phase lasts")
            return nil
        }
    }

    /// Stillness between steps, on a phase that has none.
    private mutating func refuseStillnessBetweenSteps(_ members: [String: JSONNode.Member], path: String) {
        if let member = members["stillnessBetweenSteps"] {
            report("\(path).stillnessBetweenSteps", member.keyOffset, "only a phase with \"steps\" can have stillness between its steps")
        }
    }

    /// `{"start": "transition", "warningBefore": "5s", "volume": 80, "pitch": 660}`, every key optional.
    private mutating func decodeChimes(_ node: JSONNode, path: String, protocolLevel: Bool) -> ChimeOptions {
        guard let members = object(node, path: path, knownKeys: Self.chimeKeys, what: "chime options") else { return .default }
        var options = ChimeOptions()
        if let member = members["marks"] {
            if protocolLevel {
                options.marks = decodeMarks(member, path: "\(path).marks")
            } else {
                report("\(path).marks", member.keyOffset, "a phase's own marks go in \"marks\" on the phase, beside \"chimes\"")
            }
        }
        if let member = members["start"] {
            let names = (ChimeKind.allCases.map(\.rawValue) + ["none"]).map { "\"\($0)\"" }.joined(separator: ", ")
            if case .string(let name) = member.value.value, name == "none" || ChimeKind(rawValue: name) != nil {
                options.start = .some(ChimeKind(rawValue: name))
            } else {
                report("\(path).start", member.value.offset, "expected one of \(names), found \(shortText(member.value))")
            }
        }
        if let member = members["warningBefore"] {
            if case .number(let literal) = member.value.value, Double(literal) == 0 {
                options.warningBefore = .zero  // 0 turns a protocol-wide warning off for this phase
            } else {
                options.warningBefore = duration(member.value, path: "\(path).warningBefore")
            }
        }
        if let member = members["volume"] {
            if case .number(let literal) = member.value.value, let value = Double(literal), value == value.rounded(), (0...100).contains(value) {
                options.volume = Int(value)
            } else {
                report("\(path).volume", member.value.offset, "expected a whole number from 0 to 100, found \(shortText(member.value))")
            }
        }
        if let member = members["paceVolume"] {
            if case .number(let literal) = member.value.value, let value = Double(literal), value == value.rounded(), (0...100).contains(value) {
                options.paceVolume = Int(value)
            } else {
                report("\(path).paceVolume", member.value.offset,
                       "expected the stroke tick's volume, a whole number from 0 to 100 (the default is 40), found \(shortText(member.value))")
            }
        }
        if let member = members["pitch"] {
            if case .number(let literal) = member.value.value, let value = Double(literal), ChimeOptions.pitchRange.contains(value) {
                options.pitch = value
            } else {
                report("\(path).pitch", member.value.offset,
                       "expected the bell's pitch in Hz, from 110 to 3520 (the default is 880), found \(shortText(member.value))")
            }
        }
        return options
    }

    /// `{"say": "title", "rate": 1, "volume": 80, "language": "en", "warnings": true}`, every key optional.
    private mutating func decodeVoice(_ node: JSONNode, path: String) -> VoiceOptions {
        guard let members = object(node, path: path, knownKeys: Self.voiceKeys, what: "voice options") else { return .default }
        var options = VoiceOptions()
        if let member = members["say"] {
            let names = VoiceOptions.Say.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            if case .string(let name) = member.value.value, let say = VoiceOptions.Say(rawValue: name) {
                options.say = say
            } else {
                report("\(path).say", member.value.offset, "expected one of \(names), found \(shortText(member.value))")
            }
        }
        if let member = members["rate"] {
            if case .number(let literal) = member.value.value, let value = Double(literal), VoiceOptions.rateRange.contains(value) {
                options.rate = value
            } else {
                report("\(path).rate", member.value.offset,
                       "expected a speaking rate from 0.5 to 2 (1 is the voice's own), found \(shortText(member.value))")
            }
        }
        if let member = members["volume"] {
            if case .number(let literal) = member.value.value, let value = Double(literal), value == value.rounded(), (0...100).contains(value) {
                options.volume = Int(value)
            } else {
                report("\(path).volume", member.value.offset, "expected a whole number from 0 to 100, found \(shortText(member.value))")
            }
        }
        if let member = members["language"] {
            if case .string(let code) = member.value.value, TextGrammar.isLanguage(code) {
                options.language = code
            } else {
                report("\(path).language", member.value.offset,
                       "expected a language code such as \"en\", \"de\" or \"pt-br\", found \(shortText(member.value))")
            }
        }
        if let member = members["warnings"] {
            if case .bool(let flag) = member.value.value {
                options.warnings = flag
            } else {
                report("\(path).warnings", member.value.offset, "expected true or false, found \(shortText(member.value))")
            }
        }
        return options
    }

    private mutating func decodeSteps(_ node: JSONNode, path: String) -> [Step]? {
        guard case .array(let elements) = node.value else {
            report(path, node.offset, "expected a non-empty array of steps, found \(node.typeDescription)")
            return nil
        }
        guard !elements.isEmpty else {
            report(path, node.offset, "expected at least one step, found an empty array")
            return nil
        }
        guard elements.count <= Self.maximumSteps else {
            report(path, node.offset, "expected at most \(Self.maximumSteps) steps, found \(elements.count)")
            return nil
        }
        var steps: [Step] = []
        for (index, element) in elements.enumerated() {
            let stepPath = "\(path)[\(index)]"
            guard let members = object(element, path: stepPath, knownKeys: Self.stepKeys, what: "a step") else { continue }
            let title = members["title"].flatMap { text($0.value, path: "\(stepPath).title") }
            let titleIsValid = members["title"] == nil || title != nil
            let cue = text(members, "cue", path: "\(stepPath).cue", parent: element)
            var length: SegmentLength?
            switch (members["duration"], members["until"]) {
            case (let member?, nil):
                length = duration(member.value, path: "\(stepPath).duration").map(SegmentLength.timed)
            case (nil, let member?):
                length = decodeUntil(member, path: "\(stepPath).until") ? .untilPress : nil
            case (_?, let member?):
                _ = decodeUntil(member, path: "\(stepPath).until")
                report(stepPath, member.keyOffset, "a step takes either \"duration\" or \"until\", not both")
            case (nil, nil):
                report(stepPath, element.offset, "missing key \"duration\" or \"until\": expected how long the step lasts")
            }
            let say = members["say"].flatMap { text($0.value, path: "\(stepPath).say") }
            if let cue, let length, titleIsValid, members["say"] == nil || say != nil {
                steps.append(Step(title: title, cue: cue, length: length, say: say))
            }
        }
        return steps.count == elements.count ? steps : nil
    }

    // MARK: Values

    /// The members of an object by key, after reporting unknown keys (with a suggestion when one is close).
    mutating func object(
        _ node: JSONNode, path: String, knownKeys: [String], what: String
    ) -> [String: JSONNode.Member]? {
        guard case .object(let members) = node.value else {
            report(path, node.offset, "expected \(what) as an object, found \(node.typeDescription)")
            return nil
        }
        var byKey: [String: JSONNode.Member] = [:]
        for member in members {
            if knownKeys.contains(member.key) {
                byKey[member.key] = member
            } else {
                // A hostile key (60,000 characters) is cut short in the path as in the message.
                let keyPath = path.isEmpty ? Self.shortened(member.key) : "\(path).\(Self.shortened(member.key))"
                problems.append(Found(offset: member.keyOffset,
                                      problem: ProtocolProblem(path: keyPath, position: nil, message: "unknown key \(Self.quoted(member.key))"),
                                      unknownKey: (member.key, knownKeys)))
            }
        }
        return byKey
    }

    mutating func string(_ node: JSONNode, path: String) -> String? {
        guard case .string(let value) = node.value else {
            report(path, node.offset, "expected a string, found \(node.typeDescription)")
            return nil
        }
        return value
    }

    /// A required text field: a non-blank string of at most 2,000 characters.
    mutating func text(_ members: [String: JSONNode.Member], _ key: String, path: String, parent: JSONNode) -> String? {
        guard let member = members[key] else {
            report(parentPath(of: path), parent.offset, "missing key \"\(key)\": expected a string")
            return nil
        }
        return text(member.value, path: path)
    }

    mutating func text(_ node: JSONNode, path: String) -> String? {
        guard let value = string(node, path: path) else { return nil }
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
    private mutating func identifier(_ members: [String: JSONNode.Member], _ key: String, path: String, parent: JSONNode) -> String? {
        guard let member = members[key] else {
            report(parentPath(of: path), parent.offset, "missing key \"\(key)\": expected an id such as \"jawline\"")
            return nil
        }
        guard let value = string(member.value, path: path) else { return nil }
        guard Self.isIdentifier(value) else {
            report(path, member.value.offset,
                   "expected an id of lowercase letters, digits and dashes (such as \"jawline-left\", at most \(Self.maximumIdLength) characters), found \(Self.quoted(value))")
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

    /// A duration: finite, at least 0.1 s, at most the 4 hours a session may last.
    mutating func duration(_ node: JSONNode, path: String) -> Duration? {
        let expected = "expected a duration: seconds as a number, or a string such as \"45s\", \"1m30s\" or \"1:30\""
        let seconds: Double
        switch node.value {
        case .number(let literal):
            guard let value = Double(literal), value.isFinite else {
                report(path, node.offset, "expected a duration of at most 4 hours, found \(Self.clipped(literal))")
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
                report(path, node.offset, "\(expected), found \(Self.quoted(literal))")
                return nil
            }
            seconds = value
        default:
            report(path, node.offset, "\(expected), found \(node.typeDescription)")
            return nil
        }
        guard seconds >= Self.minimumDuration else {
            report(path, node.offset, "expected a duration of at least 0.1 s, found \(shortText(node))")
            return nil
        }
        guard seconds <= Self.maximumSessionSeconds else {
            report(path, node.offset, "expected a duration of at most 4 hours, found \(shortText(node))")
            return nil
        }
        return .fromSeconds(seconds)
    }

    // MARK: Message helpers

    private func parentPath(of path: String) -> String {
        guard let dot = path.lastIndex(of: ".") else { return "" }
        return String(path[..<dot])
    }

    func shortText(_ node: JSONNode) -> String {
        switch node.value {
        case .string(let value): return Self.quoted(value)
        case .number(let literal): return Self.clipped(literal)
        case .bool(let value): return String(value)
        default: return node.typeDescription
        }
    }

    static func quoted(_ value: String) -> String {
        "\"\(Self.clipped(value))\""
    }

    /// A key as it is, a control in it written visibly (`\u{1B}`), cut short past 40 characters.
    static func shortened(_ value: String) -> String {
        (value.count > 40 ? String(value.prefix(40)) + "..." : value).escapingUnsafe
    }

    /// A file's path as given, quoted: long ones keep their start and their end (the file's name),
    /// cut in the middle; controls shown as `?`.
    static func quotedPath(_ value: String) -> String {
        let visible = String(String.UnicodeScalarView(value.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
        guard visible.count > 160 else { return "\"\(visible)\"" }
        return "\"\(visible.prefix(60))...\(visible.suffix(90))\""
    }

    /// Long or hostile values are cut short and stripped of control characters before they are quoted.
    static func clipped(_ value: String) -> String {
        let visible = String(String.UnicodeScalarView(value.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : $0
        }))
        return visible.count > 40 ? String(visible.prefix(40)) + "..." : visible
    }

    /// The known key closest to a misspelt one, if any is close enough to be a likely typo.
    static func closest(to key: String, in candidates: [String]) -> String? {
        func normalized(_ text: String) -> String {
            String(text.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " })
        }
        if let match = candidates.first(where: { normalized($0) == normalized(key) }) {
            return match
        }
        // A truncated or over-long key ("stillnessBetween", "durationSeconds").
        if normalized(key).count >= 4, let match = candidates.first(where: {
            normalized($0).hasPrefix(normalized(key)) || normalized(key).hasPrefix(normalized($0))
        }) {
            return match
        }
        let scored = candidates.map { ($0, editDistance(key.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let allowance = max(1, min(3, best.0.count / 3))
        return best.1 <= allowance ? best.0 : nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.prefix(64))
        let b = Array(b.prefix(64))
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
