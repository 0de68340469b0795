import TouchtimeAudio
import TouchtimeSystem

/// What the sound checks (`chime`, `say`) share: writing what they would play to a WAV file, and
/// the device, each failure one line and a documented exit status.
enum SoundCheck {
    /// Writes `samples` (48 kHz mono 16-bit) to `path`, or says why it cannot (exit 73).
    static func write(_ samples: [Int16], to path: String) throws {
        do throws(WAVFile.Failure) {
            try WAVFile.write(samples, sampleRate: ChimePlayer.sampleRate, to: path)
        } catch {
            throw CommandFailure(error.description, status: ExitStatus.cannotCreate)
        }
    }

    /// Opens `device` (on a thread of its own) and waits for its stream to run, or says why it
    /// cannot play (exit 69).
    static func open(_ device: String) async throws -> ChimePlayer {
        let opened = await DedicatedThread.result { Result { () throws(ALSAError) in try ChimePlayer(device: device) } }
        switch opened {
        case .success(let player):
            // Sound starts within a third of a second; a server that holds a new stream longer
            // is said to, so the silence is not taken for a fault.
            if await !player.ready(within: .milliseconds(300)) {
                reportError("preparing sound on '\(device)'...")
                _ = await player.ready()
            }
            return player
        case .failure(let error):
            let problem = SoundProblem(error, device: device, environment: Environment.variables)
            throw CommandFailure("\(problem.reason); fix: \(problem.fix)", status: ExitStatus.unavailable)
        }
    }

    /// Says so when the device was lost while playing (exit 69).
    static func checkNotLost(_ player: ChimePlayer) throws {
        if let failure = player.failure {
            throw CommandFailure("sound lost on '\(player.deviceName)': \(failure)", status: ExitStatus.unavailable)
        }
    }
}
