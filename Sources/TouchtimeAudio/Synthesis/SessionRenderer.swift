public import TouchtimeCore

/// The whole session's audio guide, rendered offline: silence between chimes, each chime's
/// first sample at `round(planned x rate)`, overlapping chimes mixed.
public enum SessionRenderer {
    public struct Rendering: Sendable {
        public var samples: [Int16]
        public var cues: [ChimePlan.Cue]
        public var sampleRate: Int { ChimeSynthesizer.sampleRate }
        public var duration: Duration { .milliseconds(Int64(samples.count) * 1000 / Int64(ChimeSynthesizer.sampleRate)) }
    }

    /// The first sample of a chime planned at `planned` protocol seconds.
    public static func onsetSample(_ planned: Duration) -> Int {
        Int((planned.seconds * Double(ChimeSynthesizer.sampleRate)).rounded())
    }

    public static func render(_ plan: ChimePlan) -> Rendering {
        let cues = plan.plannedCues
        var bank: [ChimeVoice: [Float]] = [:]
        for voice in plan.voices { bank[voice] = ChimeSynthesizer.render(voice) }
        let end = cues.reduce(onsetSample(plan.timeline.totalDuration)) { end, cue in
            max(end, onsetSample(cue.planned) + (bank[cue.voice]?.count ?? 0))
        }
        var mix = [Float](repeating: 0, count: end)
        for cue in cues {
            guard let samples = bank[cue.voice] else { continue }
            let onset = onsetSample(cue.planned)
            for (index, sample) in samples.enumerated() { mix[onset + index] += sample }
        }
        return Rendering(samples: WAVFile.quantize(mix), cues: cues)
    }
}
