/// Finds where known chimes start in a recording, to the sample, even where they overlap.
///
/// The chimes are known exactly, so the recording is rebuilt chime by chime: each onset is where
/// the residual (recording minus the chimes found so far) first rises above `threshold`, refined
/// to the sample by least squares against the chime. What remains at the end measures how
/// exactly the recording is made of those chimes. Used to check what ALSA's `file` plugin
/// captured and what `render` wrote (the PulseAudio benchmark uses the same method in Python).
public enum ChimeOnsets {
    public struct Result: Sendable {
        /// One onset (sample index) per expected chime, nil where none was found.
        public var onsets: [Int?]
        /// The largest absolute sample left after subtracting every chime found (1.0 = full scale).
        public var residualPeak: Float

        public var allFound: Bool { onsets.allSatisfy { $0 != nil } }
    }

    public static func find(
        _ sequence: [[Float]], in recording: [Float], threshold: Float = 0.004, search: Int = 48, sampleRate: Int = 48_000
    ) -> Result {
        var residual = recording
        var onsets: [Int?] = []
        var cursor = 0
        for template in sequence {
            guard let lead = template.firstIndex(where: { abs($0) > threshold }),
                  let rough = residual[cursor...].firstIndex(where: { abs($0) > threshold }) else {
                onsets.append(nil)
                continue
            }
            let window = min(template.count, sampleRate / 20)
            var best: (onset: Int, error: Float)?
            for candidate in (rough - lead - search)...(rough - lead + search) {
                guard candidate >= 0, candidate + window <= residual.count else { continue }
                var error: Float = 0
                for index in 0..<window {
                    let difference = residual[candidate + index] - template[index]
                    error += difference * difference
                }
                if error < best?.error ?? .infinity { best = (candidate, error) }
            }
            guard let best else {
                onsets.append(nil)
                continue
            }
            let end = min(residual.count, best.onset + template.count)
            for index in best.onset..<end { residual[index] -= template[index - best.onset] }
            onsets.append(best.onset)
            cursor = best.onset + lead + 1
        }
        return Result(onsets: onsets, residualPeak: residual.reduce(0) { max($0, abs($1)) })
    }

    /// The same, for sounds as they are rendered and played (16-bit).
    public static func find(
        _ sequence: [[Int16]], in recording: [Float], threshold: Float = 0.004, search: Int = 48, sampleRate: Int = 48_000
    ) -> Result {
        find(sequence.map(floats), in: recording, threshold: threshold, search: search, sampleRate: sampleRate)
    }

    /// 16-bit samples as floats in [-1, 1], matching `WAVFile.quantize`.
    public static func floats(_ samples: [Int16]) -> [Float] {
        samples.map { Float($0) / 32767 }
    }
}
