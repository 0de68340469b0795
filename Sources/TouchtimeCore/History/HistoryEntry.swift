/// One session in the history: what ran, when, how long, how fast, and how it ended. One JSON
/// line each.
public struct HistoryEntry: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        case completed
        /// Ended by the user (`q`).
        case quit
        /// Ended by a signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT).
        case aborted
    }

    public enum Mode: String, Sendable, CaseIterable {
        /// A guided session (`touchtime run`).
        case run
        /// A blind timing practice.
        case practice
        /// The stroke cadence drill (`practice --strokes`).
        case strokes
    }

    public var protocolID: String
    /// Identifies the protocol's content, so edits to a file of the same id are told apart.
    public var protocolHash: String
    public var mode: Mode
    /// ISO 8601 UTC.
    public var start: String
    public var end: String
    public var planned: Duration
    public var actual: Duration
    /// Rehearsal speed: 1 for a real treatment; a 10x rehearsal is not one.
    public var speed: Double
    public var outcome: Outcome
    public var pauses: Int
    public var skips: Int
    public var extensions: Int
    /// Practice only: the score, and each segment with its identity.
    public var practice: PracticeSummary?
    /// The stroke drill only: each paced segment's cadence.
    public var strokes: [StrokeSummary]?
    /// A practice that drilled one segment (`practice --focus`): which.
    public var focus: SegmentIdentity?
    /// Practice only: how much it helped (`practice --support`); nil on lines written before.
    public var support: PracticeSupport?
    /// A partial start (`run --from`, `run --resume`): where the session began.
    public var startedAt: Place?
    /// A session that did not complete: where it stopped (what `run --resume` starts from).
    public var stoppedAt: Place?

    /// A place in a protocol: a segment, and how far into it (protocol time).
    public struct Place: Sendable, Equatable {
        public var identity: SegmentIdentity
        public var offset: Duration

        public init(identity: SegmentIdentity, offset: Duration) {
            self.identity = identity
            self.offset = offset
        }

        /// "Jawline: Left side, 1:20 in", or the title alone at its start.
        public var text: String {
            offset < .seconds(1) ? identity.title : "\(identity.title), \(DurationText.clock(offset)) in"
        }
    }

    public init(protocolID: String, protocolHash: String, mode: Mode, start: String, end: String, planned: Duration,
                actual: Duration, speed: Double = 1, outcome: Outcome, pauses: Int, skips: Int, extensions: Int) {
        self.protocolID = protocolID
        self.protocolHash = protocolHash
        self.mode = mode
        self.start = start
        self.end = end
        self.planned = planned
        self.actual = actual
        self.speed = speed
        self.outcome = outcome
        self.pauses = pauses
        self.skips = skips
        self.extensions = extensions
    }

    /// Which segment of a protocol a record is about, kept whole so that later reading needs
    /// neither the protocol nor its order: stats match segments by `key`, never by position.
    public struct SegmentIdentity: Sendable, Hashable {
        /// Its index in the session's timeline.
        public var index: Int
        public var phaseID: String
        /// The role's name (`phase`, `step`, `stillness-phase`, `stillness-after`, `stillness-between-steps`).
        public var role: String
        /// The step's index; for stillness between steps, the step before it.
        public var step: Int?
        /// What the screen called it ("Jawline: Left side").
        public var title: String

        public init(index: Int, phaseID: String, role: String, step: Int?, title: String) {
            self.index = index
            self.phaseID = phaseID
            self.role = role
            self.step = step
            self.title = title
        }

        /// The identity of `timeline`'s segment `index`.
        public init(_ timeline: Timeline, index: Int) {
            let segment = timeline.segments[index]
            var step = segment.stepIndex
            if case .stillnessBetweenSteps(let after) = segment.role { step = after }
            self.init(index: index, phaseID: timeline.phase(of: segment).id, role: segment.role.name, step: step,
                      title: timeline.title(of: segment))
        }

        /// What matches across practices: the phase, the role and the step. Not the index (an
        /// edited protocol moves it) and not the title (a retitled step is the same step).
        public var key: String { "\(phaseID)/\(role)" + (step.map { "/\($0)" } ?? "") }
    }

    public struct PracticeSegment: Sendable, Equatable {
        /// Nil on lines written before segments carried their identity; those match by position.
        public var identity: SegmentIdentity?
        /// The segment's position in the practice, for lines without an identity.
        public var position: Int
        public var planned: Duration
        public var actual: Duration
        public var missed: Bool

        public init(identity: SegmentIdentity?, position: Int, planned: Duration, actual: Duration, missed: Bool) {
            self.identity = identity
            self.position = position
            self.planned = planned
            self.actual = actual
            self.missed = missed
        }

        /// What stats group by.
        public var key: String { identity?.key ?? "#\(position)" }
    }

    public struct PracticeSummary: Sendable, Equatable {
        public var mape: Double
        public var rating: Int
        public var segments: [PracticeSegment]

        public init(mape: Double, rating: Int, segments: [PracticeSegment]) {
            self.mape = mape
            self.rating = rating
            self.segments = segments
        }
    }

    public struct StrokeSummary: Sendable, Equatable {
        public var identity: SegmentIdentity
        public var target: Duration
        public var taps: Int
        /// Nil with fewer than two taps.
        public var meanPeriod: Duration?
        public var spread: Duration?

        public init(identity: SegmentIdentity, target: Duration, taps: Int, meanPeriod: Duration?, spread: Duration?) {
            self.identity = identity
            self.target = target
            self.taps = taps
            self.meanPeriod = meanPeriod
            self.spread = spread
        }
    }

    /// How far a stroke drill's segments were from their target cadence: the mean of each one's
    /// |mean period - target| / target, in %; nil when no segment had two taps.
    public static func cadenceError(_ strokes: [StrokeSummary]) -> Double? {
        let errors = strokes.compactMap { stroke in stroke.meanPeriod.map { abs(($0 - stroke.target) / stroke.target) * 100 } }
        return errors.isEmpty ? nil : errors.reduce(0, +) / Double(errors.count)
    }

    /// A content hash of a timeline: FNV-1a (64-bit) of its JSON form, in hex.
    public static func hash(of timeline: Timeline) -> String {
        let hex = String(FNV1a.hash(TimelineReport.json(timeline).utf8), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    // MARK: Writing

    public var jsonLine: String {
        var fields: [(String, String)] = [
            ("protocol", JSONText.string(protocolID)), ("hash", JSONText.string(protocolHash)),
            ("mode", JSONText.string(mode.rawValue)), ("start", JSONText.string(start)), ("end", JSONText.string(end)),
            ("planned", Self.seconds(planned)), ("actual", Self.seconds(actual)), ("speed", JSONText.number(speed)),
            ("outcome", JSONText.string(outcome.rawValue)),
            ("pauses", "\(pauses)"), ("skips", "\(skips)"), ("extensions", "\(extensions)"),
        ]
        if let practice {
            let segments = practice.segments.map { segment in
                Self.object(Self.identityFields(segment.identity) + [
                    ("planned", Self.seconds(segment.planned)), ("actual", Self.seconds(segment.actual)),
                    ("missed", segment.missed ? "true" : "false"),
                ])
            }
            fields += [("mape", JSONText.number((practice.mape * 1000).rounded() / 1000)), ("rating", "\(practice.rating)"),
                       ("segments", "[" + segments.joined(separator: ",") + "]")]
        }
        if let strokes {
            let segments = strokes.map { stroke in
                Self.object(Self.identityFields(stroke.identity) + [
                    ("target", Self.seconds(stroke.target)), ("taps", "\(stroke.taps)"),
                    ("meanPeriod", stroke.meanPeriod.map(Self.seconds) ?? "null"), ("spread", stroke.spread.map(Self.seconds) ?? "null"),
                ])
            }
            fields.append(("strokes", "[" + segments.joined(separator: ",") + "]"))
        }
        if let focus { fields.append(("focus", Self.object(Self.identityFields(focus)))) }
        if let support { fields.append(("support", JSONText.string(support.rawValue))) }
        for (key, place) in [("from", startedAt), ("stopped", stoppedAt)] {
            guard let place else { continue }
            fields.append((key, Self.object(Self.identityFields(place.identity) + [("offset", Self.seconds(place.offset))])))
        }
        return Self.object(fields)
    }

    private static func identityFields(_ identity: SegmentIdentity?) -> [(String, String)] {
        guard let identity else { return [] }
        return [("segment", "\(identity.index)"), ("phase", JSONText.string(identity.phaseID)), ("role", JSONText.string(identity.role))]
            + (identity.step.map { [("step", "\($0)")] } ?? []) + [("title", JSONText.string(identity.title))]
    }

    private static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(JSONText.string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    private static func seconds(_ duration: Duration) -> String { TimeText.seconds(duration, decimals: 3) }

    // MARK: Reading

    /// The longest duration a line may hold: a bound far past any session (4 h of protocol,
    /// paused for days), below where a number stops being a `Duration`.
    public static let longestDuration: Duration = .seconds(10_000_000)

    /// Parses one history line; the error says why a line cannot be read. Every number is
    /// range-checked: a line out of range is skipped like a torn one, never trusted.
    public static func parse(_ line: String) throws(HistoryLineError) -> HistoryEntry {
        var line = line
        let decoder = HistoryLineDecoder()
        if let entry = line.withUTF8({ decoder.decode($0) }) { return entry }
        return try parseTree(line)
    }

    /// The same from the line's bytes, with a decoder kept from line to line (`HistoryFile`'s reading).
    static func parse(_ bytes: ArraySlice<UInt8>, decoder: HistoryLineDecoder) throws(HistoryLineError) -> HistoryEntry {
        if let entry = bytes.withUnsafeBufferPointer({ decoder.decode($0) }) { return entry }
        return try parseTree(String(decoding: bytes, as: UTF8.self))
    }

    /// The line through the full JSON parser: what every line means, and why one cannot be read.
    /// `HistoryLineDecoder` reads the common shape faster and leaves the rest to this.
    public static func parseTree(_ line: String) throws(HistoryLineError) -> HistoryEntry {
        let node: JSONNode
        do {
            node = try JSONParser.parse(Array(line.utf8))
        } catch {
            throw HistoryLineError(reason: "not JSON: \(error.message)")
        }
        let fields = try Fields(node, name: "line")
        guard let mode = Mode(rawValue: try fields.string("mode")) else { throw HistoryLineError(reason: "unknown \"mode\"") }
        guard let outcome = Outcome(rawValue: try fields.string("outcome")) else { throw HistoryLineError(reason: "unknown \"outcome\"") }
        var entry = HistoryEntry(
            protocolID: try fields.string("protocol"), protocolHash: try fields.string("hash"), mode: mode,
            start: try fields.string("start"), end: try fields.string("end"), planned: try fields.duration("planned"),
            actual: try fields.duration("actual"), speed: try fields.optionalNumber("speed", in: 0.1...1000) ?? 1, outcome: outcome,
            pauses: try fields.count("pauses"), skips: try fields.count("skips"), extensions: try fields.count("extensions"))
        if fields.has("mape") {
            var segments: [PracticeSegment] = []
            for (position, item) in try fields.array("segments").enumerated() {
                let segment = try Fields(item, name: "segments")
                segments.append(PracticeSegment(
                    identity: try segment.identity(), position: position, planned: try segment.duration("planned", positive: true),
                    actual: try segment.duration("actual"), missed: try segment.optionalBool("missed") ?? false))
            }
            entry.practice = PracticeSummary(mape: try fields.number("mape", in: 0...1_000_000), rating: try fields.count("rating", upTo: 100),
                                             segments: segments)
        }
        if fields.has("strokes") {
            entry.strokes = try fields.array("strokes").map { item throws(HistoryLineError) in
                let stroke = try Fields(item, name: "strokes")
                guard let identity = try stroke.identity() else { throw HistoryLineError(reason: "bad \"strokes\"") }
                return StrokeSummary(identity: identity, target: try stroke.duration("target", positive: true), taps: try stroke.count("taps"),
                                     meanPeriod: try stroke.optionalDuration("meanPeriod"), spread: try stroke.optionalDuration("spread"))
            }
        }
        if let node = fields.node("focus") {
            guard let identity = try Fields(node, name: "focus").identity() else { throw HistoryLineError(reason: "bad \"focus\"") }
            entry.focus = identity
        }
        if fields.has("support") {
            guard let support = PracticeSupport(rawValue: try fields.string("support")) else { throw HistoryLineError(reason: "unknown \"support\"") }
            entry.support = support
        }
        for (key, path) in [("from", \HistoryEntry.startedAt), ("stopped", \HistoryEntry.stoppedAt)] {
            guard let node = fields.node(key) else { continue }
            let place = try Fields(node, name: key)
            guard let identity = try place.identity() else { throw HistoryLineError(reason: "bad \"\(key)\"") }
            entry[keyPath: path] = Place(identity: identity, offset: try place.duration("offset"))
        }
        return entry
    }

    /// The members of one JSON object, read with range checks.
    private struct Fields {
        var values: [String: JSONNode.Value] = [:]
        /// The object's name in messages: `line` for the line itself, else the array it sits in.
        var name: String

        init(_ node: JSONNode, name: String) throws(HistoryLineError) {
            guard case .object(let members) = node.value else {
                throw HistoryLineError(reason: name == "line" ? "not a JSON object" : "bad \"\(name)\"")
            }
            self.name = name
            for member in members { values[member.key] = member.value.value }
        }

        func has(_ key: String) -> Bool { values[key] != nil }

        /// The member `key` as a node of its own (an object inside the line).
        func node(_ key: String) -> JSONNode? {
            values[key].map { JSONNode(value: $0, offset: 0) }
        }

        func bad(_ key: String) -> HistoryLineError {
            HistoryLineError(reason: name == "line" ? "bad \"\(key)\"" : "bad \"\(name)\"")
        }

        func missing(_ key: String) -> HistoryLineError {
            HistoryLineError(reason: name == "line" ? "missing \"\(key)\"" : "bad \"\(name)\"")
        }

        func string(_ key: String) throws(HistoryLineError) -> String {
            guard case .string(let value)? = values[key] else { throw missing(key) }
            return value
        }

        func optionalNumber(_ key: String, in range: ClosedRange<Double>) throws(HistoryLineError) -> Double? {
            guard let value = values[key] else { return nil }
            guard case .number(let text) = value, let number = Double(text), number.isFinite, range.contains(number) else { throw bad(key) }
            return number
        }

        func number(_ key: String, in range: ClosedRange<Double>) throws(HistoryLineError) -> Double {
            guard let number = try optionalNumber(key, in: range) else { throw missing(key) }
            return number
        }

        func count(_ key: String, upTo limit: Double = 1e9) throws(HistoryLineError) -> Int {
            let value = try number(key, in: 0...limit)
            guard value == value.rounded() else { throw bad(key) }
            return Int(value)
        }

        func optionalDuration(_ key: String) throws(HistoryLineError) -> Duration? {
            if case .null? = values[key] { return nil }
            return try optionalNumber(key, in: 0...HistoryEntry.longestDuration.seconds).map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
        }

        func duration(_ key: String, positive: Bool = false) throws(HistoryLineError) -> Duration {
            guard let duration = try optionalDuration(key) else { throw missing(key) }
            if positive, duration <= .zero { throw bad(key) }
            return duration
        }

        func optionalBool(_ key: String) throws(HistoryLineError) -> Bool? {
            guard let value = values[key] else { return nil }
            guard case .bool(let flag) = value else { throw bad(key) }
            return flag
        }

        func array(_ key: String) throws(HistoryLineError) -> [JSONNode] {
            guard case .array(let items)? = values[key] else { throw missing(key) }
            return items
        }

        /// A segment's identity, or nil on a line written before segments carried one.
        func identity() throws(HistoryLineError) -> SegmentIdentity? {
            guard has("phase") else { return nil }
            let index = try count("segment", upTo: 100_000)
            let step = has("step") ? try count("step", upTo: 100_000) : nil
            return SegmentIdentity(index: index, phaseID: try string("phase"), role: try string("role"), step: step,
                                   title: try string("title"))
        }
    }
}

public struct HistoryLineError: Error, Sendable, Equatable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}
