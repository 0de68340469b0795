import CALSA
import Synchronization

/// An error from alsa-lib: which call failed, its negative code, and `snd_strerror`'s text.
public struct ALSAError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The C function, such as `snd_pcm_open`.
    public var function: String
    /// The negative errno-style code alsa-lib returned.
    public var code: Int32
    /// `snd_strerror(code)`.
    public var message: String

    public var description: String { "\(message.lowercased()) (\(function))" }
}

/// The one place that calls alsa-lib. Every `snd_*` result goes through `check`, which turns a
/// negative code into an `ALSAError`; alsa-lib's own stderr messages are silenced once, first.
enum ALSA {
    private static let silenced = Mutex(false)

    /// Installs the silent error handler (once): alsa-lib must never print its wall of
    /// "ALSA lib confmisc.c..." lines; callers report one line of their own.
    static func silenceLibraryMessages() {
        silenced.withLock { done in
            guard !done else { return }
            touchtime_alsa_silence_errors()
            done = true
        }
    }

    @discardableResult
    static func check(_ result: Int32, _ function: String) throws(ALSAError) -> Int32 {
        guard result < 0 else { return result }
        throw error(result, function)
    }

    static func error(_ code: Int32, _ function: String) -> ALSAError {
        ALSAError(function: function, code: code, message: String(cString: snd_strerror(code)))
    }
}

/// A playback PCM opened once, 16-bit mono at 48 kHz, interleaved.
final class PCMDevice {
    private let handle: OpaquePointer
    let name: String

    /// Opens `name` (such as `default`, `plughw:0,0` or `file:'/tmp/out.wav',wav`) with
    /// about `latency` of buffering, letting alsa-lib resample if the device needs it.
    init(name: String, sampleRate: Int, latencyMicroseconds: Int) throws(ALSAError) {
        ALSA.silenceLibraryMessages()
        var pcm: OpaquePointer?
        try ALSA.check(snd_pcm_open(&pcm, name, SND_PCM_STREAM_PLAYBACK, 0), "snd_pcm_open")
        guard let pcm else { throw ALSA.error(-EINVAL, "snd_pcm_open") }
        do {
            try ALSA.check(snd_pcm_set_params(pcm, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED,
                                              1, UInt32(sampleRate), 1, UInt32(latencyMicroseconds)),
                           "snd_pcm_set_params")
        } catch {
            snd_pcm_close(pcm)
            throw error
        }
        self.handle = pcm
        self.name = name
    }

    /// Writes every frame, recovering from underruns and suspends; throws when the device is gone.
    func write(_ frames: UnsafeBufferPointer<Int16>) throws(ALSAError) {
        guard let base = frames.baseAddress else { return }
        var offset = 0
        while offset < frames.count {
            let written = snd_pcm_writei(handle, base + offset, snd_pcm_uframes_t(frames.count - offset))
            if written < 0 {
                // Underrun (-EPIPE), suspend (-ESTRPIPE), interrupted (-EINTR): recover and go on.
                try ALSA.check(snd_pcm_recover(handle, Int32(written), 1), "snd_pcm_writei")
                continue
            }
            offset += written
        }
    }

    /// Frames queued ahead of the next one written (how long until it is heard), when known.
    func delay() -> Int? {
        var frames: snd_pcm_sframes_t = 0
        guard snd_pcm_delay(handle, &frames) >= 0 else { return nil }
        return frames
    }

    /// Lets what is queued play out.
    func drain() {
        snd_pcm_drain(handle)
    }

    func close() {
        snd_pcm_close(handle)
    }
}
