/// What a key means, decided in one place: `(key, now, mode) -> (command, overlay)`.
///
/// A value: the executable only reads keys, hands them here, sends the command to the session's
/// inbox and draws the overlay. Keys go through a `KeyMap` (the standard keys, or a
/// configuration's). Each mode has its own actions:
/// - `session` (a guided session): every `KeyAction`: pause (space or Enter), next (n or →),
///   back (p or ←), + / - 15 s, mute (m), volume up and down (↑ ↓ or ] [), repeat the phase (r),
///   quit (q, confirmed by a second q or y within 3 s), help (?).
/// - `practice` and `drill`: the keys of `pause` are the press (a tap in the drill), and those
///   of `next` when the configuration maps them (a pedal mapped for next works); quit (confirmed)
///   and help. Nothing else changes a practice.
/// Once the summary shows, any key closes it.
///
/// A held key repeats (a keyboard, or a pedal in keyboard mode): after a delay of 250 to 660 ms,
/// every 30 to 90 ms. Holding a pedal must act once. Arrivals of one key closer than `repeatGap`
/// (120 ms) are a repeat and do nothing. The first repeat comes a delay after the press and
/// looks like a second press: a key that comes again within `debounce` (0.7 s by default) of its
/// last arrival is held back `repeatGap`; if the key comes again meanwhile it was a repeat, and
/// nothing happens; if not, it was pressed twice on purpose, and acts (`settle(at:)`), a press in
/// practice counted from when it was made. So `q q` quits, `n n` skips two, and a held pedal
/// acts once. `debounce` 0 turns this off.
public struct KeyController: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case session, practice, drill
    }

    public struct Outcome: Sendable, Equatable {
        /// What to send to the session, if anything.
        public var command: SessionCommand?
        /// The overlay to draw now.
        public var overlay: Overlay
        /// The summary was showing: the key closes it.
        public var close = false
        /// Volume up (+1) or down (-1) by one step, or 0.
        public var volumeStep = 0
        /// The key was a held key's repeat, and did nothing.
        public var repeated = false
        /// The key is held back until this time (`settle(at:)` then), to tell it from a repeat.
        public var settleAt: Duration?
    }

    /// How long a first `q` waits for its confirmation.
    public static let quitWindow: Duration = .seconds(3)
    /// What `+` and `-` add and take away (protocol time).
    public static let step: Duration = .seconds(15)
    /// The standard debounce: longer than a keyboard's delay before it repeats a held key.
    public static let standardDebounce: Duration = .milliseconds(700)
    /// Arrivals of one key closer than this are a held key's repeat.
    public static let repeatGap: Duration = .milliseconds(120)

    public let mode: Mode
    public let map: KeyMap
    public let debounce: Duration
    private var shown: Overlay = .none
    private var quitAskedAt: Duration?
    /// A key and when it came.
    private struct Arrival: Sendable, Equatable {
        var key: Key
        var at: Duration
    }
    private var last: Arrival?
    /// A second press held back to tell it from a repeat.
    private var pending: Arrival?
    /// The session is over and its summary shows.
    public private(set) var summary = false

    public init(mode: Mode, map: KeyMap = .standard, debounce: Duration = KeyController.standardDebounce) {
        self.mode = mode
        self.map = map
        self.debounce = debounce
    }

    /// The overlay at `now` (a quit prompt expires after `quitWindow`).
    public func overlay(at now: Duration) -> Overlay {
        if shown == .confirmQuit, let asked = quitAskedAt, now - asked >= Self.quitWindow { return .none }
        return shown
    }

    /// When the overlay changes by itself (the quit prompt expiring), if it will.
    public func nextChange(after now: Duration) -> Duration? {
        guard overlay(at: now) == .confirmQuit, let asked = quitAskedAt else { return nil }
        return asked + Self.quitWindow
    }

    /// The session is over: from now on any key closes the summary.
    public mutating func showSummary() {
        summary = true
        shown = .none
    }

    /// What `key`, pressed at session time `now`, does: usually one outcome; two when it shows
    /// that a held-back press was deliberate (that press's, then its own).
    public mutating func handle(_ key: Key, at now: Duration) -> [Outcome] {
        if summary { return [Outcome(command: nil, overlay: .none, close: true)] }
        var outcomes: [Outcome] = []
        if let held = pending {
            pending = nil
            if held.key == key, now - held.at < Self.repeatGap, now >= held.at {
                // The held-back press was a repeat: the key is held.
                last = Arrival(key: key, at: now)
                return [Outcome(command: nil, overlay: overlay(at: now), repeated: true)]
            }
            outcomes.append(act(held.key, at: held.at, now: now))
        }
        if let last, last.key == key, now >= last.at, debounce > .zero {
            let gap = now - last.at
            self.last = Arrival(key: key, at: now)
            if gap < Self.repeatGap {
                return outcomes + [Outcome(command: nil, overlay: overlay(at: now), repeated: true)]
            }
            if gap < debounce {
                pending = Arrival(key: key, at: now)
                return outcomes + [Outcome(command: nil, overlay: overlay(at: now), settleAt: now + Self.repeatGap)]
            }
        }
        last = Arrival(key: key, at: now)
        return outcomes + [act(key, at: now, now: now)]
    }

    /// A held-back press that no repeat followed by `now`: it acts, as made when it came.
    public mutating func settle(at now: Duration) -> [Outcome] {
        guard let held = pending, now - held.at >= Self.repeatGap else { return [] }
        pending = nil
        if summary { return [] }
        return [act(held.key, at: held.at, now: now)]
    }

    private mutating func act(_ key: Key, at made: Duration, now: Duration) -> Outcome {
        var outcome = perform(map.action(for: key), confirming: key == .char("y"), at: made)
        if made < now, outcome.command == .press { outcome.command = .pressAt(made) }
        return outcome
    }

    /// An action from a device that tells presses from repeats itself (a pedal read through
    /// input events): no debounce.
    public mutating func handle(action: KeyAction, at now: Duration) -> Outcome {
        if summary { return Outcome(command: nil, overlay: .none, close: true) }
        last = nil
        return perform(action, confirming: false, at: now)
    }

    private mutating func perform(_ action: KeyAction?, confirming: Bool, at now: Duration) -> Outcome {
        let before = overlay(at: now)
        shown = .none
        if before == .confirmQuit, action == .quit || confirming {
            return Outcome(command: .quit, overlay: .none)
        }
        switch action {
        case .quit:
            shown = .confirmQuit
            quitAskedAt = now
            return Outcome(command: nil, overlay: shown)
        case .help:
            shown = before == .help ? .none : .help
            return Outcome(command: nil, overlay: shown)
        case let action?:
            return outcome(for: action)
        case nil:
            return Outcome(command: nil, overlay: .none)
        }
    }

    private func outcome(for action: KeyAction) -> Outcome {
        switch (mode, action) {
        case (.practice, .pause), (.drill, .pause):
            return Outcome(command: .press, overlay: .none)
        case (.practice, .next) where map.mapped.contains(.next), (.drill, .next) where map.mapped.contains(.next):
            // A pedal the configuration maps for next presses too; n and → do not.
            return Outcome(command: .press, overlay: .none)
        case (.practice, _), (.drill, _):
            return Outcome(command: nil, overlay: .none)
        case (.session, .pause): return Outcome(command: .togglePause, overlay: .none)
        case (.session, .next): return Outcome(command: .next, overlay: .none)
        case (.session, .back): return Outcome(command: .previous, overlay: .none)
        case (.session, .extend): return Outcome(command: .extend(Self.step), overlay: .none)
        case (.session, .shorten): return Outcome(command: .extend(.zero - Self.step), overlay: .none)
        case (.session, .mute): return Outcome(command: .toggleMute, overlay: .none)
        case (.session, .repeatPhase): return Outcome(command: .repeatPhase, overlay: .none)
        case (.session, .volumeUp): return Outcome(command: nil, overlay: .none, volumeStep: 1)
        case (.session, .volumeDown): return Outcome(command: nil, overlay: .none, volumeStep: -1)
        case (.session, .quit), (.session, .help): return Outcome(command: nil, overlay: .none)
        }
    }

    /// The keys of a mode, for the help overlay: (keys, what they do).
    public static func help(_ mode: Mode, map: KeyMap = .standard) -> [(keys: String, action: String)] {
        let quit = (map.label(.quit), "quit (press \(map.first(.quit) ?? "q") or y again to confirm)")
        let help = (map.label(.help), "close this help")
        switch mode {
        case .session:
            return [(map.label(.pause), "pause or resume"), (map.label(.next), "next segment"),
                    (map.label(.back), "back to the start (the previous one within 3 s)"),
                    (map.label(.extend), "15 s more"), (map.label(.shorten), "15 s less"),
                    (map.label(.mute), "mute or unmute the chimes"),
                    (map.label(.volumeUp), "volume up"), (map.label(.volumeDown), "volume down"),
                    (map.label(.repeatPhase), "repeat this phase from its start"), quit, help]
        case .practice:
            return [(pressLabel(map), "the segment is done"), quit, help]
        case .drill:
            return [(pressLabel(map), "one stroke"), quit, help]
        }
    }

    private static func pressLabel(_ map: KeyMap) -> String {
        let keys = map.keys(for: .pause) + (map.mapped.contains(.next) ? map.keys(for: .next) : [])
        return keys.isEmpty ? "(none)" : keys.prefix(3).map(\.label).joined(separator: " ")
    }

    /// The one-line key hint at the foot of the screen; within `width` columns, the least needed
    /// hints give way first, and the help's key always stays (it names the rest).
    public static func hints(_ mode: Mode, map: KeyMap = .standard, width: Int = .max) -> String {
        let name = { (action: KeyAction) in map.first(action) ?? "-" }
        let press = pressLabel(map).split(separator: " ").first.map(String.init) ?? "-"
        // Most needed first.
        var parts: [String]
        switch mode {
        case .session:
            parts = ["\(name(.pause)) pause", "\(name(.next)) next", "\(name(.quit)) quit", "\(name(.back)) back",
                     "\(name(.extend))/\(name(.shorten)) 15 s", "\(name(.mute)) mute"]
        case .practice:
            parts = ["\(press) done", "\(name(.quit)) quit"]
        case .drill:
            parts = ["\(press) stroke", "\(name(.quit)) quit"]
        }
        let help = "\(name(.help)) help"
        let order = mode == .session ? [0, 1, 3, 4, 5, 2] : Array(parts.indices)
        while parts.count > 1 {
            let shown = order.filter { $0 < parts.count }.map { parts[$0] } + [help]
            let line = shown.joined(separator: " · ")
            if TextWidth.of(line) <= width { return line }
            parts.removeLast()
        }
        return (parts.prefix(1) + [help]).joined(separator: " · ")
    }
}
