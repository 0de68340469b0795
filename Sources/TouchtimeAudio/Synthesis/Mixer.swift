/// The one mixer: sounds placed at absolute frames, summed a block at a time into 16-bit
/// samples. The live player and `render` both mix through it, so a session's stream and its
/// rendered guide are the same samples.
///
/// - A sound alone comes out exactly as rendered; overlapping sounds add, clamped to 16 bits.
/// - A sound may have an end frame: it fades out over `fade` frames before it (speech cut at its
///   segment's end, a stolen voice).
/// - Speech never overlaps speech: an utterance starting fades out any still sounding.
/// - At most `maxVoices` sound at once; beyond that the oldest fade out, as an instrument steals a
///   voice (at a rehearsal's speed bells pile up: 200 boundaries ringing 10 s each held 121 MB).
/// - The gain (a volume change, muting) ramps over a block, so nothing clicks.
/// - Speech is understood over a bell: while an utterance sounds, every other sound is ducked
///   (`duck`, -30 dB), eased down over the 30 ms before it, held 200 ms after it, then eased back
///   up over 300 ms.
/// - Muting fades out what may be muted; a command's confirmation (`keepsWhenMuted`) sounds on.
///
/// ```swift
/// var mixer = Mixer()
/// mixer.add(Mixer.Voice(samples: bell, startFrame: 480))
/// var block = [Int16](repeating: 0, count: 960)
/// mixer.mix(from: 0, into: &block)   // silence, then the bell's first 480 samples
/// ```
public struct Mixer: Sendable {
    public struct Voice: Sendable {
        public var samples: [Int16]
        public var startFrame: Int
        public var isSpeech: Bool
        /// Silent from here on, faded out over `fade` frames before it.
        public var endFrame: Int?
        /// A command's confirmation: muting does not silence it (the "muted" that says so).
        public var keepsWhenMuted: Bool

        public init(samples: [Int16], startFrame: Int, isSpeech: Bool = false, endFrame: Int? = nil, keepsWhenMuted: Bool = false) {
            self.samples = samples
            self.startFrame = startFrame
            self.isSpeech = isSpeech
            self.endFrame = endFrame
            self.keepsWhenMuted = keepsWhenMuted
        }

        /// The frame after its last audible one.
        var lastFrame: Int { min(startFrame + samples.count, endFrame ?? .max) }

        /// Where it falls in the block from absolute frame `start`: the block's first frame it
        /// sounds in, the first of its samples there, and how many; nil when it does not sound.
        func window(at start: Int, count: Int) -> (first: Int, sourceStart: Int, count: Int)? {
            let first = max(0, startFrame - start)
            guard first < count else { return nil }
            let sourceStart = start + first - startFrame
            let length = min(count - first, min(samples.count, (endFrame ?? .max) - startFrame) - sourceStart)
            return length > 0 ? (first, sourceStart, length) : nil
        }

        /// Its gain at absolute `frame`: 1, or falling to 0 over `fade` frames before `endFrame`.
        func gain(at frame: Int) -> Float {
            guard let endFrame else { return 1 }
            let left = endFrame - frame
            if left <= 0 { return 0 }
            return left >= Mixer.fade ? 1 : Float(left) / Float(Mixer.fade)
        }
    }

    /// What speech ducks every other sound to while it sounds: -30 dB. A prompt then stands well
    /// over 10 dB above the loudest part of the bell it follows, its first syllable too (at -18 dB
    /// the first 100 ms of "Jawline" stood 7 dB over it; `ConfirmationSoundTests`), and the keyword
    /// spotter hears a phrase over a full-volume bell as it does alone (at -24 dB it heard nothing;
    /// `KeywordSpotterTests`).
    public static let duck: Float = 0.0316
    /// The duck eases in over this many frames before the speech starts (30 ms) ...
    static let duckIn = 1_440
    /// ... so speech is handed to a mixer at least this long before it starts.
    public static let duckLead = Duration.milliseconds(30)
    /// ... held this long after it ends (200 ms: a word's last consonant, and a listener's ear,
    /// need the quiet after it too) ...
    static let duckHold = 9_600
    /// ... and eased out over this many (300 ms).
    static let duckOut = 14_400

    /// The most sounds mixed at once.
    public static let maxVoices = 16
    /// How long a sound takes to fade out when it must end: 60 ms at 48 kHz.
    public static let fade = 2_880

    public private(set) var voices: [Voice] = []
    /// The gain the last block ended at.
    public private(set) var gain: Float = 1
    private var sum: [Int32] = []
    private var floats: [Float] = []
    private var ducks: [Float] = []

    public init() {}

    public var isSilent: Bool { voices.isEmpty }

    /// Adds a sound. An utterance fades out any utterance still sounding as it starts; beyond
    /// `maxVoices`, the oldest sounds fade out from `now`.
    public mutating func add(_ voice: Voice, now: Int) {
        if voice.isSpeech {
            for index in voices.indices where voices[index].isSpeech {
                voices[index].endFrame = min(voices[index].endFrame ?? .max, voice.startFrame)
            }
        }
        voices.append(voice)
        var excess = voices.count(where: { $0.endFrame == nil }) - Self.maxVoices
        for index in voices.indices where excess > 0 && voices[index].endFrame == nil {
            voices[index].endFrame = now + Self.fade
            excess -= 1
        }
    }

