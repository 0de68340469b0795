/// `practice --focus SEGMENT` (or `--weakest`): one segment practised several times in a row, each
/// time after the segment before it (its neighbour, for the feel of arriving at it), and scored.
///
/// The drill is a protocol of its own, made of copies of the two segments (each a phase of their
/// length, title and cue), practised as any protocol is; what it records is the original
/// segments' identities (`identity(of:)`), so its results count toward the segment's figures in
/// `stats`, beside full practices.
public struct FocusDrill: Sendable {
    /// How many times the segment is practised.
    public static let rounds = 5

    /// The drill's own protocol: neighbour, segment, neighbour, segment, ...
    public let treatment: TreatmentProtocol
    /// The original protocol's segment index for each of the drill's segments.
    public let origins: [Int]
    /// The segment drilled, in the original timeline.
    public let focus: Int
    private let original: Timeline

    /// A drill of `timeline`'s segment `focus`; nil when it is a wait for a press (not timed).
    public init?(_ timeline: Timeline, focus: Int, rounds: Int = FocusDrill.rounds) {
        guard timeline.segments.indices.contains(focus), !timeline.segments[focus].waitsForPress else { return nil }
        original = timeline
        self.focus = focus
        let neighbour = focus > 0 && !timeline.segments[focus - 1].waitsForPress ? focus - 1 : nil
        var phases: [Phase] = []
        var origins: [Int] = []
        for round in 1...max(rounds, 1) {
            for index in [neighbour, focus].compactMap({ $0 }) {
                let segment = timeline.segments[index]
                phases.append(Phase(id: "\(timeline.phase(of: segment).id)-\(index + 1)-\(round)", title: timeline.title(of: segment),
                                    cue: timeline.cue(of: segment), kind: segment.isStillness ? .stillness : .massage,
                                    body: .duration(segment.plannedDuration)))
                origins.append(index)
            }
        }
        var treatment = timeline.treatment
        treatment.phases = phases
        treatment.title = "\(timeline.treatment.title): \(timeline.title(of: timeline.segments[focus])) x\(max(rounds, 1))"
        self.treatment = treatment
        self.origins = origins
    }

    /// The original segment's identity for the drill's segment `index` (what the history records).
    public func identity(of index: Int) -> HistoryEntry.SegmentIdentity? {
        guard origins.indices.contains(index) else { return nil }
        return HistoryEntry.SegmentIdentity(original, index: origins[index])
    }

    /// The segment `--weakest` drills: the one `stats` (this protocol's) find furthest off lately, as
    /// an index in `timeline`; nil when nothing is off (every segment within 5 %) or it is gone.
    public static func weakest(in timeline: Timeline, stats: PracticeStats?) -> Int? {
        guard let weakest = stats?.weakest, weakest.grade > .a else { return nil }
        return timeline.segments.indices.first { HistoryEntry.SegmentIdentity(timeline, index: $0).key == weakest.key }
    }
}
