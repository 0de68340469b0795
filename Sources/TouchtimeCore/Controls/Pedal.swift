/// One Linux input event (`struct input_event` of `<linux/input.h>`) as a 64-bit kernel hands it
/// to a reader of `/dev/input/event*`: 24 bytes, little-endian: the time (seconds and
/// microseconds, 8 bytes each), the type (2), the code (2) and the value (4).
///
/// Pedals that are not keyboards (VEC Infinity) report buttons (`BTN_0` to `BTN_2`) this way;
/// keyboard-mode pedals report keys (`KEY_B`, `KEY_F13`). A key event's value is 1 pressed,
/// 0 released, 2 the kernel's auto-repeat.
public struct InputEvent: Sendable, Equatable {
    public var time: Duration
    public var type: UInt16
    public var code: UInt16
    public var value: Int32

    public static let size = 24
    /// `EV_KEY`: keys and buttons.
    public static let keyType: UInt16 = 1

    public init(time: Duration, type: UInt16 = InputEvent.keyType, code: UInt16, value: Int32) {
        self.time = time
        self.type = type
        self.code = code
        self.value = value
    }

    /// Reads one record from exactly `size` bytes.
    public init?(_ bytes: ArraySlice<UInt8>) {
        guard bytes.count == Self.size else { return nil }
        let base = bytes.startIndex
        func integer(_ offset: Int, _ count: Int) -> UInt64 {
            (0..<count).reduce(UInt64(0)) { $0 | UInt64(bytes[base + offset + $1]) << (8 * UInt64($1)) }
        }
        let seconds = Int64(bitPattern: integer(0, 8))
        let microseconds = Int64(bitPattern: integer(8, 8))
        // A garbled record (not an event device, a truncated stream) must not trap: times are clamped.
        let clampedSeconds = min(max(seconds, 0), Int64(Int32.max))
        let clampedMicroseconds = min(max(microseconds, 0), 999_999)
        time = .seconds(clampedSeconds) + .microseconds(clampedMicroseconds)
        type = UInt16(integer(16, 2))
        code = UInt16(integer(18, 2))
        value = Int32(bitPattern: UInt32(integer(20, 4)))
    }

    /// The record's 24 bytes (tests and recordings write these).
    public var bytes: [UInt8] {
        let seconds = UInt64(max(time.components.seconds, 0))
        let microseconds = UInt64(max(time.components.attoseconds / 1_000_000_000_000, 0))
        func little(_ value: UInt64, _ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }
        return little(seconds, 8) + little(microseconds, 8) + little(UInt64(type), 2) + little(UInt64(code), 2)
            + little(UInt64(UInt32(bitPattern: value)), 4)
    }
}

/// Cuts a byte stream into input events; a record split across reads is completed by the next.
public struct InputEventDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    public mutating func decode(_ bytes: [UInt8]) -> [InputEvent] {
        pending += bytes
        let whole = pending.count / InputEvent.size * InputEvent.size
        var events: [InputEvent] = []
        events.reserveCapacity(whole / InputEvent.size)
        for start in stride(from: 0, to: whole, by: InputEvent.size) {
            if let event = InputEvent(pending[start..<(start + InputEvent.size)]) { events.append(event) }
        }
        pending.removeFirst(whole)
        return events
    }
}

/// Linux key codes (`KEY_*`, `BTN_*` of `<linux/input-event-codes.h>`) and the keys they are.
public enum LinuxKeyCode {
    private static let letters: [(Int, Character)] = Array(zip(16...25, "qwertyuiop")) + Array(zip(30...38, "asdfghjkl"))
        + Array(zip(44...50, "zxcvbnm"))
    private static let table: [UInt16: Key] = {
        var table: [UInt16: Key] = [:]
        for (code, letter) in letters { table[UInt16(code)] = .char(letter) }
        for (code, digit) in zip(2...11, "1234567890") { table[UInt16(code)] = .char(digit) }
        table[12] = .char("-")
        table[13] = .char("=")
        table[26] = .char("[")
        table[27] = .char("]")
        table[57] = .space
        table[28] = .enter
        table[96] = .enter  // KEY_KPENTER
        table[104] = .pageUp
        table[109] = .pageDown
        table[103] = .up
        table[108] = .down
        table[105] = .left
        table[106] = .right
        for number in 1...10 { table[UInt16(58 + number)] = .function(number) }  // KEY_F1 = 59
        table[87] = .function(11)
        table[88] = .function(12)
        for number in 13...20 { table[UInt16(170 + number)] = .function(number) }  // KEY_F13 = 183
        for number in 0...9 { table[UInt16(0x100 + number)] = .button(number) }  // BTN_0 = 0x100
        return table
    }()

    public static func key(for code: UInt16) -> Key? {
        table[code]
    }

    public static func code(for key: Key) -> UInt16? {
        table.first { $0.value == key }?.key
    }
}

/// What a pedal's presses, releases and holds mean: a value fed its events, no device, no clock.
///
/// A key or button acts when pressed (the kernel's auto-repeat, value 2, is ignored: holding it
/// acts once). One that also has a hold action waits: let go within `holdTime` it does its press
/// action on release; held `holdTime` it does its hold action instead, at that moment (`tick`),
/// or on release when the events arrive together (a recording).
public struct PedalInterpreter: Sendable {
    public let press: KeyMap
    public let hold: [Key: KeyAction]
    public let holdTime: Duration
    /// Held keys that have a hold action: when pressed (event time), when that arrived (reader's clock).
    private var held: [Key: (pressed: Duration, arrived: Duration)] = [:]

    public init(press: KeyMap, hold: [KeyAction: [Key]] = [:], holdTime: Duration = .seconds(1)) {
        self.press = press
        var byKey: [Key: KeyAction] = [:]
        for (action, keys) in hold { for key in keys { byKey[key] = action } }
        self.hold = byKey
        self.holdTime = holdTime
    }

    /// The actions of `event`, which arrived at `arrival` on the reader's clock.
    public mutating func handle(_ event: InputEvent, arrival: Duration) -> [KeyAction] {
        guard event.type == InputEvent.keyType, let key = LinuxKeyCode.key(for: event.code) else { return [] }
        switch event.value {
        case 1:
            if hold[key] != nil {
                held[key] = (event.time, arrival)
                return []
            }
            return press.action(for: key).map { [$0] } ?? []
        case 0:
            guard let down = held.removeValue(forKey: key) else { return [] }
            if event.time - down.pressed >= holdTime || arrival - down.arrived >= holdTime {
                return hold[key].map { [$0] } ?? []
            }
            return press.action(for: key).map { [$0] } ?? []
        default:
            return []
        }
    }

    /// Holds that have lasted `holdTime` by `now` (the reader's clock): their actions, once.
    public mutating func tick(at now: Duration) -> [KeyAction] {
        var actions: [KeyAction] = []
        for (key, down) in held where now - down.arrived >= holdTime {
            held[key] = nil
            if let action = hold[key] { actions.append(action) }
        }
        return actions
    }

    /// When the next hold falls due, if a key with a hold action is down.
    public var nextHold: Duration? {
        held.values.map { $0.arrived + holdTime }.min()
    }
}
