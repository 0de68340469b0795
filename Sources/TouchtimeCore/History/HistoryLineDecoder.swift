/// Reads a history line straight from its bytes into a `HistoryEntry`, without building a JSON
/// tree: the shape `jsonLine` writes (any member order, any whitespace), numbers in plain
/// decimal, strings without escapes. Anything else (an unknown or repeated member, an escape, an
/// exponent, a value out of range, bad JSON) it declines with nil, and the line is read by
/// `HistoryEntry.parse(_:)`, which accepts or explains it. So what this reads is exactly what that
/// reads, only about twenty times faster (a fuzzer compares the two on every input).
///
/// One decoder is reused line after line: its scratch storage is allocated once.
struct HistoryLineDecoder {
    /// The members this reads, at any level. Raw values index `slots`.
    enum Key: Int, CaseIterable {
        case `protocol`, hash, mode, start, end, planned, actual, speed, outcome, pauses, skips, extensions
        case mape, rating, segments, strokes, focus, from, stopped, support
        case segment, phase, role, step, title, missed, target, taps, meanPeriod, spread, offset

        var name: String { "\(self)" }

        /// Each key's bytes packed (the first 8 in `low`, the rest in `high`) with its length.
        static let packed: [(low: UInt64, high: UInt64, count: Int, key: Key)] = allCases.map { key in
            let bytes = Array(key.name.utf8)
            return (pack(bytes[...].prefix(8)), pack(bytes.dropFirst(8)), bytes.count, key)
        }

        /// A table of the keys by a hash of their packed bytes, free of collisions: one probe finds a key.
        static let (multiplier, table): (UInt64, [Int8]) = {
            var multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
            while true {
                var table = [Int8](repeating: -1, count: 128)
                var clean = true
                for known in packed {
                    let slot = Self.slot(known.low, known.count, multiplier)
                    if table[slot] >= 0 { clean = false; break }
                    table[slot] = Int8(known.key.rawValue)
                }
                if clean { return (multiplier, table) }
                multiplier &+= 2
            }
        }()

        static func slot(_ low: UInt64, _ count: Int, _ multiplier: UInt64) -> Int {
            Int(truncatingIfNeeded: ((low ^ UInt64(count) << 59) &* multiplier) >> 57)
        }

        static func pack(_ bytes: some Collection<UInt8>) -> UInt64 {
            var value: UInt64 = 0
            for (shift, byte) in bytes.prefix(8).enumerated() { value |= UInt64(byte) << (8 * UInt64(shift)) }
            return value
        }
    }

    private enum Raw {
        case number(Double)
        case string(Range<Int>)
        case bool(Bool)
        case null
        /// An array or object: read where it stands, not kept.
        case nested
    }

    /// Why a line is declined: no reason is kept, the full parser gives it.
    private struct Declined: Error {}

    /// What one object held, by key: one set for the line, one for the object being read inside it.
    private struct Members {
        var seen: UInt64 = 0
        var values = [Raw](repeating: .null, count: Key.allCases.count)

        func has(_ key: Key) -> Bool { seen & (1 << UInt64(key.rawValue)) != 0 }
        subscript(_ key: Key) -> Raw? { has(key) ? values[key.rawValue] : nil }

        mutating func set(_ key: Key, _ value: Raw) throws(Declined) {
            let bit: UInt64 = 1 << UInt64(key.rawValue)
            guard seen & bit == 0 else { throw Declined() }  // a repeated member: the parser names it
            seen |= bit
            values[key.rawValue] = value
        }
    }

    private var top = Members()
    private var inner = Members()

    /// Which object a value is read from: the line, or the object being read inside it.
    private enum Level { case top, inner }

    private func raw(_ key: Key, _ level: Level) -> Raw? {
        switch level {
        case .top: return top[key]
        case .inner: return inner[key]
        }
    }

    private var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var index = 0

