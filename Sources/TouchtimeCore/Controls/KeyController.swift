/// What a key means, decided in one place: `(key, now, mode) -> (command, overlay)`.
///
/// A value: the executable only reads keys, hands them here, sends the command to the session's
/// inbox and draws the overlay. Each mode has its own keys:
/// - `session` (a guided session): space or Enter pause, n or → next, p or ← back, + / - 15 s,
///   m mute, q quit (confirmed by a second q or y within 3 s), ? help.
/// - `practice` and `drill`: space or Enter is the press (a tap in the drill), q quits
///   (confirmed), ? helps. Nothing else changes a practice.
/// Once the summary shows, any key closes it.
public struct KeyController: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case session, practice, drill
    }

    public struct Outcome: Sendable, Equatable {
        /// What to send to the session, if anything.
        public var command: SessionCommand?
        /// The overlay to draw now.
        public var overlay: DisplayState.Overlay
        /// The summary was showing: the key closes it.
        public var close = false
    }

    /// How long a first `q` waits for its confirmation.
    public static let quitWindow: Duration = .seconds(3)
    /// What `+` and `-` add and take away (protocol time).
    public static let step: Duration = .seconds(15)

    public let mode: Mode
    private var shown: DisplayState.Overlay = .none
    private var quitAskedAt: Duration?
    /// The session is over and its summary shows.
    public private(set) var summary = false

    public init(mode: Mode) {
        self.mode = mode
    }

    /// The overlay at `now` (a quit prompt expires after `quitWindow`).
    public func overlay(at now: Duration) -> DisplayState.Overlay {
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

    /// What `key`, pressed at session time `now`, does.
    public mutating func handle(_ key: Key, at now: Duration) -> Outcome {
        if summary { return Outcome(command: nil, overlay: .none, close: true) }
        let before = overlay(at: now)
        shown = .none
        if before == .confirmQuit, key == .quit || key == .yes {
            return Outcome(command: .quit, overlay: .none)
        }
        switch key {
        case .quit:
            shown = .confirmQuit
            quitAskedAt = now
            return Outcome(command: nil, overlay: shown)
        case .help:
            shown = before == .help ? .none : .help
            return Outcome(command: nil, overlay: shown)
        default:
            return Outcome(command: command(for: key), overlay: .none)
        }
    }

    private func command(for key: Key) -> SessionCommand? {
        switch (mode, key) {
        case (.practice, .space), (.practice, .enter), (.drill, .space), (.drill, .enter): return .press
        case (.practice, _), (.drill, _): return nil
        case (.session, .space), (.session, .enter): return .togglePause
        case (.session, .next): return .next
        case (.session, .previous): return .previous
        case (.session, .longer): return .extend(Self.step)
        case (.session, .shorter): return .extend(.zero - Self.step)
        case (.session, .mute): return .toggleMute
        case (.session, _): return nil
        }
    }

    /// The keys of a mode, for the help overlay: (keys, what they do).
    public static func help(_ mode: Mode) -> [(keys: String, action: String)] {
        switch mode {
        case .session:
            return [("space", "pause or resume"), ("n  →", "next segment"), ("p  ←", "back to the start (the previous one within 3 s)"),
                    ("+ / -", "15 s more / less"), ("m", "mute or unmute the chimes"), ("q", "quit (press q or y again to confirm)"),
                    ("?", "close this help")]
        case .practice:
            return [("space", "the segment is done (Enter too)"), ("q", "quit (press q or y again to confirm)"), ("?", "close this help")]
        case .drill:
            return [("space", "one stroke (Enter too)"), ("q", "quit (press q or y again to confirm)"), ("?", "close this help")]
        }
    }

    /// The one-line key hint at the foot of the screen.
    public static func hints(_ mode: Mode) -> String {
        switch mode {
        case .session: return "space pause · n next · p back · +/- 15 s · m mute · q quit · ? help"
        case .practice: return "space done · q quit · ? help"
        case .drill: return "space stroke · q quit · ? help"
        }
    }
}
