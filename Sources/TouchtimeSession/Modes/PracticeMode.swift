public import TouchtimeCore

/// Blind practice: no clock on screen, the press is the only key that acts, and a report at the end.
public struct PracticeMode: SessionMode {
    public let model: PracticeSession
    /// Show each press's planned and actual time (`--reveal`).
    public let reveal: Bool
    /// `--chimes`: each new segment sounds as in a run.
    public let chimes: Bool
    /// `--focus` or `--weakest`: the drill of one segment this practice is (its segments recorded
    /// as the original protocol's).
    public let focus: FocusDrill?
    /// How much the practice shows (`--support`): with less than prompts, the model's timeline
    /// names segments by number only, and `named` is the same timeline with its names, for the
    /// record and the report.
    public let support: PracticeSupport
    public let named: Timeline

    public init(model: PracticeSession, reveal: Bool, chimes: Bool, focus: FocusDrill? = nil, support: PracticeSupport = .prompts,
                named: Timeline? = nil) {
        self.model = model
        self.reveal = reveal
        self.chimes = chimes
        self.focus = focus
        self.support = support
        self.named = named ?? model.timeline
    }

    public var historyMode: HistoryEntry.Mode { .practice }
    public var controls: KeyController.Mode { .practice }
    public var keysFromPipe: Bool { true }
    public var resumesAfterStop: Bool { true }
    public var hasSound: Bool { chimes }
    public var introduction: String? {
        let how = support == .prompts ? "" : " (\(support.phrase): segments by number, no cues\(support == .chimes ? "; a chime at each press" : "; no chimes"))"
        if let focus {
            return "drill \(named.title(of: named.segments[named.segments.count - 1]).terminalSafe) "
                + "\(focus.origins.filter { $0 == focus.focus }.count) times\(how): press space or Enter when you judge each segment done"
        }
        return "practise \(model.timeline.treatment.title)\(how): press space or Enter when you judge each segment done"
    }

    public func observe(_ stamped: StampedEvent, log: any SessionLog, reveal show: (String) -> Void) {
        guard reveal, case .press(let error?) = stamped.event.kind, let segment = model.timeline.segment(for: stamped.event) else { return }
        let planned = segment.plannedDuration
        // Which segment it is about: a trainee pressing on through several needs the name.
        let name = model.timeline.title(of: segment).terminalSafe
        let text = "\(name): planned \(DurationText.format(planned)), actual \(Self.seconds(planned + error)) (\(Self.signed(error)))"
        log.note("           " + text)
        show(text)
    }

    public func record(_ final: PracticeSession, into entry: inout HistoryEntry) {
        let score = final.score
        guard let mape = score.meanAbsolutePercentError, let rating = score.rating else { return }
        entry.practice = .init(mape: mape, rating: rating, segments: score.results.enumerated().map { position, result in
            HistoryEntry.PracticeSegment(identity: focus?.identity(of: result.segmentIndex) ?? .init(named, index: result.segmentIndex),
                                         position: position, planned: result.planned, actual: result.actual, missed: result.missed)
        })
        entry.focus = focus?.identity(of: final.timeline.segments.count - 1)
        entry.support = support
        // The protocol's own content, not the numbered form a practice with less support showed.
        entry.protocolHash = HistoryEntry.hash(of: named)
    }

    /// The end report: a table per segment, the score, the worst segment, the change since the
    /// previous practice of the same protocol (read from the end of the history, after this one
    /// was recorded: nothing in the history can cost this practice its record).
    public func report(_ final: PracticeSession, entry: HistoryEntry, history: (any SessionHistory)?) -> String? {
        let score = final.score
        // After the practice, the segments by their names, whatever the practice showed.
        let timeline = named
        guard let mape = score.meanAbsolutePercentError, let rating = score.rating, let worst = score.worst else {
            return "\nNo segment was completed: nothing to score.\n"
        }
        var rows = [["SEGMENT", "PLANNED", "ACTUAL", "ERROR", "ERROR %"]]
        for result in score.results {
            let segment = timeline.segments[result.segmentIndex]
            rows.append([timeline.title(of: segment).terminalSafe, DurationText.format(result.planned),
                         result.missed ? "missed" : Self.seconds(result.actual), Self.signed(result.error),
                         Self.percent(result.errorPercent, signed: true) + " %"])
        }
        var text = "\n" + TextTable.render(rows) + "\n"
        text += "score: \(Self.percent(mape)) % mean absolute error, rating \(rating)/100\n"
        text += "worst: \(timeline.title(of: timeline.segments[worst.segmentIndex]).terminalSafe) (\(Self.signed(worst.error)))\n"
        let previous = history?.newest { other in
            // A drill of one segment is compared with the last drill of it; a whole practice with the last whole one.
            other.mode == .practice && other.protocolID == entry.protocolID && other.practice != nil && other.focus?.key == entry.focus?.key
                && !(other.start == entry.start && other.end == entry.end)  // not this practice itself
        }
        if let before = previous, let previous = before.practice {
            let verdict = Self.verdict(from: previous.mape, to: mape)
            // A practice with other support is compared all the same, and says so.
            let other = (before.support ?? .prompts) != support ? " (\((before.support ?? .prompts).phrase))" : ""
            text += "since your last \(entry.focus == nil ? "practice" : "drill of it")\(other): \(Self.percent(previous.mape)) % -> \(Self.percent(mape)) % (\(verdict))\n"
        }
        return text
    }

    /// "better by 2.8 points", "worse by 1.0 points"; a change that rounds to nothing is said as
    /// none ("unchanged"), not "worse by 0.0 points". Errors in %, lower is better.
    static func verdict(from before: Double, to now: Double) -> String {
        let change = now - before
        return percent(abs(change)) == percent(0) ? "unchanged" : "\(change < 0 ? "better" : "worse") by \(percent(abs(change))) points"
    }

    static func seconds(_ duration: Duration) -> String { TimeText.seconds(duration, decimals: 1) + "s" }

    static func signed(_ duration: Duration) -> String {
        (duration >= .zero ? "+" : "") + TimeText.seconds(duration, decimals: 1) + " s"
    }

    static func percent(_ value: Double, signed: Bool = false) -> String {
        (signed && value >= 0 ? "+" : "") + TimeText.seconds(.milliseconds(Int64((value * 1000).rounded())), decimals: 1)
    }
}
