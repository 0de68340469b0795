import ArgumentParser
import Dispatch
import TouchtimeAudio
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

struct PracticeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "practice",
        abstract: "Practise the timing blind: no countdown; press space (or Enter) when you judge each segment complete.",
        discussion: """
            A segment left running to 3x its planned length ends itself and counts as missed. At the end: \
            each segment's planned and actual time and error, the mean absolute percentage error (MAPE, lower \
            is better), a rating of 0 to 100 (100 - 2 x MAPE, never below 0), the worst segment, and the change \
            against your previous practice of the same protocol. q ends the practice early.
            """
    )

    @Argument(help: ArgumentHelp("A protocol file, or the id of a known protocol.", valueName: "protocol"))
    var protocolName: String = BundledProtocols.defaultID

    @OptionGroup var session: SessionOptions

    @Flag(help: "Stroke cadence drill: through each phase with strokeSeconds, tap Enter (or space) once per stroke.")
    var strokes = false

    @Flag(help: "After each press, show the planned and actual time for a moment.")
    var reveal = false

    @Flag(help: "Play the transition chimes at each press (off by default: the point is to feel the time).")
    var chimes = false

    @Option(help: ArgumentHelp("The ALSA playback device, for --chimes.", valueName: "name"))
    var device: String = "default"

    @Option(help: .hidden)
    var speed: Double = 1

    func validate() throws {
        guard speed.isFinite, (0.1...1000).contains(speed) else {
            throw ValidationError("--speed must be between 0.1 and 1000, got \(speed)")
        }
    }

    func run() async throws {
        let (treatment, _) = try ProtocolCatalog.current.resolveOrExit(protocolName)
        if strokes {
            guard let drill = StrokeCadence.drill(treatment) else {
                throw ValidationError("\(treatment.id) has no phase with strokeSeconds to drill (the default ritual's jawline has)")
            }
            return try await strokeDrill(drill)
        }
        let timeline = Timeline(treatment)
        let stretched = Timeline(PracticeSession.stretched(treatment))
        let display = session.usesDisplay
        let output = try session.makeOutput(timeline, speed: speed)
        let clock = ContinuousClock()
        var sound: SessionSound?
        if chimes {
            sound = try? SessionSound(plan: ChimePlan(timeline: stretched, pace: false), device: device) { _ in }
            if sound == nil { reportError("sound unavailable on '\(device)'; practising without chimes") }
        }
        let start = clock.now.advanced(by: .seconds(leadIn))
        if leadIn > 0 {
            output.note("\(TimeText.elapsed(.zero - .seconds(leadIn)))  lead-in         practise \(treatment.title.terminalSafe): press space or Enter as each segment ends")
        }
        let inbox = CommandInbox()
        let engine = SessionEngine(timeline: stretched, speed: speed)
        let screen: BedsideDisplay? = !display ? nil : BedsideDisplay(
            engine: engine, start: start, inbox: inbox, sound: sound, soundUnavailable: { false }, color: Environment.variables["NO_COLOR"] == nil,
            practice: true) { event in output.emit(.init(event: event, elapsed: start.duration(to: clock.now))) }
        defer { screen?.close() }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP]) { _ in inbox.send(.finish) }
        if let screen {
            screen.start()
        } else {
            KeyReader.start(anyInput: true) { key in
                switch key {
                case .space, .next: inbox.send(.next)
                case .quit: inbox.send(.finish)
                default: break
                }
            }
        }
        var scorer = PracticeScorer(timeline: timeline, speed: speed)
        var tally = SessionTally()
        let startedWall = SessionOutput.wallNow()
        _ = await SessionRunner(clock: clock).run(engine, startingAt: start, inbox: inbox, onEvent: { stamped in
            // With --chimes, each new segment sounds as in a run: after a press, the next one's start.
            _ = sound?.observe(stamped.event, start: start)
            // The stretched timeline is the protocol's, 3x: its offsets divide back exactly.
            var event = stamped.event
            event.planned = event.planned / PracticeSession.missFactor
            tally.record(event, elapsed: stamped.elapsed)
            let result = scorer.record(event, elapsed: stamped.elapsed)
            if event.kind == .skipped, let result {
                let press = SessionEvent(kind: .press, segmentIndex: result.segmentIndex, phaseID: event.phaseID,
                                         stepIndex: event.stepIndex, planned: result.planned, due: event.due, amount: result.error)
                output.emit(.init(event: press, elapsed: stamped.elapsed))
                if reveal {
                    let text = "planned \(DurationText.format(result.planned)), actual \(Self.seconds(result.actual)) (\(Self.signed(result.error)))"
                    output.note("           " + text)
                    screen?.reveal(text)
                }
                return
            }
            output.emit(.init(event: event, elapsed: stamped.elapsed))
        }, onUpdate: { engine, _ in
            screen?.update(engine)
        })
        screen?.close()
        signals.stop()
        if signals.received == nil { sound?.finish() } else { sound?.stop() }
        let previous = previousPractice(of: treatment.id)
        StandardStream.output.write(Self.report(scorer, timeline: timeline, previous: previous))
        record(scorer, tally: tally, timeline: timeline, started: startedWall, signal: signals.received)
        if let signal = signals.received { throw ExitStatus.signal(signal) }
    }

    /// The cadence drill: the paced phases run with their clock; each tap is timed; then, per
    /// segment, the mean stroke period, its spread and the error against `strokeSeconds`.
    private func strokeDrill(_ drill: TreatmentProtocol) async throws {
        let timeline = Timeline(drill)
        let output = SessionOutput(timeline: timeline, speed: speed, plain: .output, events: nil)
        let clock = ContinuousClock()
        let start = clock.now.advanced(by: .seconds(leadIn))
        output.note("Tap Enter (or space) once per stroke; the drill covers: \(drill.phases.map(\.title).joined(separator: ", ").terminalSafe)")
        let inbox = CommandInbox()
        let taps = TapLog()
        KeyReader.start(anyInput: true) { key in
            switch key {
            case .space, .next: taps.add(start.duration(to: clock.now))
            case .quit: inbox.send(.finish)
            default: break
            }
        }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM, SIGHUP]) { _ in inbox.send(.finish) }
        var starts: [(segment: Int, at: Duration)] = []
        var endedAt = Duration.zero
        _ = await SessionRunner(clock: clock).run(SessionEngine(timeline: timeline, speed: speed), startingAt: start, inbox: inbox, onEvent: { stamped in
            output.emit(stamped)
            if let index = stamped.event.segmentIndex, starts.last?.segment != index,
               [.phaseStart, .stepStart, .stillnessStart].contains(stamped.event.kind) {
                starts.append((index, stamped.elapsed))
            }
            if stamped.event.kind == .sessionEnd { endedAt = stamped.elapsed }
        })
        signals.stop()
        var rows = [["SEGMENT", "TARGET", "TAPS", "MEAN PERIOD", "SPREAD", "ERROR %"]]
        for (position, segmentStart) in starts.enumerated() {
            let segment = timeline.segments[segmentStart.segment]
            guard let target = timeline.phase(of: segment).strokeSeconds, !segment.isStillness else { continue }
            let end = position + 1 < starts.count ? starts[position + 1].at : endedAt
            let inside = taps.values.filter { $0 >= segmentStart.at && $0 < end }.map { $0 * speed }
            let name = timeline.title(of: segment).terminalSafe
            guard let cadence = StrokeCadence.analyze(taps: inside, target: target) else {
                rows.append([name, DurationText.format(target), "\(inside.count)", "-", "-", "-"])
                continue
            }
            let error = cadence.errorPercent
            rows.append([name, DurationText.format(target), "\(cadence.taps)", Self.seconds(cadence.meanPeriod),
                         Self.seconds(cadence.spread),
                         (error >= 0 ? "+" : "") + TimeText.seconds(.milliseconds(Int64((error * 1000).rounded())), decimals: 1) + " %"])
        }
        StandardStream.output.write("\n" + TextTable.render(rows))
        if let signal = signals.received { throw ExitStatus.signal(signal) }
    }

    private var historyPath: String? { session.historyPath }
    private var leadIn: Double { session.leadIn }
    private var events: String? { session.events }

    private func previousPractice(of id: String) -> HistoryEntry.PracticeSummary? {
        guard let path = historyPath else { return nil }
        return HistoryFile.read(path).entries.last { $0.entry.mode == "practice" && $0.entry.protocolID == id }?.entry.practice
    }

    private func record(_ scorer: PracticeScorer, tally: SessionTally, timeline: Timeline, started: String, signal: Int32?) {
        guard let path = historyPath else { return }
        var entry = HistoryEntry(
            protocolID: timeline.treatment.id, protocolHash: HistoryEntry.hash(of: timeline), mode: "practice",
            start: started, end: SessionOutput.wallNow(), planned: timeline.totalDuration.seconds,
            actual: (tally.ended?.at ?? .zero).seconds * speed,
            outcome: signal != nil ? .aborted : tally.ended?.completed == true ? .completed : .quit,
            pauses: tally.pauses, skips: 0, extensions: tally.extensions)
        if let mape = scorer.meanAbsolutePercentError, let rating = scorer.rating {
            entry.practice = .init(mape: mape, rating: rating,
                                   segments: scorer.results.map { ($0.planned.seconds, $0.actual.seconds, $0.missed) })
        }
        do {
            try HistoryFile.append(entry, to: path)
        } catch {
            reportError(error.description)
        }
    }

    static func seconds(_ duration: Duration) -> String { TimeText.seconds(duration, decimals: 1) + "s" }

    static func signed(_ duration: Duration) -> String {
        (duration >= .zero ? "+" : "") + TimeText.seconds(duration, decimals: 1) + " s"
    }

    /// The end report: a table per segment, the score, the worst segment, the change.
    static func report(_ scorer: PracticeScorer, timeline: Timeline, previous: HistoryEntry.PracticeSummary?) -> String {
        guard let mape = scorer.meanAbsolutePercentError, let rating = scorer.rating, let worst = scorer.worst else {
            return "\nNo segment was completed: nothing to score.\n"
        }
        var rows = [["SEGMENT", "PLANNED", "ACTUAL", "ERROR", "ERROR %"]]
        for result in scorer.results {
            let segment = timeline.segments[result.segmentIndex]
            rows.append([timeline.title(of: segment).terminalSafe, DurationText.format(result.planned),
                         result.missed ? "missed" : seconds(result.actual), signed(result.error),
                         (result.errorPercent >= 0 ? "+" : "") + TimeText.seconds(.milliseconds(Int64((result.errorPercent * 1000).rounded())), decimals: 1) + " %"])
        }
        var text = "\n" + TextTable.render(rows) + "\n"
        text += "score: \(TimeText.seconds(.milliseconds(Int64((mape * 1000).rounded())), decimals: 1)) % mean absolute error, rating \(rating)/100\n"
        let worstSegment = timeline.segments[worst.segmentIndex]
        text += "worst: \(timeline.title(of: worstSegment).terminalSafe) (\(signed(worst.error)))\n"
        if let previous {
            let change = mape - previous.mape
            text += "since your last practice: \(TimeText.seconds(.milliseconds(Int64((previous.mape * 1000).rounded())), decimals: 1)) % -> "
                + "\(TimeText.seconds(.milliseconds(Int64((mape * 1000).rounded())), decimals: 1)) % (\(change <= 0 ? "better" : "worse") by "
                + "\(TimeText.seconds(.milliseconds(Int64((abs(change) * 1000).rounded())), decimals: 1)) points)\n"
        }
        return text
    }
}
