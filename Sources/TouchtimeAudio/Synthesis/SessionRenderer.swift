public import TouchtimeCore

/// The whole session's audio guide, rendered offline: silence between chimes, each chime's
/// first sample at `round(planned x rate)`; with speech, each prompt `SpeechPlan.gap` after its
/// boundary, faded out before the next one. Mixed by the same `Mixer` as a live session.
///
/// Streamed: a block at a time, so a 4-hour guide costs what one block and the sounds sounding
/// in it cost, not 4 hours of samples. A prompt is spoken (`Speaker`) when the mix reaches it,
/// and a text said again is spoken once while it is kept (`keptTexts`).
public struct SessionRenderer: Sendable {
    /// Speaks a text: its samples at 48 kHz, as a session plays them.
    public typealias Speaker = @Sendable (String) async throws(SpeechError) -> [Int16]

    /// Why a guide could not be written.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case speech(SpeechError)
        case file(WAVFile.Failure)

        public var description: String {
            switch self {
            case .speech(let error): return "cannot speak: \(error)"
            case .file(let error): return error.description
            }
        }
    }

    /// One sound placed on the guide from sample `start`: a chime or a prompt's text; silent from
    /// `end` on (speech faded at its segment's end).
    struct Placed: Sendable {
        var start: Int
        var chime: ChimeVoice?
        var text: String?
        var end: Int?

        /// When it is handed to the mixer: speech a little before it starts (its duck eases in).
        var handedOver: Int { text == nil ? start : start - Mixer.duckIn }
    }

    public let cues: [ChimePlan.Cue]
    public let utterances: [SpeechPlan.Utterance]
    /// Where the session ends, in samples; the guide goes on while a last sound rings.
    public let sessionEnd: Int
    private let placed: [Placed]
    private let bank: ChimeBank

    public static let sampleRate = ChimeSynthesizer.sampleRate
    /// Samples mixed and written at a time.
    static let block = 48_000
    /// Spoken texts kept for their next use.
    static let keptTexts = 32

    /// The first sample of a sound planned at `planned` protocol seconds.
    public static func onsetSample(_ planned: Duration) -> Int {
        Int((planned.seconds * Double(sampleRate)).rounded())
    }

    public init(_ plan: ChimePlan, speech: SpeechPlan? = nil, bank: ChimeBank = ChimeBank()) {
        self.bank = bank
        cues = plan.plannedCues
        var placed = cues.map { Placed(start: Self.onsetSample($0.planned), chime: $0.voice) }
        utterances = speech?.plannedUtterances ?? []
        let segments = plan.timeline.segments
        for utterance in utterances {
            // Cut (faded) at the end of the segment it speaks for; "session complete" rings out.
            let end = utterance.id.segmentIndex.flatMap { segments.indices.contains($0) ? Self.onsetSample(segments[$0].plannedEnd) : nil }
            placed.append(Placed(start: Self.onsetSample(utterance.planned + SpeechPlan.gap), text: utterance.text, end: end))
        }
        self.placed = placed.sorted { $0.handedOver < $1.handedOver }
        sessionEnd = Self.onsetSample(plan.timeline.totalDuration)
    }

    /// The most samples the guide can have: the session, and the longest a last sound can ring on.
    public var longestCount: Int {
        sessionEnd + Int(max(ChimeSynthesizer.longest, SpeechSynthesizer.longest.seconds + SpeechPlan.gap.seconds) * Double(Self.sampleRate))
    }

    /// The whole guide in memory (for tests and short sessions).
    public func samples(speaker: Speaker? = nil) async throws(SpeechError) -> [Int16] {
        var samples: [Int16] = []
        try await forEachBlock(speaker: speaker) { samples += $0 }
        return samples
    }

    /// Writes the guide to a WAV file a block at a time; returns how many samples it has.
    @discardableResult
    public func write(to path: String, speaker: Speaker? = nil) async throws(Failure) -> Int {
        let writer: WAVWriter
        do throws(WAVFile.Failure) { writer = try WAVWriter(path: path, sampleRate: Self.sampleRate) } catch { throw .file(error) }
        var failure: WAVFile.Failure?
        var written = 0
        do throws(SpeechError) {
            try await forEachBlock(speaker: speaker) { block in
                guard failure == nil else { return }
                do throws(WAVFile.Failure) {
                    try writer.append(block)
                    written += block.count
                } catch { failure = error }
            }
        } catch {
            throw .speech(error)
        }
        if let failure { throw .file(failure) }
        do throws(WAVFile.Failure) { try writer.finish() } catch { throw .file(error) }
        return written
    }

    /// Mixes the guide block by block, adding the placed sounds in order of their start. It ends
    /// with the session, or with the last sound if that rings on past it.
    private func forEachBlock(speaker: Speaker?, _ body: ([Int16]) -> Void) async throws(SpeechError) {
        var next = 0
        var mixer = Mixer()
        var spoken = SpokenTexts()
        var from = 0
        while true {
            let end = next == placed.count ? max(sessionEnd, mixer.voices.map(\.lastFrame).max() ?? 0) : Int.max
            let length = min(Self.block, end - from)
            guard length > 0 else { return }
            // Speech a little early: what it ducks eases down over the frames before it starts.
            while next < placed.count, placed[next].handedOver < from + length {
                let sound = placed[next]
                next += 1
                if let chime = sound.chime {
                    mixer.add(Mixer.Voice(samples: bank.samples(for: chime), startFrame: sound.start), now: from)
                } else if let text = sound.text, let speaker {
                    let samples = try await spoken.samples(for: text, speaker: speaker)
                    guard !samples.isEmpty else { continue }
                    mixer.add(Mixer.Voice(samples: samples, startFrame: sound.start, isSpeech: true, endFrame: sound.end), now: from)
                }
            }
            // The block may have grown the end: a sound added now rings past the session's end.
            let blockEnd = next == placed.count ? max(sessionEnd, mixer.voices.map(\.lastFrame).max() ?? 0) : Int.max
            var output = [Int16](repeating: 0, count: min(length, blockEnd - from))
            guard !output.isEmpty else { return }
            mixer.mix(from: from, into: &output)
            body(output)
            from += output.count
        }
    }

    /// Texts already spoken, kept for their next use (a few: the guide moves on).
    private struct SpokenTexts {
        var kept: [(text: String, samples: [Int16])] = []

        mutating func samples(for text: String, speaker: Speaker) async throws(SpeechError) -> [Int16] {
            if let found = kept.first(where: { $0.text == text }) { return found.samples }
            let samples = try await speaker(text)
            kept.append((text, samples))
            if kept.count > SessionRenderer.keptTexts { kept.removeFirst() }
            return samples
        }
    }
}
