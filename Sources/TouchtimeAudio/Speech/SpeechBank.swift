public import TouchtimeCore

/// Every prompt of a session rendered before it starts (about 30 ms an utterance), with the
/// protocol's voice options and the command line's volume.
public enum SpeechBank {
    public static func render(_ plan: SpeechPlan, volume: Int = 100) throws(SpeechError) -> [String: [Int16]] {
        let options = plan.options
        let level = Int((Double(volume) * Double(options.volume) / 100).rounded())
        var bank: [String: [Int16]] = [:]
        for text in plan.texts.sorted() {
            bank[text] = try SpeechSynthesizer.render(text, language: options.language, rate: options.rate, volume: level)
        }
        return bank
    }
}