    /// Speech that starts before `frame` is silent by it (faded out before): its segment ended.
    public mutating func endSpeech(by frame: Int) {
        for index in voices.indices where voices[index].isSpeech && voices[index].startFrame < frame {
            voices[index].endFrame = min(voices[index].endFrame ?? .max, frame)
        }
    }

    /// Every sound stops at once (muted: the block's gain ramp has faded them).
    public mutating func silence() {
        voices.removeAll()
    }

    /// Muted: every sound but a confirmation fades out from `now`.
    public mutating func mute(now: Int) {
        for index in voices.indices where !voices[index].keepsWhenMuted {
            voices[index].endFrame = min(voices[index].endFrame ?? .max, max(now + Self.fade, voices[index].startFrame))
        }
    }

    /// The duck on the block's frames from `start` (in `ducks`): false when no speech ducks it.
    private mutating func fillDucks(from start: Int, count: Int) -> Bool {
        let end = start + count
        let speech = voices.filter { $0.isSpeech && $0.startFrame - Self.duckIn < end && $0.lastFrame + Self.duckHold + Self.duckOut > start }
        guard !speech.isEmpty, voices.contains(where: { !$0.isSpeech }) else { return false }
        if ducks.count < count { ducks = [Float](repeating: 1, count: count) }
        let duck = Self.duck
        for index in 0..<count {
            let frame = start + index
            var gain: Float = 1
            for voice in speech {
                let here: Float
                let released = voice.lastFrame + Self.duckHold
                if frame < voice.startFrame - Self.duckIn || frame >= released + Self.duckOut {
                    here = 1
                } else if frame < voice.startFrame {
                    here = 1 - (1 - duck) * Float(frame - (voice.startFrame - Self.duckIn)) / Float(Self.duckIn)
                } else if frame < released {
                    here = duck
                } else {
                    here = duck + (1 - duck) * Float(frame - released) / Float(Self.duckOut)
                }
                gain = min(gain, here)
            }
            ducks[index] = gain
        }
        return true
    }

    /// Mixes the block of `output.count` frames from absolute frame `start`, ramping the gain from
    /// where it was to `gain` across it, then forgets the sounds that have ended.
    public mutating func mix(from start: Int, into output: inout [Int16], gain target: Float = 1) {
        let count = output.count
        if voices.isEmpty {
            output.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        } else {
            let ducked = fillDucks(from: start, count: count)
            if !ducked, gain == 1, target == 1, voices.allSatisfy({ $0.endFrame == nil }) {
                mixWhole(from: start, into: &output)
            } else {
                mixScaled(from: start, into: &output, target: target, ducked: ducked)
            }
        }
        gain = target
        // Speech is kept while what it ducked eases back (it sounds no more, but it still ducks).
        voices.removeAll { $0.lastFrame + ($0.isSpeech ? Self.duckHold + Self.duckOut : 0) <= start + count }
    }

    /// Whole samples at full gain: summed as integers, exactly what the float sum would give (sums
    /// of 16-bit samples are whole), without rounding each one.
    private mutating func mixWhole(from start: Int, into output: inout [Int16]) {
        let count = output.count
        if sum.count < count { sum = [Int32](repeating: 0, count: count) }
        sum.withUnsafeMutableBufferPointer { sum in
            for index in 0..<count { sum[index] = 0 }
            for voice in voices {
                guard let (first, sourceStart, length) = voice.window(at: start, count: count) else { continue }
                voice.samples.withUnsafeBufferPointer { source in
                    for index in 0..<length { sum[first + index] &+= Int32(source[sourceStart + index]) }
                }
            }
            output.withUnsafeMutableBufferPointer { output in
                for index in 0..<count { output[index] = Int16(max(-32767, min(32767, sum[index]))) }
            }
        }
    }

    private mutating func mixScaled(from start: Int, into output: inout [Int16], target: Float, ducked: Bool) {
        let count = output.count
        if floats.count < count { floats = [Float](repeating: 0, count: count) }
        var gain = self.gain
        let voices = self.voices
        let ducks = self.ducks
        floats.withUnsafeMutableBufferPointer { mix in
            for index in 0..<count { mix[index] = 0 }
            for voice in voices {
                guard let (first, sourceStart, length) = voice.window(at: start, count: count) else { continue }
                voice.samples.withUnsafeBufferPointer { source in
                    if ducked, !voice.isSpeech {
                        for index in 0..<length {
                            mix[first + index] += Float(source[sourceStart + index]) * voice.gain(at: start + first + index)
                                * ducks[first + index]
                        }
                    } else if voice.endFrame == nil {
                        for index in 0..<length { mix[first + index] += Float(source[sourceStart + index]) }
                    } else {
                        for index in 0..<length {
                            mix[first + index] += Float(source[sourceStart + index]) * voice.gain(at: start + first + index)
                        }
                    }
                }
            }
            let step = (target - gain) / Float(count)
            output.withUnsafeMutableBufferPointer { output in
                for index in 0..<count {
                    gain += step
                    output[index] = Int16(max(-32767, min(32767, (mix[index] * gain).rounded())))
                }
            }
        }
    }
}
