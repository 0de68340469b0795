/// The keys of `touchtime/1.1`: waits for a press (`until`), repeats, marks inside a segment and
/// the therapist's own sounds. A file that uses any of them must say `"format": "touchtime/1.1"`,
/// so that a touchtime that knows only `touchtime/1` rejects it with a clear message instead of
/// misreading it; every `touchtime/1` file loads and runs as before.
extension ProtocolDecoder {
    static let maximumMarks = 20
    static let maximumSegments = 50_000
    static let maximumSoundPathLength = 1024
    static let markKeys = ["at", "chime", "say"]
    /// The fractions a mark may name: halves to twelfths.
    static let denominators = 2...12

    /// The format tag, or nil (reported) when this version cannot read it.
    mutating func decodeFormat(_ node: JSONNode) -> String? {
        let expected = "expected \"\(TreatmentProtocol.formatTag)\" or \"\(TreatmentProtocol.latestFormatTag)\""
        guard case .string(let tag) = node.value else {
            report("format", node.offset, "\(expected), found \(Quote.value(node))")
            return nil
        }
        if TreatmentProtocol.formatTags.contains(tag) { return tag }
        if let version = Self.formatVersion(tag), version > (1, 1) {
            report("format", node.offset, "this file is \(Quote.text(tag)), a newer format: it needs a newer touchtime "
                   + "(this one reads \(TreatmentProtocol.formatTags.joined(separator: " and ")))")
        } else {
            report("format", node.offset, "\(expected), found \(Quote.value(node))")
        }
        return nil
    }

    /// `touchtime/MAJOR` or `touchtime/MAJOR.MINOR` as numbers; nil for anything else.
    static func formatVersion(_ tag: String) -> (Int, Int)? {
        guard tag.hasPrefix("touchtime/") else { return nil }
        let parts = tag.dropFirst("touchtime/".count).split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let major = Int(parts[0]) else { return nil }
        return (major, parts.count == 2 ? Int(parts[1]) ?? 0 : 0)
    }

    /// Notes a key of `touchtime/1.1`.
    mutating func newer(_ member: JSONNode.Member, path: String) {
        newerKeys.append((path, member.keyOffset, member.key))
    }

    /// A file that says `touchtime/1` and uses a key of 1.1: each such key, located.
    mutating func reportNewerKeys() {
        for use in newerKeys {
            report(use.path, use.offset, "\"\(use.key)\" needs \"format\": \"\(TreatmentProtocol.latestFormatTag)\" "
                   + "(this file says \"\(TreatmentProtocol.formatTag)\")")
        }
    }

    /// `"repeat": 3`: how many times the phase runs, 1 to 100.
    mutating func decodeRepeat(_ member: JSONNode.Member, path: String) -> Field<Int> {
        newer(member, path: path)
        return reader.wholeNumber(member, path: path, in: 1...Phase.maximumRepeats,
                                  expected: "how many times the phase runs, a whole number from 1 to \(Phase.maximumRepeats)")
    }

    /// `"until": "press"`: true when it says so.
    mutating func decodeUntil(_ member: JSONNode.Member, path: String) -> Bool {
        newer(member, path: path)
        if case .string("press") = member.value.value { return true }
        report(path, member.value.offset,
               "expected \"press\" (a wait for the therapist, instead of a duration), found \(Quote.value(member.value))")
        return false
    }

    /// `"marks": ["half", "1/3", "-30s", {"at": "20s", "chime": "warning", "say": "Twenty seconds in"}]`.
    mutating func decodeMarks(_ member: JSONNode.Member, path: String) -> Field<[Mark]> {
        newer(member, path: path)
        let before = problems.count
        guard case .array(let elements) = member.value.value else {
            report(path, member.value.offset, "expected an array of marks such as [\"half\"], found \(member.value.typeDescription)")
            return .invalid
        }
        guard elements.count <= Self.maximumMarks else {
            report(path, member.value.offset, "expected at most \(Self.maximumMarks) marks, found \(elements.count)")
            return .invalid
        }
        var marks: [Mark] = []
        for (index, element) in elements.enumerated() {
            let markPath = "\(path)[\(index)]"
            let mark: Mark?
            switch element.value {
            case .string(let text):
                mark = markPosition(element, path: markPath).map { Mark(position: $0, text: text) }
            case .object:
                mark = decodeMarkObject(element, path: markPath)
            default:
                report(markPath, element.offset, "\(Self.markExpected), found \(element.typeDescription)")
                mark = nil
            }
            if let mark {
                markSites.append((currentPhaseIndex, marks.count, markPath, element.offset))
                marks.append(mark)
            }
        }
        return problems.count == before ? .valid(marks) : .invalid
    }

