import Dispatch
import Synchronization
import TouchtimeAudio
import TouchtimeCore

/// The full-screen view beside the bed: draws the engine's state on its own thread, redrawing
/// only when something visible changes (the shown second, an event, a key, a resize), and turns
/// keys into commands for the runner.
final class BedsideDisplay: Sendable {
    private struct State {
        var engine: SessionEngine
        var start: ContinuousClock.Instant
        var overlay: DisplayState.Overlay = .none
        var quitAskedAt: ContinuousClock.Instant?
        var muted = false
        var summary: DisplayState.Summary?
        var closed = false
        var revealed: (text: String, until: ContinuousClock.Instant)?
    }

    static let quitWindow: Duration = .seconds(3)
    static let step: Duration = .seconds(15)

    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)
    private let terminal = Terminal.shared
    private let clock = ContinuousClock()
    private let color: Bool
    private let soundUnavailable: @Sendable () -> Bool
    private let inbox: CommandInbox
    /// Receives a key once the summary is showing.
    let closeInbox = CommandInbox()
    private let sound: SessionSound?
    private let record: @Sendable (SessionEvent) -> Void
    /// Practice: space is the press (`next`), and the clock is hidden.
    private let practice: Bool

    init(engine: SessionEngine, start: ContinuousClock.Instant, inbox: CommandInbox, sound: SessionSound?,
         soundUnavailable: @escaping @Sendable () -> Bool, color: Bool, practice: Bool = false,
         record: @escaping @Sendable (SessionEvent) -> Void) {
        self.practice = practice
        self.state = Mutex(State(engine: engine, start: start))
        self.inbox = inbox
        self.sound = sound
        self.soundUnavailable = soundUnavailable
        self.color = color
        self.record = record
    }

    /// Enters the full screen, starts drawing and listening to keys.
    func start() {
        terminal.enter()
        DispatchQueue(label: "touchtime.display").async { [self] in self.drawLoop() }
        KeyReader.start { [self] key in self.handle(key) }
    }

    func update(_ engine: SessionEngine) {
        state.withLock { $0.engine = engine }
        wake.signal()
    }

    func showSummary(_ summary: DisplayState.Summary) {
        state.withLock { $0.summary = summary; $0.overlay = .none }
        wake.signal()
    }

    /// Shows `text` under the practice prompt for 3 seconds (`--reveal`).
    func reveal(_ text: String) {
        let until = clock.now.advanced(by: .seconds(3))
        state.withLock { $0.revealed = (text, until) }
        wake.signal()
    }

    /// After a resize or a return from Ctrl-Z: redraw everything now.
    func redrawAll() {
        terminal.invalidate()
        wake.signal()
    }

    /// Stops drawing and gives the terminal back.
    func close() {
        state.withLock { $0.closed = true }
        wake.signal()
        terminal.leave()
    }

    // MARK: Keys

    func handle(_ key: Key) {
        let now = clock.now
        var command: SessionCommand?
        var event: SessionEvent?
        let summaryShowing = state.withLock { state -> Bool in
            if state.summary != nil { return true }
            let elapsed = state.start.duration(to: now)
            let confirming = state.overlay == .confirmQuit && state.quitAskedAt.map { $0.duration(to: now) < Self.quitWindow } == true
            if confirming, key == .quit || key == .yes {
                state.overlay = .none
                event = SessionEvent(kind: .quit, planned: state.engine.plannedPosition(at: elapsed), due: elapsed)
                command = .finish
                return false
            }
            if state.overlay == .help, key == .help {
                state.overlay = .none
                return false
            }
            state.overlay = .none
            switch key {
            case .quit:
                state.overlay = .confirmQuit
                state.quitAskedAt = now
            case .help: state.overlay = .help
            case .space: command = practice ? .next : .togglePause
            case .next: command = .next
            case .previous: command = .previous
            case .longer: command = .extend(Self.step)
            case .shorter: command = .extend(.zero - Self.step)
            case .mute:
                state.muted.toggle()
                event = SessionEvent(kind: .muted, planned: state.engine.plannedPosition(at: elapsed), due: elapsed, muted: state.muted)
            case .yes, .other: break
            }
            return false
        }
        if summaryShowing {
            closeInbox.send(.finish)
            return
        }
        if let event {
            if event.kind == .muted { sound?.isMuted = event.muted == true }
            record(event)
        }
        if let command { inbox.send(command) }
        wake.signal()
    }

    // MARK: Drawing

    private func drawLoop() {
        while true {
            let now = clock.now
            let (display, wait, closed) = state.withLock { state -> (DisplayState, Duration?, Bool) in
                if state.overlay == .confirmQuit, let asked = state.quitAskedAt, asked.duration(to: now) >= Self.quitWindow {
                    state.overlay = .none
                }
                let elapsed = state.start.duration(to: now)
                let leadIn = state.engine.state == .ready && elapsed < .zero ? elapsed : nil
                var display = DisplayState.make(
                    engine: state.engine, at: elapsed, muted: state.muted, soundUnavailable: soundUnavailable(),
                    overlay: state.overlay, leadInLeft: leadIn.map { Int(((.zero - $0).milliseconds + 999) / 1000) },
                    summary: state.summary)
                display.hideClock = practice
                if let revealed = state.revealed, now < revealed.until { display.revealed = revealed.text }
                return (display, Self.nextChange(state, elapsed: elapsed, leadIn: leadIn, now: now), state.closed)
            }
            if closed { return }
            let size = terminal.size
            terminal.draw(ScreenRenderer.render(display, size: size, color: color),
                          height: size.height)
            if let wait {
                _ = wake.wait(timeout: .now() + .nanoseconds(Int(max(wait, .milliseconds(50)).seconds * 1e9)))
            } else {
                wake.wait()
            }
        }
    }

    /// How long until something on screen changes by itself: the countdown's next second,
    /// or the quit prompt expiring. Nil when nothing will (paused, the summary).
    private static func nextChange(_ state: State, elapsed: Duration, leadIn: Duration?, now: ContinuousClock.Instant) -> Duration? {
        var waits: [Duration] = []
        if let asked = state.quitAskedAt, state.overlay == .confirmQuit {
            waits.append(now.duration(to: asked.advanced(by: quitWindow)))
        }
        if let revealed = state.revealed, now < revealed.until {
            waits.append(now.duration(to: revealed.until))
        }
        if state.summary == nil {
            if let leadIn {
                let left = (.zero - leadIn).milliseconds
                waits.append(.milliseconds(left % 1000 == 0 ? 1000 : left % 1000))
            } else if state.engine.state == .running {
                let left = (state.engine.remaining(at: elapsed) * state.engine.speed).milliseconds
                let toNextSecond = left % 1000 == 0 ? 1000 : left % 1000
                waits.append(.milliseconds(toNextSecond) / state.engine.speed)
            }
        }
        return waits.min()
    }
}
