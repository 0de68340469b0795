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

    /// Sets a PCM's hardware parameters as every stream here wants them: 16-bit mono at
    /// `sampleRate`, interleaved, alsa-lib resampling when the device needs it; the period near
    /// `periodFrames`, the buffer at least `bufferFrames` and two periods. Returns the period.
    @discardableResult
    static func setHardwareParameters(_ pcm: OpaquePointer, sampleRate: Int, periodFrames: Int,
                                      bufferFrames: Int) throws(ALSAError) -> snd_pcm_uframes_t {
        var hw: OpaquePointer?
        try check(snd_pcm_hw_params_malloc(&hw), "snd_pcm_hw_params_malloc")
        guard let hw else { throw error(-ENOMEM, "snd_pcm_hw_params_malloc") }
        defer { snd_pcm_hw_params_free(hw) }
        try check(snd_pcm_hw_params_any(pcm, hw), "snd_pcm_hw_params_any")
        try check(snd_pcm_hw_params_set_rate_resample(pcm, hw, 1), "snd_pcm_hw_params_set_rate_resample")
        try check(snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED), "snd_pcm_hw_params_set_access")
        try check(snd_pcm_hw_params_set_format(pcm, hw, SND_PCM_FORMAT_S16_LE), "snd_pcm_hw_params_set_format")
        try check(snd_pcm_hw_params_set_channels(pcm, hw, 1), "snd_pcm_hw_params_set_channels")
        try check(snd_pcm_hw_params_set_rate(pcm, hw, UInt32(sampleRate), 0), "snd_pcm_hw_params_set_rate")
        var period = snd_pcm_uframes_t(periodFrames)
        var direction: Int32 = 0
        try check(snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, &direction), "snd_pcm_hw_params_set_period_size_near")
        var buffer = snd_pcm_uframes_t(max(bufferFrames, 2 * Int(period)))
        try check(snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer), "snd_pcm_hw_params_set_buffer_size_near")
        try check(snd_pcm_hw_params(pcm, hw), "snd_pcm_hw_params")
        return period
    }

    /// The plugin type ALSA's configuration gives the PCM `name` (`pulse`, `pipewire`, `plug`,
    /// `hw`, `file`...), with its hooks applied (the pulse plugin's makes `default` the pulse PCM
    /// while a pulse server answers); nil when the name is not defined. Opens nothing.
    static func pluginType(of name: String) -> String? {
        silenceLibraryMessages()
        guard snd_config_update() >= 0, let top = touchtime_alsa_config() else { return nil }
        var node: OpaquePointer?
        guard snd_config_search_definition(top, "pcm", name, &node) >= 0, let node else { return nil }
        defer { snd_config_delete(node) }
        var typeNode: OpaquePointer?
        var text: UnsafePointer<CChar>?
        guard snd_config_search(node, "type", &typeNode) >= 0, let typeNode,
              snd_config_get_string(typeNode, &text) >= 0, let text else { return nil }
        return String(cString: text)
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

/// What an opened ALSA PCM plays into (`snd_pcm_type` at its top).
public enum PCMKind: Sendable, Equatable {
    /// An external plugin: a sound server's (PulseAudio's `pulse`, PipeWire's `pipewire`).
    case externalPlugin
    /// A sound card, directly (`hw`) or through alsa-lib's own plugins (`plug`, `dmix`).
    case card
    /// ALSA's `file` plugin: written, never heard.
    case file
    /// ALSA's `null` plugin: discarded.
    case null
}

/// A playback PCM opened once, 16-bit mono at 48 kHz, interleaved.
final class PCMDevice {
    private let handle: OpaquePointer
    let name: String
    /// Times the device ran dry (the stream's queue emptied before the next write: a gap heard).
    private(set) var underruns = 0

    /// Opens `name` (such as `default`, `plughw:0,0` or `file:'/tmp/out.wav',wav`) for 16-bit mono
    /// at `sampleRate`, letting alsa-lib resample if the device needs it. The period is asked for
    /// explicitly (`periodFrames`, near): a sound server wakes the stream once a period, not at its
    /// own default of a few milliseconds. The buffer holds at least `bufferFrames`.
    init(name: String, sampleRate: Int, periodFrames: Int, bufferFrames: Int) throws(ALSAError) {
        ALSA.silenceLibraryMessages()
        var pcm: OpaquePointer?
        try ALSA.check(snd_pcm_open(&pcm, name, SND_PCM_STREAM_PLAYBACK, 0), "snd_pcm_open")
        guard let pcm else { throw ALSA.error(-EINVAL, "snd_pcm_open") }
        do {
            try Self.configure(pcm, sampleRate: sampleRate, periodFrames: periodFrames, bufferFrames: bufferFrames)
        } catch {
            snd_pcm_close(pcm)
            throw error
        }
        self.handle = pcm
        self.name = name
    }

    private static func configure(_ pcm: OpaquePointer, sampleRate: Int, periodFrames: Int, bufferFrames: Int) throws(ALSAError) {
        // At least two periods, and what the caller needs queued.
        let period = try ALSA.setHardwareParameters(pcm, sampleRate: sampleRate, periodFrames: periodFrames, bufferFrames: bufferFrames)

        var sw: OpaquePointer?
        try ALSA.check(snd_pcm_sw_params_malloc(&sw), "snd_pcm_sw_params_malloc")
        guard let sw else { throw ALSA.error(-ENOMEM, "snd_pcm_sw_params_malloc") }
        defer { snd_pcm_sw_params_free(sw) }
        try ALSA.check(snd_pcm_sw_params_current(pcm, sw), "snd_pcm_sw_params_current")
        // The stream starts with the first period written; a write wakes no sooner than a period's room.
        try ALSA.check(snd_pcm_sw_params_set_start_threshold(pcm, sw, period), "snd_pcm_sw_params_set_start_threshold")
        try ALSA.check(snd_pcm_sw_params_set_avail_min(pcm, sw, period), "snd_pcm_sw_params_set_avail_min")
        try ALSA.check(snd_pcm_sw_params(pcm, sw), "snd_pcm_sw_params")
    }

    /// Writes every frame, recovering from underruns and suspends; throws when the device is gone.
    func write(_ frames: UnsafeBufferPointer<Int16>) throws(ALSAError) {
        guard let base = frames.baseAddress else { return }
        var offset = 0
        while offset < frames.count {
            let written = snd_pcm_writei(handle, base + offset, snd_pcm_uframes_t(frames.count - offset))
            if written < 0 {
                // Underrun (-EPIPE), suspend (-ESTRPIPE), interrupted (-EINTR): recover and go on.
                if Int32(written) == -EPIPE { underruns += 1 }
                try ALSA.check(snd_pcm_recover(handle, Int32(written), 1), "snd_pcm_writei")
                continue
            }
            offset += written
        }
    }

    /// Whether the device plays in real time and so reports a meaningful delay. ALSA's `file`
    /// and `null` plugins do not; a sound server's stream reports none (0) while it prebuffers,
    /// which must not be taken for a device that never reports.
    var isRealTime: Bool {
        let type = snd_pcm_type(handle)
        return type != SND_PCM_TYPE_FILE && type != SND_PCM_TYPE_NULL
    }

    /// What the PCM is at its top: a sound server's or another external plugin (`pulse`,
    /// `pipewire`), ALSA's file or null plugin, or a card (directly, or through `plug`/`dmix`).
    var kind: PCMKind {
        switch snd_pcm_type(handle) {
        case SND_PCM_TYPE_IOPLUG, SND_PCM_TYPE_EXTPLUG: .externalPlugin
        case SND_PCM_TYPE_FILE: .file
        case SND_PCM_TYPE_NULL: .null
        default: .card
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

    /// Throws away what is queued and stops; `prepare` makes it ready to start again.
    func drop() {
        snd_pcm_drop(handle)
    }

    /// Makes a drained (or stopped) stream ready to start again with the next write.
    func prepare() {
        snd_pcm_prepare(handle)
    }

    func close() {
        snd_pcm_close(handle)
    }
}

/// A capture PCM opened once, 16-bit mono at the asked rate, interleaved: what `run --listen`
/// hears (`default`, or a sound server's source such as a null sink's monitor).
final class CaptureDevice {
    private let handle: OpaquePointer
    let name: String

    /// Opens `name` for capture at `sampleRate` (alsa-lib resamples when the device needs it),
    /// in periods of `periodFrames`.
    init(name: String, sampleRate: Int, periodFrames: Int) throws(ALSAError) {
        ALSA.silenceLibraryMessages()
        var pcm: OpaquePointer?
        try ALSA.check(snd_pcm_open(&pcm, name, SND_PCM_STREAM_CAPTURE, 0), "snd_pcm_open")
        guard let pcm else { throw ALSA.error(-EINVAL, "snd_pcm_open") }
        do throws(ALSAError) {
            // Eight periods of room: a slow reader loses nothing for two seconds.
            try ALSA.setHardwareParameters(pcm, sampleRate: sampleRate, periodFrames: periodFrames, bufferFrames: 8 * periodFrames)
            try ALSA.check(snd_pcm_start(pcm), "snd_pcm_start")
        } catch {
            snd_pcm_close(pcm)
            throw error
        }
        self.handle = pcm
        self.name = name
    }

    /// Reads up to `into.count` frames, waiting for them; recovers from an overrun (the frames
    /// lost are lost) and throws when the device is gone.
    func read(into frames: UnsafeMutableBufferPointer<Int16>) throws(ALSAError) -> Int {
        guard let base = frames.baseAddress else { return 0 }
        while true {
            let count = snd_pcm_readi(handle, base, snd_pcm_uframes_t(frames.count))
            if count >= 0 { return count }
            // Overrun (-EPIPE), suspend (-ESTRPIPE), interrupted (-EINTR): recover and read again.
            try ALSA.check(snd_pcm_recover(handle, Int32(count), 1), "snd_pcm_readi")
            try ALSA.check(snd_pcm_start(handle), "snd_pcm_start")
        }
    }

    func close() {
        snd_pcm_close(handle)
    }
}

