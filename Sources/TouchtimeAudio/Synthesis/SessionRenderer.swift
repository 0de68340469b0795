public import TouchtimeCore

/// The whole session's audio guide, rendered offline: silence between chimes, each chime's
/// first sample at `round(planned x rate)`, overlapping chimes mixed; with speech, each prompt
/// `SpeechPlan.gap` after its boundary, faded out before the next one.
///
/// Streamed: a block at a time, so a 4-hour guide costs what one block and the rendered sounds
/// cost, not 4 hours of samples.
public struct SessionRenderer: Sendable {
    /// One sound placed on the guide from sample `start`: a chime (rendered when the mix reaches
    /// it, from a bounded bank) or a prompt; silent from `end` on (speech cut at its segment's end).
    struct Placed: Sendable {
        var start: Int
        var chime: ChimeVoice?
        var speech: [Int16] = []
        var end: Int?
    }

    /// A placed sound being mixed.
    private struct Sounding {
        var start: Int
        var samples: [Int16]
        var end: Int?

        var last: Int { min(start + samples.count, end ?? .max) }
    }

    public let cues: [ChimePlan.Cue]
    public let utterances: [SpeechPlan.Utterance]
    /// The guide's length in samples: to the end of the session or of its last sound.
    public let count: Int
    private let placed: [Placed]
    private let bank: ChimeBank

    public static let sampleRate = ChimeSynthesizer.sampleRate
    /// Samples mixed and written at a time.
    static let block = 48_000

    public var duration: Duration { .milliseconds(Int64(count) * 1000 / Int64(Self.sampleRate)) }

    /// The first sample of a sound planned at `planned` protocol seconds.
    public static func onsetSample(_ planned: Duration) -> Int {
        Int((planned.seconds * Double(sampleRate)).rounded())
    }

    public init(_ plan: ChimePlan, speech: (plan: SpeechPlan, bank: [String: [Int16]])? = nil, bank: ChimeBank = ChimeBank()) {
        self.bank = bank
        cues = plan.plannedCues
        var placed = cues.map { Placed(start: Self.onsetSample($0.planned), chime: $0.voice) }
        utterances = speech?.plan.plannedUtterances ?? []
        let segments = plan.timeline.segments
        for utterance in utterances {
            guard let samples = speech?.bank[utterance.text] else { continue }
            // Cut (faded) at the end of the segment it speaks for; "session complete" rings out.
            let end = utterance.id.segmentIndex.flatMap { segments.indices.contains($0) ? Self.onsetSample(segments[$0].plannedEnd) : nil }
            placed.append(Placed(start: Self.onsetSample(utterance.planned + SpeechPlan.gap), speech: samples, end: end))
        }
        self.placed = placed.sorted { $0.start < $1.start }
        // The guide ends with the session or with its last sound; only sounds that start within the
        // longest chime of the end can outlast it, so only those are measured here.
        let sessionEnd = Self.onsetSample(plan.timeline.totalDuration)
        let horizon = sessionEnd - Int(ChimeSynthesizer.longest * Double(Self.sampleRate))
        count = self.placed.reduce(sessionEnd) { longest, sound in
            guard sound.start >= horizon else { return longest }
            return max(longest, Self.sounding(sound, bank: bank).last)
        }
    }

    private static func sounding(_ sound: Placed, bank: ChimeBank) -> Sounding {
        Sounding(start: sound.start, samples: sound.chime.map(bank.samples(for:)) ?? sound.speech, end: sound.end)
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

    /// Mixes the guide block by block, sweeping the placed sounds in order of their start, in
    /// units of the 16-bit output (a sound alone comes out exactly as rendered).
    private func forEachBlock(_ body: ([Int16]) -> Void) {
        var next = 0
        var active: [Sounding] = []
        var mix = [Float](repeating: 0, count: Self.block)
        var output = [Int16](repeating: 0, count: Self.block)
        var from = 0
        while from < count {
            let length = min(Self.block, count - from)
            while next < placed.count, placed[next].start < from + length {
                active.append(Self.sounding(placed[next], bank: bank))
                next += 1
            }
            for index in 0..<length { mix[index] = 0 }
            for sound in active {
                let first = max(sound.start, from)
                let last = min(sound.last, from + length)
                guard first < last else { continue }
                let fade = ChimePlayer.speechFade
                sound.samples.withUnsafeBufferPointer { samples in
                    for frame in first..<last {
                        var value = Float(samples[frame - sound.start])
                        if let end = sound.end, end - frame < fade { value *= Float(end - frame) / Float(fade) }
                        mix[frame - from] += value
                    }
                }
            }
            active.removeAll { $0.last <= from + length }
            for index in 0..<length { output[index] = Int16(max(-32767, min(32767, mix[index].rounded()))) }
            body(length == Self.block ? output : Array(output[0..<length]))
            from += length
        }
    }
}
