public import TouchtimeCore

/// The stroke cadence drill: the paced phases with their clock, a tap per stroke, a cadence report.
public struct StrokeDrillMode: SessionMode {
    public let model: StrokeDrill

    public init(model: StrokeDrill) {
        self.model = model
    }

    public var historyMode: HistoryEntry.Mode { .strokes }
    public var controls: KeyController.Mode { .drill }
    public var keysFromPipe: Bool { true }
    public var resumesAfterStop: Bool { true }
    /// Strokes may be 0.5 s apart (less at rehearsal speed): a tap is a repeat only within 0.25 s.
    public var maximumDebounce: Duration? { .milliseconds(250) }
    public var introduction: String? {
        "Tap space (or Enter) once per stroke; the drill covers: \(model.timeline.treatment.phases.map(\.title).joined(separator: ", "))"
    }

    public func record(_ final: StrokeDrill, into entry: inout HistoryEntry) {
        entry.strokes = final.results.map { result in
            HistoryEntry.StrokeSummary(identity: .init(final.timeline, index: result.segmentIndex), target: result.target,
                                       taps: result.taps, meanPeriod: result.cadence?.meanPeriod, spread: result.cadence?.spread)
        }
    }

    /// Per paced segment: the target, the taps, the mean stroke period, its spread, the error;
    /// then the score (how far the strokes were from the cadence, and a rating as a practice's),
    /// and the change since the last drill of the same protocol.
    public func report(_ final: StrokeDrill, entry: HistoryEntry, history: (any SessionHistory)?) -> String? {
        var rows = [["SEGMENT", "TARGET", "TAPS", "MEAN PERIOD", "SPREAD", "ERROR %"]]
        for result in final.results {
            let name = final.timeline.title(of: final.timeline.segments[result.segmentIndex]).terminalSafe
            guard let cadence = result.cadence else {
                rows.append([name, DurationText.format(result.target), "\(result.taps)", "-", "-", "-"])
                continue
            }
            rows.append([name, DurationText.format(result.target), "\(cadence.taps)", PracticeMode.seconds(cadence.meanPeriod),
                         PracticeMode.seconds(cadence.spread), PracticeMode.percent(cadence.errorPercent, signed: true) + " %"])
        }
        var text = "\n" + TextTable.render(rows)
        guard let error = HistoryEntry.cadenceError(entry.strokes ?? []) else {
            return text + "No paced segment had two taps: nothing to score (tap once per stroke).\n"
        }
        let spreads = final.results.compactMap { $0.cadence.map { $0.spread / $0.target * 100 } }
        let evenness = spreads.isEmpty ? "" : ", strokes even within ±\(PracticeMode.percent(spreads.reduce(0, +) / Double(spreads.count))) %"
        text += "score: \(PracticeMode.percent(error)) % off the cadence\(evenness), rating \(PracticeScore.rating(error))/100\n"
        let previous = history?.newest { other in
            other.mode == .strokes && other.protocolID == entry.protocolID && other.strokes != nil
                && !(other.start == entry.start && other.end == entry.end)  // not this drill itself
        }
        if let previous = previous?.strokes.flatMap(HistoryEntry.cadenceError) {
            text += "since your last drill: \(PracticeMode.percent(previous)) % -> \(PracticeMode.percent(error)) % off "
                + "(\(PracticeMode.verdict(from: previous, to: error)))\n"
        }
        return text
    }
}