    /// The powers of ten a double holds exactly: a decimal of at most 15 digits divided by one of
    /// them is the correctly rounded value, as `Double(String)` gives.
    private static let powers: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The entry on `line`, or nil when the full parser must read it.
    mutating func decode(_ line: UnsafeBufferPointer<UInt8>) -> HistoryEntry? {
        bytes = line
        index = 0
        defer { bytes = UnsafeBufferPointer(start: nil, count: 0) }
        do {
            return try entry()
        } catch {
            return nil
        }
    }

    // MARK: The line's shape

    private mutating func entry() throws(Declined) -> HistoryEntry {
        top.seen = 0
        var segments: [HistoryEntry.PracticeSegment] = []
        segments.reserveCapacity(16)
        var strokes: [HistoryEntry.StrokeSummary] = []
        var focus: HistoryEntry.SegmentIdentity?
        var startedAt: HistoryEntry.Place?
        var stoppedAt: HistoryEntry.Place?
        var more = try open(UInt8(ascii: "{"), UInt8(ascii: "}"))
        while more {
            let key = try memberKey()
            switch key {
            case .segments:
                try top.set(key, .nested)
                var items = try open(UInt8(ascii: "["), UInt8(ascii: "]"))
                while items {
                    try nestedObject()
                    segments.append(HistoryEntry.PracticeSegment(
                        identity: try identity(), position: segments.count, planned: try duration(.planned, positive: true),
                        actual: try duration(.actual), missed: try optionalBool(.missed) ?? false))
                    try onlyIdentityAnd(Self.segmentMask)
                    items = try continues(UInt8(ascii: "]"))
                }
            case .strokes:
                try top.set(key, .nested)
                var items = try open(UInt8(ascii: "["), UInt8(ascii: "]"))
                while items {
                    try nestedObject()
                    guard let identity = try identity() else { throw Declined() }
                    strokes.append(HistoryEntry.StrokeSummary(
                        identity: identity, target: try duration(.target, positive: true), taps: try count(.taps, upTo: 1e9),
                        meanPeriod: try optionalDuration(.meanPeriod), spread: try optionalDuration(.spread)))
                    try onlyIdentityAnd(Self.strokeMask)
                    items = try continues(UInt8(ascii: "]"))
                }
            case .focus:
                try top.set(key, .nested)
                try nestedObject()
                guard let identity = try identity() else { throw Declined() }
                try onlyIdentityAnd(0)
                focus = identity
            case .from, .stopped:
                try top.set(key, .nested)
                try nestedObject()
                guard let identity = try identity() else { throw Declined() }
                let place = HistoryEntry.Place(identity: identity, offset: try duration(.offset))
                if key == .from { startedAt = place } else { stoppedAt = place }
                try onlyIdentityAnd(Self.placeMask)
            case .protocol, .hash, .mode, .start, .end, .planned, .actual, .speed, .outcome, .pauses, .skips, .extensions,
                 .mape, .rating, .support:
                skipWhitespace()
                let value = try scalar()
                try top.set(key, value)
            default:
                throw Declined()  // a member of a segment at the top: the parser decides
            }
            more = try continues(UInt8(ascii: "}"))
        }
        skipWhitespace()
        guard index == bytes.count else { throw Declined() }
        guard case .string(let modeText)? = top[.mode], let mode = HistoryEntry.Mode(rawValue: text(modeText)),
              case .string(let outcomeText)? = top[.outcome], let outcome = HistoryEntry.Outcome(rawValue: text(outcomeText))
        else { throw Declined() }
        var entry = HistoryEntry(
            protocolID: try string(.protocol, .top), protocolHash: try string(.hash, .top), mode: mode,
            start: try string(.start, .top), end: try string(.end, .top), planned: try duration(.planned, .top),
            actual: try duration(.actual, .top), speed: try optionalNumber(.speed, in: 0.1...1000, .top) ?? 1, outcome: outcome,
            pauses: try count(.pauses, upTo: 1e9, .top), skips: try count(.skips, upTo: 1e9, .top),
            extensions: try count(.extensions, upTo: 1e9, .top))
        if top.has(.mape) {
            guard top.has(.segments) else { throw Declined() }
            entry.practice = HistoryEntry.PracticeSummary(mape: try number(.mape, in: 0...1_000_000, .top),
                                                          rating: try count(.rating, upTo: 100, .top), segments: segments)
        } else if top.has(.segments) {
            throw Declined()  // segments without a score: the parser ignores them; rare enough to leave to it
        }
        if top.has(.strokes) { entry.strokes = strokes }
        entry.focus = focus
        entry.startedAt = startedAt
        entry.stoppedAt = stoppedAt
        if let support = top[.support] {
            guard case .string(let range) = support, let value = PracticeSupport(rawValue: text(range)) else { throw Declined() }
            entry.support = value
        }
        return entry
    }

