import Dispatch
import Synchronization
import TouchtimeCore
import TouchtimeSession
import TouchtimeSystem

/// The full-screen view beside the bed. It only draws: the session's state, what the key
/// controller shows (help, the quit prompt), the summary. It draws on a thread of its own (a
/// write to a terminal that is stopped blocks), and only when something visible changes (the
/// shown second, an event, a key, a resize): no busy loop.
final class BedsideDisplay: SessionScreen {
    private struct Scene {
        var model: any SessionModel
        var controls: KeyController
        /// The session's start: until `begin`, the lead-in's end, which the lead-in counts down to.
        var start: ContinuousClock.Instant?
        /// Why sound is unavailable or was lost, if it is.
        var soundProblem: String?
        var summary: DisplayState.Summary?
        var revealed: (text: String, until: ContinuousClock.Instant)?
        var volume: (level: Int, until: ContinuousClock.Instant)?
        var heard: (phrase: String, until: ContinuousClock.Instant)?
        /// Until `begin`: the sound is being prepared and the start is not known yet.
        var preparing = true
        var closed = false
    }

    private let scene: Mutex<Scene>
    private let wake = DispatchSemaphore(value: 0)
    private let terminal: Terminal
    private let clock = ContinuousClock()
    private let color: Bool

    init(model: any SessionModel, controls: KeyController, terminal: Terminal = .shared, color: Bool, preparingSound: Bool) {
        self.scene = Mutex(Scene(model: model, controls: controls, preparing: preparingSound))
        self.terminal = terminal
        self.color = color
    }

    var isFullScreen: Bool { true }

    /// Whether colour is wanted: not with `NO_COLOR` set (to anything), nor on a `dumb` terminal.
    static func wantsColor(_ environment: [String: String]) -> Bool {
        environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    /// Takes the full screen and starts drawing; the lead-in counts down to `leadInEnds`.
    func open(model: any SessionModel, controls: KeyController, leadInEnds: ContinuousClock.Instant) {
        scene.withLock { scene in
            scene.model = model
            scene.controls = controls
            scene.start = leadInEnds
        }
        terminal.enterFullScreen()
        DedicatedThread.start(named: "touchtime.display") { [self] in self.drawLoop() }
    }

    /// The sound is ready and the session starts at `start`: the clock runs.
    func begin(at start: ContinuousClock.Instant) {
        scene.withLock { scene in
            scene.preparing = false
            scene.start = start
        }
        wake.signal()
    }

    func show(_ model: any SessionModel) {
        scene.withLock { $0.model = model }
        wake.signal()
    }

    /// What the keys show now (after each key).
    func show(_ controls: KeyController) {
        scene.withLock { $0.controls = controls }
        wake.signal()
    }

    func showSoundProblem(_ reason: String) {
        scene.withLock { $0.soundProblem = reason }
        wake.signal()
    }

    /// Ctrl-Z: the terminal as it was found, for the stopped process; fg takes it again.
    func suspend() { terminal.suspend() }
    func resume() { terminal.resume() }

    func showSummary(_ summary: DisplayState.Summary) {
        scene.withLock { $0.summary = summary }
        wake.signal()
    }

    /// Shows `text` under the practice prompt for 3 seconds (`--reveal`).
    func reveal(_ text: String) {
        let until = clock.now.advanced(by: .seconds(3))
        scene.withLock { $0.revealed = (text, until) }
        wake.signal()
    }

    /// Shows the volume for 3 seconds after a volume key.
    func showVolume(_ level: Int) {
        let until = clock.now.advanced(by: .seconds(3))
        scene.withLock { $0.volume = (level, until) }
        wake.signal()
    }

    /// Shows a spoken command heard, for 2 seconds.
    func showHeard(_ phrase: String) {
        let until = clock.now.advanced(by: .seconds(2))
        scene.withLock { $0.heard = (phrase, until) }
        wake.signal()
    }

    /// After a resize or a return from Ctrl-Z: redraw everything now.
    func redraw() {
        terminal.invalidate()
        wake.signal()
    }

    /// Stops drawing and gives the terminal back.
    func close() {
        scene.withLock { $0.closed = true }
        wake.signal()
        terminal.restore()
    }

    // MARK: Drawing

    private func drawLoop() {
        while true {
            let now = clock.now
            let (display, wait, closed) = scene.withLock { scene -> (DisplayState, Duration?, Bool) in
                let elapsed = (scene.start ?? now).duration(to: now)
                let leadIn = scene.model.state == .ready && elapsed < .zero ? elapsed : nil
                var display = DisplayState.make(
                    engine: scene.model, at: elapsed, soundUnavailable: scene.soundProblem != nil,
                    overlay: scene.controls.overlay(at: elapsed), leadInLeft: leadIn.map { Int(((.zero - $0).milliseconds + 999) / 1000) },
                    summary: scene.summary, controls: scene.controls.mode)
                if let revealed = scene.revealed, now < revealed.until { display.revealed = revealed.text }
                if let volume = scene.volume, now < volume.until { display.volume = volume.level }
                if let heard = scene.heard, now < heard.until { display.heard = heard.phrase }
                display.keyMap = scene.controls.map
                display.soundProblem = scene.soundProblem
                display.preparingSound = scene.preparing
                return (display, Self.nextChange(scene, elapsed: elapsed, leadIn: leadIn, now: now), scene.closed)
            }
            if closed { return }
            let size = terminal.size
            terminal.draw(ScreenRenderer.render(display, size: size, color: color), height: size.height)
            if let wait {
                _ = wake.wait(timeout: .now() + .nanoseconds(Int(max(wait, .milliseconds(50)).seconds * 1e9)))
            } else {
                wake.wait()
            }
        }
    }

    /// How long until something on screen changes by itself: the countdown's next second, the
    /// quit prompt expiring, a reveal ending. Nil when nothing will (paused, the summary).
    private static func nextChange(_ scene: Scene, elapsed: Duration, leadIn: Duration?, now: ContinuousClock.Instant) -> Duration? {
        var waits: [Duration] = []
        if let expiry = scene.controls.nextChange(after: elapsed) { waits.append(expiry - elapsed) }
        if let revealed = scene.revealed, now < revealed.until { waits.append(now.duration(to: revealed.until)) }
        if let volume = scene.volume, now < volume.until { waits.append(now.duration(to: volume.until)) }
        if let heard = scene.heard, now < heard.until { waits.append(now.duration(to: heard.until)) }
        guard scene.summary == nil else { return waits.min() }
        if let leadIn {
            let left = (.zero - leadIn).milliseconds
            waits.append(.milliseconds(left % 1000 == 0 ? 1000 : left % 1000))
        } else if scene.model.state == .running, scene.controls.mode != .practice {
            let model = scene.model
            let left = (model.remaining(at: elapsed) * model.speed).milliseconds
            let toNextSecond = left % 1000 == 0 ? 1000 : left % 1000
            waits.append(.milliseconds(toNextSecond) / model.speed)
        }
        return waits.min()
    }
}
