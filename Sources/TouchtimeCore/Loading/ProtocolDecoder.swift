/// Builds a `TreatmentProtocol` from a parsed JSON tree, collecting every problem on the way
/// rather than stopping at the first, so one `validate` run shows all that needs fixing. Read
/// with the shared `JSONReader`: each field is `absent`, `valid` or `invalid`, and a phase with
/// any invalid field is not built.
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

    var reader = JSONReader()
    var problems: ProblemLog { reader.problems }

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
        reader.report(path, offset, message)
    }

    mutating func decodeProtocol(_ root: JSONNode) -> TreatmentProtocol? {
        guard let members = reader.object(root, path: "", known: Self.topLevelKeys, what: "the protocol") else { return nil }
        var format: String?
        if let member = members["format"] {
            format = decodeFormat(member.value)
        } else {
            report("", root.offset, "missing key \"format\": expected \"format\": \"\(TreatmentProtocol.formatTag)\" or \"\(TreatmentProtocol.latestFormatTag)\"")
        }
        if let schema = members["$schema"] { _ = reader.string(schema.value, path: "$schema") }
        let id = identifier(members, "id")
        let title = requiredText(members, "title")
        let description = members["description"].flatMap { text($0.value, path: "description") }
        let chimes = members["chimes"].map { decodeChimes($0.value, path: "chimes", protocolLevel: true) }?.value ?? .default
        let voice = members["voice"].map { decodeVoice($0.value, path: "voice") } ?? .default
        let sounds = members["sounds"].map { decodeSounds($0, path: "sounds") }?.value ?? [:]
        let phases = decodePhases(members["phases"], parent: root)
        if format == TreatmentProtocol.formatTag { reportNewerKeys() }
        guard let id, let title, let phases, problems.isEmpty else { return nil }
        let decoded = TreatmentProtocol(id: id, title: title, description: description, chimes: chimes, voice: voice,
                                        sounds: sounds, phases: phases)
        guard checkSize(decoded, at: members["phases"]?.value.offset) else { return nil }
        checkMarksFit(decoded)
        return problems.isEmpty ? decoded : nil
    }

    /// The limits on a whole session, counted before its timeline is built: its length, its
    /// segments, its marks.
    private mutating func checkSize(_ decoded: TreatmentProtocol, at offset: Int?) -> Bool {
        let total = decoded.totalDuration
        if total.seconds > Self.maximumSessionSeconds {
            report("phases", offset, "the session lasts \(DurationText.clock(total)), longer than the 4:00:00 allowed")
            return false
        }
        let segments = Self.segmentCount(of: decoded.phases)
        guard segments <= Self.maximumSegments else {
            report("phases", offset, "the session has \(segments) segments, more than the \(Self.maximumSegments) allowed")
            return false
        }
        let moments = Self.markMoments(of: decoded)
        guard moments <= Self.maximumMarkMoments else {
            report("phases", offset,
                   "the session would sound \(moments) marks (every mark in every segment and round), more than the \(Self.maximumMarkMoments) allowed")
            return false
        }
        return true
    }

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
                report("\(path).id", idMember.value.offset, "duplicate phase id \"\(Quote.clipped(id))\": phases[\(earlier)] has it already")
            } else {
                firstUse[id] = index
            }
        }
        return phases.count == elements.count ? phases : nil
    }

    private mutating func decodePhase(_ node: JSONNode, path: String) -> Phase? {
        guard let members = reader.object(node, path: path, known: Self.phaseKeys, what: "a phase") else { return nil }
        let id = identifier(members, "id")
        let title = requiredText(members, "title")
        let cue = requiredText(members, "cue")
        let kind = reader.choice(members["kind"], path: members.path("kind"), Phase.Kind.allCases.map { ($0.rawValue, $0) },
                                 expected: JSONReader.names(Phase.Kind.allCases.map(\.rawValue), separator: " or "))
        let stillnessAfter = optionalDuration(members, "stillnessAfter")
        let between = optionalDuration(members, "stillnessBetweenSteps")
        let stroke = strokeSeconds(members, kind: kind.value ?? .massage)
        let chimes = members["chimes"].map { decodeChimes($0.value, path: members.path("chimes"), protocolLevel: false) } ?? .absent
        let say = optionalText(members, "say")
        let repeatCount = members["repeat"].map { decodeRepeat($0, path: members.path("repeat")) } ?? .absent
        let betweenRepeats = stillnessBetweenRepeats(members, repeatCount: repeatCount)
        let marks = members["marks"].map { decodeMarks($0, path: members.path("marks")) } ?? .absent
        let sounds = members["sounds"].map { decodeSounds($0, path: members.path("sounds")) } ?? .absent
        let body = decodeBody(members, kind: kind.value ?? .massage)
        let fields: [any AnyField] = [kind, stillnessAfter, between, stroke, chimes, say, repeatCount, betweenRepeats, marks, sounds]
        guard let id, let title, let cue, let body, !fields.contains(where: \.isInvalid) else { return nil }
        return Phase(id: id, title: title, cue: cue, kind: kind.value ?? .massage, body: body,
                     stillnessAfter: stillnessAfter.value, stillnessBetweenSteps: between.value,
                     strokeSeconds: stroke.value, chimes: chimes.value ?? .default, say: say.value, repeatCount: repeatCount.value ?? 1,
                     stillnessBetweenRepeats: betweenRepeats.value, marks: marks.value, sounds: sounds.value ?? [:])
    }

    /// `"strokeSeconds": 4` (or `"4s"`): a tick every stroke, 0.5 to 60 s, on massage only.
    private mutating func strokeSeconds(_ members: Members, kind: Phase.Kind) -> Field<Duration> {
        guard let member = members["strokeSeconds"] else { return .absent }
        let path = members.path("strokeSeconds")
        if case .string(let literal) = member.value.value, !TextGrammar.isStrokeSeconds(literal),
           DurationText.value(of: literal).map(Self.strokeRange.contains) == true {
            // A duration of another form ("1m", "0:30"): as text a stroke is given in seconds.
            report(path, member.value.offset, "expected a stroke in seconds, such as 4 or \"4s\", found \(Quote.value(member.value))")
            return .invalid
        }
        guard let stroke = duration(member.value, path: path) else { return .invalid }
        guard Self.strokeRange.contains(stroke.seconds) else {
            report(path, member.value.offset, "expected a stroke of 0.5 to 60 seconds, found \(Quote.value(member.value))")
            return .invalid
        }
        if kind == .stillness {
            report(path, member.keyOffset, "a stillness phase has no strokes to pace")
        }
        return .valid(stroke)
    }

    /// `"stillnessBetweenRepeats": "5s"`, only beside a `repeat` of 2 or more.
    private mutating func stillnessBetweenRepeats(_ members: Members, repeatCount: Field<Int>) -> Field<Duration> {
        guard let member = members["stillnessBetweenRepeats"] else { return .absent }
        let path = members.path("stillnessBetweenRepeats")
        newer(member, path: path)
        if (repeatCount.value ?? 1) < 2, !repeatCount.isInvalid {
            report(path, member.keyOffset, "only a phase with \"repeat\" of 2 or more has stillness between its repeats")
        }
        return duration(member.value, path: path).map(Field.valid) ?? .invalid
    }

    /// What a phase is timed by: exactly one of `duration`, `steps` or `until`.
    private mutating func decodeBody(_ members: Members, kind: Phase.Kind) -> Phase.Body? {
        let path = members.path
        if let until = members["until"] {
            var body: Phase.Body? = decodeUntil(until, path: members.path("until")) ? .untilPress : nil
            for key in ["duration", "steps"] {
                if let member = members[key] {
                    report(path, member.keyOffset, "a phase takes one of \"duration\", \"steps\" or \"until\", not \"\(key)\" with \"until\"")
                    body = nil
                }
            }
            refuseStillnessBetweenSteps(members)
            return body
        }
        switch (members["duration"], members["steps"]) {
        case (let durationMember?, nil):
            let body = duration(durationMember.value, path: members.path("duration")).map(Phase.Body.duration)
            refuseStillnessBetweenSteps(members)
            return body
        case (nil, let stepsMember?):
            let body = decodeSteps(stepsMember.value, path: members.path("steps")).map(Phase.Body.steps)
            if kind == .stillness {
                report(members.path("steps"), stepsMember.keyOffset, "a stillness phase takes a \"duration\", not \"steps\"")
            }
            return body
        case (let durationMember?, _?):
            report(path, durationMember.keyOffset, "a phase takes either \"duration\" or \"steps\", not both")
            return nil
        case (nil, nil):
            report(path, members.node.offset, "missing key \"duration\", \"steps\" or \"until\": expected how long the phase lasts")
            return nil
        }
    }

    /// Stillness between steps, on a phase that has none.
    private mutating func refuseStillnessBetweenSteps(_ members: Members) {
        if let member = members["stillnessBetweenSteps"] {
            report(members.path("stillnessBetweenSteps"), member.keyOffset, "only a phase with \"steps\" can have stillness between its steps")
        }
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
        let steps = elements.enumerated().compactMap { index, element in decodeStep(element, path: "\(path)[\(index)]") }
        return steps.count == elements.count ? steps : nil
    }

    private mutating func decodeStep(_ element: JSONNode, path: String) -> Step? {
        guard let members = reader.object(element, path: path, known: Self.stepKeys, what: "a step") else { return nil }
        let title = optionalText(members, "title")
        let cue = requiredText(members, "cue")
        var length: SegmentLength?
        switch (members["duration"], members["until"]) {
        case (let member?, nil):
            length = duration(member.value, path: members.path("duration")).map(SegmentLength.timed)
        case (nil, let member?):
            length = decodeUntil(member, path: members.path("until")) ? .untilPress : nil
        case (_?, let member?):
            _ = decodeUntil(member, path: members.path("until"))
            report(path, member.keyOffset, "a step takes either \"duration\" or \"until\", not both")
        case (nil, nil):
            report(path, element.offset, "missing key \"duration\" or \"until\": expected how long the step lasts")
        }
        let say = optionalText(members, "say")
        guard let cue, let length, !title.isInvalid, !say.isInvalid else { return nil }
        return Step(title: title.value, cue: cue, length: length, say: say.value)
    }
}

/// A field's validity, whatever its value's type: a phase is built only when none is invalid.
protocol AnyField {
    var isInvalid: Bool { get }
}

extension Field: AnyField {}