    /// Reads an object inside the line into `inner`.
    private mutating func nestedObject() throws(Declined) {
        inner.seen = 0
        var more = try open(UInt8(ascii: "{"), UInt8(ascii: "}"))
        while more {
            let key = try memberKey()
            switch key {
            case .segment, .phase, .role, .step, .title, .planned, .actual, .missed, .target, .taps, .meanPeriod, .spread, .offset:
                skipWhitespace()
                let value = try scalar()
                try inner.set(key, value)
            default:
                throw Declined()
            }
            more = try continues(UInt8(ascii: "}"))
        }
    }

    /// The object just read named a segment and held only `others` besides (else the parser reads it).
    private func onlyIdentityAnd(_ others: UInt64) throws(Declined) {
        guard inner.seen & ~(Self.identityMask | others) == 0 else { throw Declined() }
        if !inner.has(.phase), inner.seen & Self.identityMask != 0 { throw Declined() }
    }

    private static func mask(_ keys: [Key]) -> UInt64 { keys.reduce(0) { $0 | 1 << UInt64($1.rawValue) } }
    private static let identityMask = mask([.segment, .phase, .role, .step, .title])
    private static let segmentMask = mask([.planned, .actual, .missed])
    private static let strokeMask = mask([.target, .taps, .meanPeriod, .spread])
    private static let placeMask = mask([.offset])

    private mutating func identity() throws(Declined) -> HistoryEntry.SegmentIdentity? {
        guard inner.has(.phase) else { return nil }
        let index = try count(.segment, upTo: 100_000)
        let step = inner.has(.step) ? try count(.step, upTo: 100_000) : nil
        return HistoryEntry.SegmentIdentity(index: index, phaseID: try interned(.phase), role: try interned(.role),
                                            step: step, title: try interned(.title))
    }

    /// Strings that come again line after line (phases, roles, titles), made once: a slot per hash
    /// of their bytes, the bytes compared before a string is reused.
    private var interns = [(bytes: [UInt8], string: String)?](repeating: nil, count: 256)

