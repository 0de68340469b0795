import TouchtimeCore

/// The stroke cadence drill: the paced phases with their clock, a tap per stroke, a cadence report.
struct StrokeDrillMode: SessionMode {
    let model: StrokeDrill

    var historyMode: HistoryEntry.Mode { .strokes }
    var controls: KeyController.Mode { .drill }
    var keysFromPipe: Bool { true }
    var resumesAfterStop: Bool { true }
    /// Strokes may be 0.5 s apart (less at rehearsal speed): a tap is a repeat only within 0.25 s.
    var maximumDebounce: Duration? { .milliseconds(250) }
    var introduction: String? {
        "Tap space (or Enter) once per stroke; the drill covers: \(model.timeline.treatment.phases.map(\.title).joined(separator: ", "))"
    }

    func record(_ final: StrokeDrill, into entry: inout HistoryEntry) {
        entry.strokes = final.results.map { result in
            HistoryEntry.StrokeSummary(identity: .init(final.timeline, index: result.segmentIndex), target: result.target,
                                       taps: result.taps, meanPeriod: result.cadence?.meanPeriod, spread: result.cadence?.spread)
        }
    }

    /// Per paced segment: the target, the taps, the mean stroke period, its spread, the error.
    func report(_ final: StrokeDrill, entry: HistoryEntry, history: HistoryReader?) -> String? {
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
        return "\n" + TextTable.render(rows)
    }
}
