public import TouchtimeCore

/// The rendered chimes of a session, keyed by voice.
public enum ChimeBank {
    /// Every voice rendered, before the session starts.
    public static func render(_ voices: Set<ChimeVoice>) -> [ChimeVoice: [Float]] {
        var bank: [ChimeVoice: [Float]] = [:]
        for voice in voices { bank[voice] = ChimeSynthesizer.render(voice) }
        return bank
    }
}