    private mutating func interned(_ key: Key) throws(Declined) -> String {
        guard case .string(let range)? = inner[key] else { throw Declined() }
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        guard slice.count > 15 else { return text(range) }  // a small string costs no allocation
        var hash: UInt32 = 2_166_136_261
        for byte in slice { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let slot = Int(hash & 255)
        if let kept = interns[slot], kept.bytes.elementsEqual(slice) { return kept.string }
        let string = text(range)
        interns[slot] = (Array(slice), string)
        return string
    }

    // MARK: Values, range-checked as `HistoryEntry.parse` checks them

    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    private func string(_ key: Key, _ level: Level = .inner) throws(Declined) -> String {
        guard case .string(let range)? = raw(key, level) else { throw Declined() }
        return text(range)
    }

    private func optionalNumber(_ key: Key, in range: ClosedRange<Double>, _ level: Level = .inner) throws(Declined) -> Double? {
        guard let value = raw(key, level) else { return nil }
        guard case .number(let number) = value, range.contains(number) else { throw Declined() }
        return number
    }

    private func number(_ key: Key, in range: ClosedRange<Double>, _ level: Level = .inner) throws(Declined) -> Double {
        guard let number = try optionalNumber(key, in: range, level) else { throw Declined() }
        return number
    }

    private func count(_ key: Key, upTo limit: Double, _ level: Level = .inner) throws(Declined) -> Int {
        let value = try number(key, in: 0...limit, level)
        guard value == value.rounded() else { throw Declined() }
        return Int(value)
    }

    private func optionalDuration(_ key: Key, _ level: Level = .inner) throws(Declined) -> Duration? {
        if case .null? = raw(key, level) { return nil }
        return try optionalNumber(key, in: 0...HistoryEntry.longestDuration.seconds, level)
            .map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
    }

    private func duration(_ key: Key, positive: Bool = false, _ level: Level = .inner) throws(Declined) -> Duration {
        guard let duration = try optionalDuration(key, level) else { throw Declined() }
        if positive, duration <= .zero { throw Declined() }
        return duration
    }

    private func optionalBool(_ key: Key) throws(Declined) -> Bool? {
        guard let value = inner[key] else { return nil }
        guard case .bool(let flag) = value else { throw Declined() }
        return flag
    }

    // MARK: JSON, the plain part of it

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws(Declined) {
        skipWhitespace()
        guard current == byte else { throw Declined() }
        index += 1
    }

    /// Past the opening of an object or array: false when it closes at once (and is read).
    private mutating func open(_ opening: UInt8, _ closing: UInt8) throws(Declined) -> Bool {
        try expect(opening)
        skipWhitespace()
        guard current == closing else { return true }
        index += 1
        return false
    }

    /// After a member or item: true past a comma, false past the closing.
    private mutating func continues(_ closing: UInt8) throws(Declined) -> Bool {
        skipWhitespace()
        guard let next = current else { throw Declined() }
        index += 1
        if next == closing { return false }
        guard next == UInt8(ascii: ",") else { throw Declined() }
        return true
    }

    /// A member's key and its colon.
    private mutating func memberKey() throws(Declined) -> Key {
        skipWhitespace()
        guard current == UInt8(ascii: "\"") else { throw Declined() }
        let key = try self.key(try rawString())
        try expect(UInt8(ascii: ":"))
        return key
    }

    private func key(_ range: Range<Int>) throws(Declined) -> Key {
        let count = range.count
        guard count <= 16 else { throw Declined() }
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        var low: UInt64 = 0
        for offset in 0..<min(count, 8) { low |= UInt64(slice[offset]) << (8 * UInt64(offset)) }
        let found = Key.table[Key.slot(low, count, Key.multiplier)]
        guard found >= 0 else { throw Declined() }
        let known = Key.packed[Int(found)]
        guard known.low == low, known.count == count, count <= 8 || known.high == Key.pack(slice.dropFirst(8)) else { throw Declined() }
        return known.key
    }

    /// A string, a number, true, false or null.
    private mutating func scalar() throws(Declined) -> Raw {
        switch current {
        case UInt8(ascii: "\""): return .string(try rawString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: StaticString) throws(Declined) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Declined() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw Declined() }
        index += count
    }

    /// The bytes between the quotes of a string without escapes or control characters.
    private mutating func rawString() throws(Declined) -> Range<Int> {
        index += 1  // "
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return start..<(index - 1)
            }
            guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { throw Declined() }
            index += 1
        }
        throw Declined()
    }

    /// `-?(0|[1-9][0-9]*)(.[0-9]+)?` of at most 15 digits: exactly what `Double(String)` makes of it.
    private mutating func number() throws(Declined) -> Double {
        var negative = false
        if current == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var decimals = 0
        guard let first = current, first &- 0x30 < 10 else { throw Declined() }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = current, next &- 0x30 < 10 { throw Declined() }  // a leading zero
        } else {
            while let byte = current, byte &- 0x30 < 10 {
                mantissa = mantissa &* 10 &+ UInt64(byte &- 0x30)
                digits += 1
                index += 1
                guard digits <= 15 else { throw Declined() }
            }
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard let next = current, next &- 0x30 < 10 else { throw Declined() }
            while let byte = current, byte &- 0x30 < 10 {
                mantissa = mantissa &* 10 &+ UInt64(byte &- 0x30)
                digits += 1
                decimals += 1
                index += 1
                guard digits <= 15 else { throw Declined() }
            }
        }
        if let next = current, next == UInt8(ascii: "e") || next == UInt8(ascii: "E") { throw Declined() }
        let value = Double(mantissa) / Self.powers[decimals]
        return negative ? -value : value
    }
}
