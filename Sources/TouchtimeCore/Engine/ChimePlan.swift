/// Which chime marks which moment of a session. Pure: the audio layer asks it, so the rules
/// are tested without a sound card.
///
/// - A massage phase or step begins: `transition` (or the phase's `chimes.start`).
/// - Any stillness begins: `stillness` (a stillness phase may choose another with `chimes.start`).
/// - A warning mark: `warning`; a stroke mark: `pace` (unless pacing is off).
/// - The session completes: `finish`. A session ended early gets no finish chime.
public struct ChimePlan: Sendable {
    /// One chime at one moment. Events of the same moment (phase-start and step-start) share a key,
    /// so the chime is played once.
    public struct Cue: Sendable, Hashable {
        public var voice: ChimeVoice
        public var key: String
        /// Session time it is due.
        public var due: Duration
        /// Offset on the protocol's timeline.
        public var planned: Duration
        public var segmentIndex: Int?
        public var phaseID: String?
    }

    public let timeline: Timeline
    /// The command line's volume, 0 to 100; the protocol's volumes are relative to it.
    public let volume: Int
    /// Whether stroke ticks sound.
    public let pace: Bool

    public init(timeline: Timeline, volume: Int = 100, pace: Bool = true) {
        self.timeline = timeline
        self.volume = min(max(volume, 0), 100)
        self.pace = pace
    }

    /// The chime an event calls for, if any.
    public func cue(for event: SessionEvent) -> Cue? {
        let segment = event.segmentIndex.flatMap { timeline.segments.indices.contains($0) ? timeline.segments[$0] : nil }
        let kind: ChimeKind
        let options: ChimeOptions
        let name: String
        switch event.kind {
        case .phaseStart, .stepStart, .stillnessStart:
            guard let segment, let start = startKind(of: segment) else { return nil }
            kind = start
            options = timeline.chimeOptions(for: segment)
            name = "start"
        case .warning:
            guard let segment else { return nil }
            kind = .warning
            options = timeline.chimeOptions(for: segment)
            name = "warning"
        case .stroke:
            guard pace, let segment else { return nil }
            kind = .pace
            options = timeline.chimeOptions(for: segment)
            name = "stroke"
        case .sessionEnd:
            guard event.completed == true else { return nil }
            kind = .finish
            options = timeline.treatment.chimes
            name = "finish"
        default:
            return nil
        }
        let key = "\(name)/\(event.segmentIndex ?? -1)/\(event.due.components.seconds)/\(event.due.components.attoseconds)"
        return Cue(voice: voice(kind, options), key: key, due: event.due, planned: event.planned,
                   segmentIndex: event.segmentIndex, phaseID: event.phaseID)
    }

    /// The cues for a list of events, one per key, in order.
    public func cues(for events: [SessionEvent]) -> [Cue] {
        var seen: Set<String> = []
        return events.compactMap(cue(for:)).filter { seen.insert($0.key).inserted }
    }

    /// Every voice this session can need, so all can be rendered before it starts.
    public var voices: Set<ChimeVoice> {
        var voices: Set<ChimeVoice> = [voice(.finish, timeline.treatment.chimes)]
        for segment in timeline.segments {
            let options = timeline.chimeOptions(for: segment)
            if let start = startKind(of: segment) { voices.insert(voice(start, options)) }
            if segment.warningBefore != nil { voices.insert(voice(.warning, options)) }
            if pace, segment.strokeInterval != nil { voices.insert(voice(.pace, options)) }
        }
        return voices
    }

    /// The whole session's cues at speed 1 with no adjustments: what `render` writes.
    public var plannedCues: [Cue] {
        var engine = SessionEngine(timeline: timeline)
        var events = engine.start(at: .zero)
        events += engine.advance(to: timeline.totalDuration + .seconds(1))
        return cues(for: events)
    }

    private func startKind(of segment: Segment) -> ChimeKind? {
        if segment.startsPhase, let chosen = timeline.chimeOptions(for: segment).start {
            return chosen
        }
        return segment.isStillness ? .stillness : .transition
    }

    private func voice(_ kind: ChimeKind, _ options: ChimeOptions) -> ChimeVoice {
        let relative = Double(options.volume ?? 100) / 100
        return ChimeVoice(kind: kind, volume: Int((Double(volume) * relative).rounded()),
                          pitchRatio: (options.pitch ?? ChimeOptions.referencePitch) / ChimeOptions.referencePitch)
    }
}
