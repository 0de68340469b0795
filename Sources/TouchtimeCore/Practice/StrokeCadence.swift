/// The stroke cadence drill: the trainee taps once per stroke through a paced phase; the taps'
/// intervals are compared with the protocol's `strokeSeconds`.
public struct StrokeCadence: Sendable, Equatable {
    public var taps: Int
    /// Mean interval between consecutive taps (protocol time).
    public var meanPeriod: Duration
    /// Standard deviation of the intervals: how even the strokes were.
    public var spread: Duration
    public var target: Duration

    /// Mean period minus target, as a percentage of the target (positive: strokes too slow).
    public var errorPercent: Double { (meanPeriod - target) / target * 100 }

    public init(taps: Int, meanPeriod: Duration, spread: Duration, target: Duration) {
        self.taps = taps
        self.meanPeriod = meanPeriod
        self.spread = spread
        self.target = target
    }

    /// Nil with fewer than two taps (no interval to measure).
    public static func analyze(taps: [Duration], target: Duration) -> StrokeCadence? {
        guard taps.count >= 2, target > .zero else { return nil }
        let intervals = zip(taps, taps.dropFirst()).map { ($1 - $0).seconds }
        let mean = intervals.reduce(0, +) / Double(intervals.count)
        let variance = intervals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(intervals.count)
        return StrokeCadence(taps: taps.count, meanPeriod: .fromSeconds(mean), spread: .fromSeconds(variance.squareRoot()),
                             target: target)
    }

    /// The protocol reduced to its paced phases, for the drill; nil when it has none.
    public static func drill(_ treatment: TreatmentProtocol) -> TreatmentProtocol? {
        var drill = treatment
        drill.phases = treatment.phases.filter { $0.strokeSeconds != nil }
        return drill.phases.isEmpty ? nil : drill
    }
}
