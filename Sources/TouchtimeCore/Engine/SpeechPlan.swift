/// What is spoken at which moment of a session, as the protocol's voice options ask. Pure: the
/// audio layer renders the texts before the session and places each utterance, so the rules
/// are tested without a voice.
///
/// - A phase starts: its `say`, else its title (or cue, or both, per `voice.say`). A phase that
///   starts with a step says the step's words after its own ("Jawline. Left side.").
/// - A step starts: its `say`, else its title ("Step 2" when it has none).
/// - A stillness between steps or after a phase starts: "stillness". A stillness phase speaks as
///   a phase.
/// - A warning mark, with `voice.warnings`: how long is left ("thirty seconds").
/// - The session completes: "session complete".
///
/// Each utterance starts `gap` after its boundary, so the chime's strike sounds clear first; it
/// belongs to the moment's first event only, like the chime.
public struct SpeechPlan: Sendable {
    public struct Utterance: Sendable, Hashable {
        /// The moment it marks (mark `.speech`): predicted and observed, it is spoken once.
        public var id: ChimePlan.Cue.ID
        public var text: String
        /// Offset on the protocol's timeline of its boundary.
        public var planned: Duration
        public var phaseID: String?
    }

    /// Speech starts this long after its boundary's chime (real time).
    public static let gap: Duration = .milliseconds(350)

    public let timeline: Timeline
    public var options: VoiceOptions { timeline.treatment.voice }

    public init(timeline: Timeline) {
        self.timeline = timeline
    }

    /// The utterance an event calls for, if any.
    public func utterance(for event: SessionEvent) -> Utterance? {
        let segment = timeline.segment(for: event)
        let text: String?
        switch event.kind {
        case .phaseStart, .stepStart, .stillnessStart:
            guard let segment, event.kind == ChimePlan.firstStartEvent(of: segment) else { return nil }
            text = words(at: segment)
        case .warning:
            guard options.warnings, let segment, let left = segment.warningBefore else { return nil }
            text = builtIn.duration(left)
        case .mark(let index):
            guard let segment, segment.marks.indices.contains(index), let words = segment.marks[index].say else { return nil }
            return Utterance(id: .init(mark: .markSpeech(index), segmentIndex: event.segmentIndex, due: event.due), text: words,
                             planned: event.planned, phaseID: event.phaseID)
        case .sessionEnd(completed: true):
            text = builtIn.sessionComplete
        default:
            return nil
        }
        guard let text, !text.isEmpty else { return nil }
        return Utterance(id: .init(mark: .speech, segmentIndex: event.segmentIndex, due: event.due), text: text,
                         planned: event.planned, phaseID: event.phaseID)
    }

    /// The utterances for a list of events, in order.
    public func utterances(for events: [SessionEvent]) -> [Utterance] {
        events.compactMap(utterance(for:))
    }

    /// Every text the session can speak, so all can be rendered before it starts.
    public var texts: Set<String> {
        var texts: Set<String> = [builtIn.sessionComplete]
        for segment in timeline.segments {
            if let text = words(at: segment) { texts.insert(text) }
            if options.warnings, let left = segment.warningBefore { texts.insert(builtIn.duration(left)) }
            for words in segment.marks.compactMap(\.say) { texts.insert(words) }
        }
        return texts
    }

    /// The whole session's utterances at speed 1 with no adjustments: what `render --voice` writes.
    public var plannedUtterances: [Utterance] {
        utterances(for: SessionEngine.plannedEvents(of: timeline))
    }

    /// The session's utterances in the order planned, to ask for the next few as a session moves
    /// (a speech helper renders them a few at a time, not all before the start).
    public struct Order: Sendable {
        private let texts: [(segment: Int, text: String)]
        /// How many utterances ahead `upcoming` gives.
        public static let ahead = 8

        public init(_ plan: SpeechPlan) {
            texts = plan.plannedUtterances.map { ($0.id.segmentIndex ?? .max, $0.text) }
        }

        /// The texts of the next `count` planned utterances from segment `index` on.
        public func upcoming(from index: Int, count: Int = ahead) -> [String] {
            var low = 0
            var high = texts.count
            while low < high {
                let middle = (low + high) / 2
                if texts[middle].segment < index { low = middle + 1 } else { high = middle }
            }
            return texts[low..<min(low + count, texts.count)].map(\.text)
        }
    }

    /// touchtime's own words in the voice's language.
    public var builtIn: BuiltInWords { BuiltInWords(language: options.language) }

    /// What the start of `segment` says.
    func words(at segment: Segment) -> String? {
        let phase = timeline.phase(of: segment)
        var parts: [String] = []
        if segment.startsPhase, let own = phase.say ?? pick(title: phase.title, cue: phase.cue) {
            parts.append(own)
            if let round = segment.roundNumber, options.say != .none {
                parts.append(builtIn.round(round))
            }
        }
        switch segment.role {
        case .step(let index):
            if case .steps(let steps) = phase.body, steps.indices.contains(index),
               let own = steps[index].say ?? pick(title: steps[index].title ?? "Step \(index + 1)", cue: steps[index].cue) {
                parts.append(own)
            }
        case .stillnessAfter, .stillnessBetweenSteps, .stillnessBetweenRepeats:
            if options.say != .none { parts.append(builtIn.stillness) }
        case .phase, .stillnessPhase:
            break
        }
        return parts.isEmpty ? nil : parts.map(Self.sentence).joined(separator: " ")
    }

    private func pick(title: String, cue: String) -> String? {
        switch options.say {
        case .title: return title
        case .cue: return cue
        case .both: return Self.sentence(title) + " " + cue
        case .none: return nil
        }
    }

    /// Ends with a full stop unless it ends with punctuation already: a pause between parts.
    private static func sentence(_ text: String) -> String {
        guard let last = text.last, !".!?:;,".contains(last) else { return text }
        return text + "."
    }

    /// A duration as spoken: "thirty seconds", "one minute", "one minute thirty seconds" in English;
    /// in the language's own words for German, French and Spanish ("30 Sekunden").
    public static func spoken(_ duration: Duration, language: String = "en") -> String {
        BuiltInWords(language: language).duration(duration)
    }

    /// English words for 0 to 999 (more is read as digits).
    static func number(_ value: Int) -> String {
        BuiltInWords.englishNumber(value)
    }
}
