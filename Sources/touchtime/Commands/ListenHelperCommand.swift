import ArgumentParser
import TouchtimeAudio
import TouchtimeCore

/// The listening helper a session runs (`Listener`): loads the keyword spotter and reads the
/// capture device apart from the session, so that a damaged model can take down only this
/// process. Not for people: hidden from the help.
struct ListenHelperCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "_listen", shouldDisplay: false)

    @Option var device: String?
    @Option var model: String = KeywordSpotter.modelDirectory
    @Option var folder: String?
    @Option var threshold: [String] = []
    @Flag var check = false

    func run() throws {
        var thresholds: [VoiceCommand: Double] = [:]
        for given in threshold {
            let parts = given.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let command = VoiceCommand(phrase: String(parts[0])), let value = Double(parts[1]),
                  VoiceCommand.thresholdRange.contains(value) else {
                throw ValidationError("--threshold takes PHRASE=VALUE, such as 'timer next=1e-20'")
            }
            thresholds[command] = value
        }
        let status = ListeningHelper.run(device: device, thresholds: thresholds, modelDirectory: model, folder: folder, check: check)
        if status != 0 { throw ExitCode(status) }
    }
}
