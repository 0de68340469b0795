import TouchtimeCore
import TouchtimeSession

/// The screen of a session in plain line mode: nothing is drawn (the lines are the log's), but
/// the terminal, when standard input is one, is taken for its keys and given back as it was.
struct PlainScreen: SessionScreen {
    let terminal: Terminal

    var isFullScreen: Bool { false }

    func open(model: any SessionModel, controls: KeyController, leadInEnds: ContinuousClock.Instant) {
        terminal.takeKeys()
    }

    func begin(at start: ContinuousClock.Instant) {}
    func show(_ model: any SessionModel) {}
    func show(_ controls: KeyController) {}
    func showSummary(_ summary: DisplayState.Summary) {}
    func showSoundProblem(_ reason: String) {}
    func reveal(_ text: String) {}
    func showVolume(_ level: Int) {}
    func showHeard(_ phrase: String) {}
    func redraw() {}
    func suspend() { terminal.suspend() }
    func resume() { terminal.resume() }
    func close() { terminal.restore() }
}
