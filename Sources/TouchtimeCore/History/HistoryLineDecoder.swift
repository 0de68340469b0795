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

    /// What one object held, by key: one set for the line, one for the object being read inside
    /// it. Plain values (a mask and a pointer into `Scratch`), so passing them costs nothing.
    private struct Members {
        var seen: UInt64 = 0
        let values: UnsafeMutablePointer<Raw>

        func has(_ key: Key) -> Bool { seen & (1 << UInt64(key.rawValue)) != 0 }
        subscript(_ key: Key) -> Raw? { has(key) ? values[key.rawValue] : nil }

        mutating func set(_ key: Key, _ value: Raw) throws(Declined) {
            let bit: UInt64 = 1 << UInt64(key.rawValue)
            guard seen & bit == 0 else { throw Declined() }  // a repeated member: the parser names it
            seen |= bit
            values[key.rawValue] = value
        }
    }

    /// The storage a decoder reuses from line to line: the members' values, and strings already made.
    private final class Scratch {
        let top = UnsafeMutablePointer<Raw>.allocate(capacity: Key.allCases.count)
        let inner = UnsafeMutablePointer<Raw>.allocate(capacity: Key.allCases.count)
        /// Strings that come again line after line (phases, roles, titles), made once: a slot per
        /// hash of their bytes, the bytes compared before a string is reused.
        var interns = [(bytes: [UInt8], string: String)?](repeating: nil, count: 256)
        let table = Key.table
        let multiplier = Key.multiplier
        let packed = Key.packed

        init() {
            top.initialize(repeating: .null, count: Key.allCases.count)
            inner.initialize(repeating: .null, count: Key.allCases.count)
        }

        deinit {
            top.deallocate()
            inner.deallocate()
        }
    }

    private let scratch = Scratch()

    /// The powers of ten a double holds exactly: a decimal of at most 15 digits divided by one of
    /// them is the correctly rounded value, as `Double(String)` gives.
    private static let powers: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The entry on `line`, or nil when the full parser must read it.
    func decode(_ line: UnsafeBufferPointer<UInt8>) -> HistoryEntry? {
        var cursor = Cursor(bytes: line)
        do {
            return try entry(&cursor)
        } catch {
            return nil
        }
    }

    // MARK: The line's shape

    private func entry(_ cursor: inout Cursor) throws(Declined) -> HistoryEntry {
        var top = Members(values: scratch.top)
        var inner = Members(values: scratch.inner)
        var segments: [HistoryEntry.PracticeSegment] = []
        var strokes: [HistoryEntry.StrokeSummary] = []
        var focus: HistoryEntry.SegmentIdentity?
        var startedAt: HistoryEntry.Place?
        var stoppedAt: HistoryEntry.Place?
        var more = try cursor.open(UInt8(ascii: "{"), UInt8(ascii: "}"))
        while more {
            let key = try self.key(&cursor)
            switch key {
            case .segments:
                try top.set(key, .nested)
                segments.reserveCapacity(16)
                var items = try cursor.open(UInt8(ascii: "["), UInt8(ascii: "]"))
                while items {
                    try nestedObject(&cursor, into: &inner)
                    let identity = try self.identity(inner, cursor)
                    segments.append(HistoryEntry.PracticeSegment(
                        identity: identity, position: segments.count, planned: try Self.duration(inner[.planned], positive: true),
                        actual: try Self.duration(inner[.actual]), missed: try Self.optionalBool(inner[.missed]) ?? false))
                    try Self.onlyIdentityAnd(Self.segmentMask, inner)
                    items = try cursor.continues(UInt8(ascii: "]"))
                }
            case .strokes:
                try top.set(key, .nested)
                var items = try cursor.open(UInt8(ascii: "["), UInt8(ascii: "]"))
                while items {
                    try nestedObject(&cursor, into: &inner)
                    guard let identity = try self.identity(inner, cursor) else { throw Declined() }
                    strokes.append(HistoryEntry.StrokeSummary(
                        identity: identity, target: try Self.duration(inner[.target], positive: true),
                        taps: try Self.count(inner[.taps], upTo: 1e9), meanPeriod: try Self.optionalDuration(inner[.meanPeriod]),
                        spread: try Self.optionalDuration(inner[.spread])))
                    try Self.onlyIdentityAnd(Self.strokeMask, inner)
                    items = try cursor.continues(UInt8(ascii: "]"))
                }
            case .focus:
                try top.set(key, .nested)
                try nestedObject(&cursor, into: &inner)
                guard let identity = try self.identity(inner, cursor) else { throw Declined() }
                try Self.onlyIdentityAnd(0, inner)
                focus = identity
            case .from, .stopped:
                try top.set(key, .nested)
                try nestedObject(&cursor, into: &inner)
                guard let identity = try self.identity(inner, cursor) else { throw Declined() }
                let place = HistoryEntry.Place(identity: identity, offset: try Self.duration(inner[.offset]))
                if key == .from { startedAt = place } else { stoppedAt = place }
                try Self.onlyIdentityAnd(Self.placeMask, inner)
            case .protocol, .hash, .mode, .start, .end, .planned, .actual, .speed, .outcome, .pauses, .skips, .extensions,
                 .mape, .rating, .support:
                cursor.skipWhitespace()
                let value = try cursor.scalar()
                try top.set(key, value)
            default:
                throw Declined()  // a member of a segment at the top: the parser decides
            }
            more = try cursor.continues(UInt8(ascii: "}"))
        }
        cursor.skipWhitespace()
        guard cursor.atEnd else { throw Declined() }
        guard case .string(let modeText)? = top[.mode], let mode = HistoryEntry.Mode(rawValue: cursor.text(modeText)),
              case .string(let outcomeText)? = top[.outcome], let outcome = HistoryEntry.Outcome(rawValue: cursor.text(outcomeText))
        else { throw Declined() }
        var entry = HistoryEntry(
            protocolID: try cursor.string(top[.protocol]), protocolHash: try cursor.string(top[.hash]), mode: mode,
            start: try cursor.string(top[.start]), end: try cursor.string(top[.end]), planned: try Self.duration(top[.planned]),
            actual: try Self.duration(top[.actual]), speed: try Self.optionalNumber(top[.speed], in: 0.1...1000) ?? 1, outcome: outcome,
            pauses: try Self.count(top[.pauses], upTo: 1e9), skips: try Self.count(top[.skips], upTo: 1e9),
            extensions: try Self.count(top[.extensions], upTo: 1e9))
        if top.has(.mape) {
            guard top.has(.segments) else { throw Declined() }
            entry.practice = HistoryEntry.PracticeSummary(mape: try Self.number(top[.mape], in: 0...1_000_000),
                                                          rating: try Self.count(top[.rating], upTo: 100), segments: segments)
        } else if top.has(.segments) {
            throw Declined()  // segments without a score: the parser ignores them; rare enough to leave to it
        }
        if top.has(.strokes) { entry.strokes = strokes }
        entry.focus = focus
        entry.startedAt = startedAt
        entry.stoppedAt = stoppedAt
        if let support = top[.support] {
            guard case .string(let range) = support, let value = PracticeSupport(rawValue: cursor.text(range)) else { throw Declined() }
            entry.support = value
        }
        return entry
    }

    /// Reads an object inside the line into `inner`.
    private func nestedObject(_ cursor: inout Cursor, into inner: inout Members) throws(Declined) {
        inner.seen = 0
        var more = try cursor.open(UInt8(ascii: "{"), UInt8(ascii: "}"))
        while more {
            let key = try self.key(&cursor)
            switch key {
            case .segment, .phase, .role, .step, .title, .planned, .actual, .missed, .target, .taps, .meanPeriod, .spread, .offset:
                cursor.skipWhitespace()
                let value = try cursor.scalar()
                try inner.set(key, value)
            default:
                throw Declined()
            }
            more = try cursor.continues(UInt8(ascii: "}"))
        }
    }

    /// The object just read named a segment and held only `others` besides (else the parser reads it).
    private static func onlyIdentityAnd(_ others: UInt64, _ inner: Members) throws(Declined) {
        guard inner.seen & ~(identityMask | others) == 0 else { throw Declined() }
        if !inner.has(.phase), inner.seen & identityMask != 0 { throw Declined() }
    }

    private static func bit(_ key: Key) -> UInt64 { 1 << UInt64(key.rawValue) }
    private static var identityMask: UInt64 { bit(.segment) | bit(.phase) | bit(.role) | bit(.step) | bit(.title) }
    private static var segmentMask: UInt64 { bit(.planned) | bit(.actual) | bit(.missed) }
    private static var strokeMask: UInt64 { bit(.target) | bit(.taps) | bit(.meanPeriod) | bit(.spread) }
    private static var placeMask: UInt64 { bit(.offset) }

    private func identity(_ inner: Members, _ cursor: Cursor) throws(Declined) -> HistoryEntry.SegmentIdentity? {
        guard inner.has(.phase) else { return nil }
        let index = try Self.count(inner[.segment], upTo: 100_000)
        let step = inner.has(.step) ? try Self.count(inner[.step], upTo: 100_000) : nil
        return HistoryEntry.SegmentIdentity(index: index, phaseID: try interned(inner[.phase], cursor),
                                            role: try interned(inner[.role], cursor), step: step,
                                            title: try interned(inner[.title], cursor))
    }

    private func interned(_ value: Raw?, _ cursor: Cursor) throws(Declined) -> String {
        guard case .string(let range)? = value else { throw Declined() }
        let slice = UnsafeBufferPointer(rebasing: cursor.bytes[range])
        guard slice.count > 15 else { return cursor.text(range) }  // a small string costs no allocation
        let slot = Int(FNV1a.hash(slice) & 255)
        if let kept = scratch.interns[slot], kept.bytes.elementsEqual(slice) { return kept.string }
        let string = cursor.text(range)
        scratch.interns[slot] = (Array(slice), string)
        return string
    }

    /// A member's key and its colon.
    private func key(_ cursor: inout Cursor) throws(Declined) -> Key {
        cursor.skipWhitespace()
        guard cursor.current == UInt8(ascii: "\"") else { throw Declined() }
        let range = try cursor.rawString()
        try cursor.expect(UInt8(ascii: ":"))
        let count = range.count
        guard count <= 16 else { throw Declined() }
        guard count > 0, let base = cursor.bytes.baseAddress else { throw Declined() }
        var low: UInt64 = 0
        if range.lowerBound + 8 <= cursor.bytes.count {
            // Eight bytes at once (the key's and what follows it, masked off), in the order `pack` makes.
            low = UInt64(littleEndian: UnsafeRawPointer(base + range.lowerBound).loadUnaligned(as: UInt64.self))
            if count < 8 { low &= (1 << (8 * UInt64(count))) - 1 }
        } else {
            for offset in 0..<min(count, 8) { low |= UInt64(base[range.lowerBound + offset]) << (8 * UInt64(offset)) }
        }
        let found = scratch.table[Key.slot(low, count, scratch.multiplier)]
        guard found >= 0 else { throw Declined() }
        let known = scratch.packed[Int(found)]
        guard known.low == low, known.count == count,
              count <= 8 || known.high == Key.pack(UnsafeBufferPointer(rebasing: cursor.bytes[(range.lowerBound + 8)..<range.upperBound]))
        else { throw Declined() }
        return known.key
    }

    // MARK: Values, range-checked as `HistoryEntry.parse` checks them

    private static func optionalNumber(_ value: Raw?, in range: ClosedRange<Double>) throws(Declined) -> Double? {
        guard let value else { return nil }
        guard case .number(let number) = value, range.contains(number) else { throw Declined() }
        return number
    }

    private static func number(_ value: Raw?, in range: ClosedRange<Double>) throws(Declined) -> Double {
        guard let number = try optionalNumber(value, in: range) else { throw Declined() }
        return number
    }

    private static func count(_ value: Raw?, upTo limit: Double) throws(Declined) -> Int {
        let number = try number(value, in: 0...limit)
        guard number == number.rounded() else { throw Declined() }
        return Int(number)
    }

    private static func optionalDuration(_ value: Raw?) throws(Declined) -> Duration? {
        if case .null? = value { return nil }
        return try optionalNumber(value, in: 0...HistoryEntry.longestDuration.seconds).map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
    }

    private static func duration(_ value: Raw?, positive: Bool = false) throws(Declined) -> Duration {
        guard let duration = try optionalDuration(value) else { throw Declined() }
        if positive, duration <= .zero { throw Declined() }
        return duration
    }

    private static func optionalBool(_ value: Raw?) throws(Declined) -> Bool? {
        guard let value else { return nil }
        guard case .bool(let flag) = value else { throw Declined() }
        return flag
    }

    // MARK: JSON, the plain part of it

    /// A position in the line's bytes: plain values only, so it is passed and copied for nothing.
    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }
        var atEnd: Bool { index == bytes.count }

        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        func string(_ value: Raw?) throws(Declined) -> String {
            guard case .string(let range)? = value else { throw Declined() }
            return text(range)
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func expect(_ byte: UInt8) throws(Declined) {
            skipWhitespace()
            guard current == byte else { throw Declined() }
            index += 1
        }

        /// Past the opening of an object or array: false when it closes at once (and is read).
        mutating func open(_ opening: UInt8, _ closing: UInt8) throws(Declined) -> Bool {
            try expect(opening)
            skipWhitespace()
            guard current == closing else { return true }
            index += 1
            return false
        }

        /// After a member or item: true past a comma, false past the closing.
        mutating func continues(_ closing: UInt8) throws(Declined) -> Bool {
            skipWhitespace()
            guard let next = current else { throw Declined() }
            index += 1
            if next == closing { return false }
            guard next == UInt8(ascii: ",") else { throw Declined() }
            return true
        }

        /// A string, a number, true, false or null.
        mutating func scalar() throws(Declined) -> Raw {
            switch current {
            case UInt8(ascii: "\""): return .string(try rawString())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func literal(_ word: StaticString) throws(Declined) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw Declined() }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw Declined() }
            index += count
        }

        /// The bytes between the quotes of a string without escapes or control characters.
        mutating func rawString() throws(Declined) -> Range<Int> {
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
        mutating func number() throws(Declined) -> Double {
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
            let value = Double(mantissa) / HistoryLineDecoder.powers[decimals]
            return negative ? -value : value
        }
    }
}
