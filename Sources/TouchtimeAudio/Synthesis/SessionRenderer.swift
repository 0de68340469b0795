public import TouchtimeCore

/// The whole session's audio guide, rendered offline: silence between chimes, each chime's
/// first sample at `round(planned x rate)`, overlapping chimes mixed; with speech, each prompt
/// `SpeechPlan.gap` after its boundary, faded out before the next one.
///
/// Streamed: a block at a time, so a 4-hour guide costs what one block and the rendered sounds
/// cost, not 4 hours of samples.
public struct SessionRenderer: Sendable {
    /// One sound placed on the guide: its samples from `start`, silent from `end` on (speech cut at its segment's end).
    struct Placed: Sendable {
        var start: Int
        var samples: [Float]
        var end: Int?

        var last: Int { min(start + samples.count, end ?? .max) }
    }

    public let cues: [ChimePlan.Cue]
    public let utterances: [SpeechPlan.Utterance]
    /// The guide's length in samples: to the end of the session or of its last sound.
    public let count: Int
    private let placed: [Placed]

    public static let sampleRate = ChimeSynthesizer.sampleRate
    /// Samples mixed and written at a time.
    static let block = 48_000

    public var duration: Duration { .milliseconds(Int64(count) * 1000 / Int64(Self.sampleRate)) }

    /// The first sample of a sound planned at `planned` protocol seconds.
    public static func onsetSample(_ planned: Duration) -> Int {
        Int((planned.seconds * Double(sampleRate)).rounded())
    }

    public init(_ plan: ChimePlan, speech: (plan: SpeechPlan, bank: [String: [Float]])? = nil) {
        let bank = ChimeBank.render(plan.voices)
        cues = plan.plannedCues
        var placed = cues.compactMap { cue in bank[cue.voice].map { Placed(start: Self.onsetSample(cue.planned), samples: $0) } }
        utterances = speech?.plan.plannedUtterances ?? []
        let segments = plan.timeline.segments
        for utterance in utterances {
            guard let samples = speech?.bank[utterance.text] else { continue }
            // Cut (faded) at the end of the segment it speaks for; "session complete" rings out.
            let end = utterance.id.segmentIndex.flatMap { segments.indices.contains($0) ? Self.onsetSample(segments[$0].plannedEnd) : nil }
            placed.append(Placed(start: Self.onsetSample(utterance.planned + SpeechPlan.gap), samples: samples, end: end))
        }
        self.placed = placed.sorted { $0.start < $1.start }
        count = self.placed.reduce(Self.onsetSample(plan.timeline.totalDuration)) { max($0, $1.last) }
    }

    /// The whole guide in memory (for tests and short sessions).
    public var samples: [Int16] {
        var samples: [Int16] = []
        samples.reserveCapacity(count)
        forEachBlock { samples += $0 }
        return samples
    }

    /// Writes the guide to a WAV file a block at a time.
    public func write(to path: String) throws(WAVFile.Failure) {
        let writer = try WAVWriter(path: path, sampleRate: Self.sampleRate)
        var failure: WAVFile.Failure?
        forEachBlock { block in
            guard failure == nil else { return }
            do throws(WAVFile.Failure) { try writer.append(block) } catch { failure = error }
        }
        if let failure { throw failure }
        try writer.finish()
    }

    /// Mixes the guide block by block, sweeping the placed sounds in order of their start.
    private func forEachBlock(_ body: ([Int16]) -> Void) {
        var next = 0
        var active: [Placed] = []
        var mix = [Float](repeating: 0, count: Self.block)
        var from = 0
        while from < count {
            let length = min(Self.block, count - from)
            while next < placed.count, placed[next].start < from + length {
                active.append(placed[next])
                next += 1
            }
            for index in 0..<length { mix[index] = 0 }
            for sound in active {
                let first = max(sound.start, from)
                let last = min(sound.last, from + length)
                guard first < last else { continue }
                let fade = ChimePlayer.speechFade
                for frame in first..<last {
                    var value = sound.samples[frame - sound.start]
                    if let end = sound.end, end - frame < fade { value *= Float(end - frame) / Float(fade) }
                    mix[frame - from] += value
                }
            }
            active.removeAll { $0.last <= from + length }
            body(WAVFile.quantize(Array(mix[0..<length])))
            from += length
        }
    }
}
