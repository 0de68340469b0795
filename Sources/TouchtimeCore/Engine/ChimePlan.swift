/// Which chime marks which moment of a session. Pure: the audio layer asks it, so the rules
/// are tested without a sound card.
///
/// - A massage phase or step begins: `transition` (or the phase's `chimes.start`).
/// - Any stillness begins: `stillness` (a stillness phase may choose another with `chimes.start`).
/// - A warning mark: `warning`; a stroke mark: `pace` (unless pacing is off); a mark of `marks`:
///   the kind it names (`transition` unless it says), or none.
/// - A kind the protocol gives its own sound (`sounds`) plays that file instead of the synthesised one.
/// - The session completes: `finish`. A session ended early gets no finish chime.
public struct ChimePlan: Sendable {
    /// One chime at one moment.
    public struct Cue: Sendable, Hashable {
        /// Which moment a chime marks. A boundary predicted ahead and then observed is the same
        /// moment, so it plays once; a segment restarted later is a new moment.
        public struct ID: Sendable, Hashable {
            public enum Mark: Sendable, Hashable {
                case start, warning, stroke, finish, speech
                /// A mark of `marks`, by index in its segment; `markSpeech` is its words.
                case mark(Int), markSpeech(Int)
                /// A command's confirmation: its sound, its word.
                case confirmation, confirmationSpeech
            }
            public var mark: Mark
            public var segmentIndex: Int?
            /// Session time it is due.
            public var due: Duration

            public init(mark: Mark, segmentIndex: Int?, due: Duration) {
                self.mark = mark
                self.segmentIndex = segmentIndex
                self.due = due
            }
        }

        public var id: ID
        public var voice: ChimeVoice
        /// Offset on the protocol's timeline.
        public var planned: Duration
        public var phaseID: String?

        public var due: Duration { id.due }
        public var segmentIndex: Int? { id.segmentIndex }
    }

    public let timeline: Timeline
    /// The command line's volume, 0 to 100; the protocol's volumes are relative to it.
    public let volume: Int
    /// Whether stroke ticks sound.
    public let pace: Bool
    /// Whether the session's moments sound at all (`run --no-chimes`: voice only, no chime).
    public let chimes: Bool

    public init(timeline: Timeline, volume: Int = 100, pace: Bool = true, chimes: Bool = true) {
        self.timeline = timeline
        self.volume = min(max(volume, 0), 100)
        self.pace = pace
        self.chimes = chimes
    }

    /// The chime an event calls for, if any.
    ///
    /// A moment can bring several events (a phase's first step: phase-start and step-start); its
    /// chime belongs to the first of them only, so each moment has one cue whichever events a
    /// caller sees, and nothing needs to be de-duplicated by the caller.
    public func cue(for event: SessionEvent) -> Cue? {
        guard chimes else { return nil }
        let segment = timeline.segment(for: event)
        let kind: ChimeKind
        let options: ChimeOptions
        let mark: Cue.ID.Mark
        switch event.kind {
        case .phaseStart, .stepStart, .stillnessStart:
            guard let segment, event.kind == Self.firstStartEvent(of: segment), let start = startKind(of: segment) else { return nil }
            kind = start
            options = timeline.chimeOptions(for: segment)
            mark = .start
        case .warning:
            guard let segment else { return nil }
            kind = .warning
            options = timeline.chimeOptions(for: segment)
            mark = .warning
        case .stroke:
            guard pace, let segment else { return nil }
            kind = .pace
            options = timeline.chimeOptions(for: segment)
            mark = .stroke
        case .mark(let index):
            guard let segment, segment.marks.indices.contains(index), let chime = segment.marks[index].chime else { return nil }
            kind = chime
            options = timeline.chimeOptions(for: segment)
            mark = .mark(index)
        case .sessionEnd(completed: true):
            kind = .finish
            options = timeline.treatment.chimes
            mark = .finish
        default:
            return nil
        }
        return Cue(id: Cue.ID(mark: mark, segmentIndex: event.segmentIndex, due: event.due),
                   voice: voice(kind, options, segment: segment), planned: event.planned, phaseID: event.phaseID)
    }

    /// The cues for a list of events, in order.
    public func cues(for events: [SessionEvent]) -> [Cue] {
        events.compactMap(cue(for:))
    }

    /// The first of the events that start `segment` (the engine emits phase-start, then
    /// step-start or stillness-start).
    static func firstStartEvent(of segment: Segment) -> SessionEvent.Kind {
        if segment.startsPhase { return .phaseStart }
        return segment.isStillness ? .stillnessStart : .stepStart
    }

    /// Every voice this session can need, so all can be rendered before it starts.
    public var voices: Set<ChimeVoice> {
        guard chimes else { return [] }
        var voices: Set<ChimeVoice> = [voice(.finish, timeline.treatment.chimes, segment: nil)]
        for segment in timeline.segments {
            let options = timeline.chimeOptions(for: segment)
            if let start = startKind(of: segment) { voices.insert(voice(start, options, segment: segment)) }
            if segment.warningBefore != nil { voices.insert(voice(.warning, options, segment: segment)) }
            if pace, segment.strokeInterval != nil { voices.insert(voice(.pace, options, segment: segment)) }
            for kind in segment.marks.compactMap(\.chime) { voices.insert(voice(kind, options, segment: segment)) }
        }
        return voices
    }

    /// Every voice this session can need, in the order each is first heard when nothing is
    /// adjusted (then those only an adjustment can reach), so the first can be rendered ahead.
    public var voicesInOrder: [ChimeVoice] {
        var seen: Set<ChimeVoice> = []
        var ordered: [ChimeVoice] = []
        for voice in plannedCues.map(\.voice) where seen.insert(voice).inserted { ordered.append(voice) }
        for voice in voices.sorted(by: {
            ($0.kind.rawValue, $0.volume, $0.pitchRatio, $0.sound ?? "") < ($1.kind.rawValue, $1.volume, $1.pitchRatio, $1.sound ?? "")
        })
        where seen.insert(voice).inserted {
            ordered.append(voice)
        }
        return ordered
    }

    /// The whole session's cues at speed 1 with no adjustments: what `render` writes.
    public var plannedCues: [Cue] {
        cues(for: SessionEngine.plannedEvents(of: timeline))
    }

    private func startKind(of segment: Segment) -> ChimeKind? {
        if segment.startsPhase, let chosen = timeline.chimeOptions(for: segment).start {
            return chosen
        }
        return segment.isStillness ? .stillness : .transition
    }

    private func voice(_ kind: ChimeKind, _ options: ChimeOptions, segment: Segment?) -> ChimeVoice {
        var relative = Double(options.volume ?? 100) / 100
        if kind == .pace { relative *= Double(options.paceVolume ?? ChimeOptions.defaultPaceVolume) / 100 }
        let sound = segment.flatMap { timeline.phase(of: $0).sounds[kind] } ?? timeline.treatment.sounds[kind]
        // A file of the therapist's own plays as recorded: the pitch transposes synthesised kinds only.
        let pitchRatio = sound == nil ? (options.pitch ?? ChimeOptions.referencePitch) / ChimeOptions.referencePitch : 1
        return ChimeVoice(kind: kind, volume: Int((Double(volume) * relative).rounded()), pitchRatio: pitchRatio, sound: sound)
    }
}
