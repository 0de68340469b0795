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

    /// Opens `device` (on a thread of its own), or says why it cannot play (exit 69). `waits`:
    /// and waits for its stream to run (what speech needs: a chime is played at once, see `heard`).
    static func open(_ device: String, waits: Bool = true) async throws -> ChimePlayer {
        let opened = await DedicatedThread.result { Result { () throws(ALSAError) in try ChimePlayer(device: device) } }
        switch opened {
        case .success(let player):
            if waits, await !player.ready(within: .milliseconds(300)) {
                preparing(device)
                _ = await player.ready()
            }
            return player
        case .failure(let error):
            let problem = SoundProblem(error, device: device, environment: Environment.variables)
            throw CommandFailure("\(problem.reason); fix: \(problem.fix)", status: ExitStatus.unavailable)
        }
    }

    /// Waits for the sound just handed over to be heard: sound starts within a third of a second;
    /// a server that holds a new stream longer is said to, so the silence is not taken for a fault.
    static func heard(_ player: ChimePlayer) async {
        if await !player.started(within: .milliseconds(300)) { preparing(player.deviceName) }
    }

    private static func preparing(_ device: String) {
        reportError("preparing sound on '\(device)'...")
    }

    /// Says so when the device was lost while playing (exit 69).
    static func checkNotLost(_ player: ChimePlayer) throws {
        if let failure = player.failure {
            throw CommandFailure("sound lost on '\(player.deviceName)': \(failure)", status: ExitStatus.unavailable)
        }
    }
}