    /// What checking a sound file found: nil when it is fit to play.
    struct SoundCheck {
        var problem: String?
    }

    static let markExpected = "expected a mark such as \"half\", \"1/3\", \"-30s\" (before the end) or \"20s\" (after the start)"

    private mutating func decodeMarkObject(_ node: JSONNode, path: String) -> Mark? {
        guard let members = reader.object(node, path: path, known: Self.markKeys, what: "a mark") else { return nil }
        guard let at = members["at"] else {
            report(path, node.offset, "missing key \"at\": \(Self.markExpected)")
            return nil
        }
        let position = markPosition(at.value, path: "\(path).at")
        let kinds = ChimeKind.allCases.map { ($0.rawValue, ChimeKind?.some($0)) } + [("none", nil)]
        let chime = reader.choice(members["chime"], path: members.path("chime"), kinds, expected: "one of " + JSONReader.names(kinds.map(\.0)))
        let say = optionalText(members, "say")
        guard let position, let chime = chime.or(Mark.defaultChime), !say.isInvalid, case .string(let text) = at.value.value else {
            return nil
        }
        return Mark(position: position, chime: chime, say: say.value, text: text)
    }

    /// "half", "N/M" (M from 2 to 12, N below M), "20s" after the start, "-30s" before the end.
    private mutating func markPosition(_ node: JSONNode, path: String) -> Mark.Position? {
        guard case .string(let text) = node.value else {
            report(path, node.offset, "\(Self.markExpected), found \(node.typeDescription)")
            return nil
        }
        if let position = Self.markPosition(text) { return position }
        report(path, node.offset, "\(Self.markExpected), found \(Quote.text(text))")
        return nil
    }

    static func markPosition(_ text: String) -> Mark.Position? {
        if text == "half" { return .fraction(numerator: 1, denominator: 2) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2 {
            func number(_ part: Substring) -> Int? {
                guard (1...2).contains(part.count), part.first != "0", part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                return Int(part)
            }
            guard let numerator = number(parts[0]), let denominator = number(parts[1]),
                  denominators.contains(denominator), numerator < denominator else { return nil }
            return .fraction(numerator: numerator, denominator: denominator)
        }
        // A duration, after any spaces the duration grammar allows before it; a "-" first counts back from the end.
        let trimmed = text.drop { $0 == " " }
        let beforeEnd = trimmed.first == "-"
        let rest = beforeEnd ? String(trimmed.dropFirst()) : text
        guard !(beforeEnd && rest.first == " "), TextGrammar.isDuration(rest), let seconds = DurationText.value(of: rest),
              seconds >= minimumDuration, seconds <= maximumSessionSeconds else { return nil }
        return beforeEnd ? .beforeEnd(.fromSeconds(seconds)) : .afterStart(.fromSeconds(seconds))
    }

    /// `"sounds": {"transition": "tingsha.wav"}`: a PCM WAV file for a chime kind, relative to the
    /// protocol's folder; each is checked now (it exists, is a PCM WAV, at most 30 s and 10 MB).
    mutating func decodeSounds(_ member: JSONNode.Member, path: String) -> Field<SoundFiles> {
        newer(member, path: path)
        let before = problems.count
        let kinds = ChimeKind.allCases.map(\.rawValue)
        guard let members = reader.object(member.value, path: path, known: kinds, what: "sounds for chime kinds") else { return .invalid }
        var sounds: SoundFiles = [:]
        for kind in ChimeKind.allCases {
            guard let entry = members[kind.rawValue] else { continue }
            let entryPath = "\(path).\(kind.rawValue)"
            guard let name = reader.string(entry.value, path: entryPath) else { continue }
            guard !name.unicodeScalars.allSatisfy(TextGrammar.isBlank), name.unicodeScalars.count <= Self.maximumSoundPathLength,
                  !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                report(entryPath, entry.value.offset,
                       "expected the path of a WAV file (relative to the protocol's folder, at most \(Self.maximumSoundPathLength) characters), found \(Quote.path(name))")
                continue
            }
            let resolved = name.hasPrefix("/") ? name : (directory.hasSuffix("/") ? directory : directory + "/") + name
            // Each file is read once, however many phases name it (a thousand names of one 10 MB
            // file read 10 GB).
            let problem = checkedSounds[resolved] ?? SoundCheck(problem: checkSound(resolved))
            checkedSounds[resolved] = problem
            if let problem = problem.problem {
                report(entryPath, entry.value.offset, "\(Quote.path(name)) \(problem)")
                continue
            }
            sounds[kind] = resolved
        }
        return problems.count == before ? .valid(sounds) : .invalid
    }

