import TouchtimeAudio

/// What the sound checks (`chime`, `say`) share: writing what they would play to a WAV file, and
/// the device, each failure one line and a documented exit status.
enum SoundCheck {
    /// Writes `samples` (48 kHz mono 16-bit) to `path`, or says why it cannot (exit 73).
    static func write(_ samples: [Int16], to path: String) throws {
        do {
            try WAVFile.write(samples, sampleRate: ChimePlayer.sampleRate, to: path)
        } catch {
            reportError(error.description)
            throw ExitStatus.cannotCreate
        }
    }

    /// Opens `device` and waits for its stream to run, or says why it cannot play (exit 69).
    static func open(_ device: String) throws -> ChimePlayer {
        let player: ChimePlayer
        do {
            player = try ChimePlayer(device: device)
        } catch {
            let problem = SoundProblem(error, device: device, environment: Environment.variables)
            reportError("\(problem.reason); fix: \(problem.fix)")
            throw ExitStatus.unavailable
        }
        player.waitUntilReady()
        return player
    }

    /// Says so when the device was lost while playing (exit 69).
    static func checkNotLost(_ player: ChimePlayer) throws {
        if let failure = player.failure {
            reportError("sound lost on '\(player.deviceName)': \(failure)")
            throw ExitStatus.unavailable
        }
    }
}