    /// How many segments the timeline of these phases has: counted before it is built, so that a
    /// hostile file (200 phases of 200 waits, each repeated 100 times) costs nothing.
    static func segmentCount(of phases: [Phase]) -> Int {
        phases.reduce(0) { total, phase in
            let perRound: Int
            switch phase.body {
            case .duration, .untilPress: perRound = 1
            case .steps(let steps): perRound = steps.count + (phase.stillnessBetweenSteps == nil ? 0 : steps.count - 1)
            }
            let between = phase.stillnessBetweenRepeats == nil ? 0 : phase.repeatCount - 1
            return total + perRound * phase.repeatCount + between + (phase.stillnessAfter == nil ? 0 : 1)
        }
    }

    /// The most marks a session may sound (each mark in each segment it marks, every round).
    static let maximumMarkMoments = 10_000

    /// The lengths of a phase's own timed segments (its duration, or its steps), which its marks mark.
    static func bodyLengths(of phase: Phase) -> [Duration] {
        switch phase.body {
        case .duration(let length): return [length]
        case .untilPress: return []
        case .steps(let steps): return steps.compactMap { if case .timed(let length) = $0.length { length } else { nil } }
        }
    }

    /// The marks that apply to a phase: its own, else the protocol's (on massage only).
    static func marks(of phase: Phase, in treatment: TreatmentProtocol) -> [Mark] {
        phase.marks ?? (phase.kind == .stillness ? [] : treatment.chimes.marks ?? [])
    }

    /// How many marks a session of these phases would sound: counted before its timeline is built,
    /// so that a hostile file (50,000 segments of eleven marks each) costs nothing.
    static func markMoments(of treatment: TreatmentProtocol) -> Int {
        treatment.phases.reduce(0) { total, phase in
            total + marks(of: phase, in: treatment).count * bodyLengths(of: phase).count * phase.repeatCount
        }
    }

    /// Each mark must fall inside at least one segment it marks (strictly between its start and
    /// end): a mark that can never sound is a mistake worth a message. A mark that falls inside some
    /// segment falls inside the longest (the conditions only grow with the length), so each mark is
    /// checked once against the longest it could mark: linear in marks and segments.
    mutating func checkMarksFit(_ decoded: TreatmentProtocol) {
        guard !markSites.isEmpty else { return }
        let longestOwn = decoded.phases.map { Self.bodyLengths(of: $0).max() }
        // The protocol's marks mark the massage of the phases without marks of their own.
        let longestShared = decoded.phases.indices
            .filter { decoded.phases[$0].marks == nil && decoded.phases[$0].kind != .stillness }
            .compactMap { longestOwn[$0] }.max()
        for site in markSites {
            let marks = site.phaseIndex.map { decoded.phases[$0].marks ?? [] } ?? decoded.chimes.marks ?? []
            let longest = site.phaseIndex.map { longestOwn[$0] } ?? longestShared
            guard marks.indices.contains(site.markIndex) else { continue }
            let mark = marks[site.markIndex]
            guard longest.flatMap({ mark.offset(in: $0) }) == nil else { continue }
            let which = site.phaseIndex == nil ? "massage segment" : "segment of its phase"
            report(site.path, site.offset, longest.map {
                "mark \(Quote.text(mark.text)) falls inside no \(which): the longest lasts \(DurationText.format($0))"
            } ?? "mark \(Quote.text(mark.text)) has no timed \(which) to fall in")
        }
    }

    /// Problems name a phase by its id as well as its place: `phases[2] (lift).steps[0]`.
    static func namingPhases(_ problems: [Problem], root: JSONNode) -> [Problem] {
        guard case .object(let members) = root.value,
              let phasesMember = members.last(where: { $0.key == "phases" }),
              case .array(let elements) = phasesMember.value.value else { return problems }
        return problems.map { problem in
            guard problem.path.hasPrefix("phases["), let close = problem.path.firstIndex(of: "]"),
                  let index = Int(problem.path[problem.path.index(problem.path.startIndex, offsetBy: 7)..<close]),
                  elements.indices.contains(index),
                  case .object(let phaseMembers) = elements[index].value,
                  let idMember = phaseMembers.last(where: { $0.key == "id" }),
                  case .string(let id) = idMember.value.value, isIdentifier(id) else { return problem }
            var named = problem
            let after = problem.path.index(after: close)
            named.path = String(problem.path[..<after]) + " (\(id))" + String(problem.path[after...])
            return named
        }
    }
}
