import TouchtimeAudio

#if canImport(Glibc)
import Glibc
#endif

/// Why a device cannot play, in plain words with alsa-lib's own reason in brackets, and what to
/// do about it: one place for what a session warns (`reason`), what a sound check reports and
/// what `doctor` says (`reason; fix: fix`).
struct SoundProblem {
    var reason: String
    var fix: String

    init(_ error: ALSAError, device: String, environment: [String: String]) {
        let detail = "ALSA '\(device)': \(error)"
        let runtime = environment["XDG_RUNTIME_DIR"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        if device == "pipewire", !(runtime.map { Self.isSocket($0 + "/pipewire-0") } ?? false) {
            // PipeWire's own ALSA device with no PipeWire to talk to (PulseAudio's may be there).
            reason = "PipeWire is not running, and ALSA 'pipewire' plays only through it (\(error))"
            fix = Self.soundServer(environment) == "PulseAudio" ? "leave --device out: 'default' plays through PulseAudio"
                : "start PipeWire (systemctl --user start pipewire pipewire-pulse wireplumber), or leave --device out"
            return
        }
        switch -error.code {
        case ENOENT where device != "default", ENODEV where device != "default", ENXIO where device != "default":
            // A name with arguments (hw:7,7) is a kind ALSA knows, naming a card that is not there.
            if device.contains(":") {
                reason = "ALSA '\(device)' names no card that is there (\(error))"
                fix = "name one that 'aplay -l' lists, as plughw:CARD,DEVICE, or leave --device out"
            } else {
                reason = "ALSA has no device named '\(device)' (\(error))"
                fix = "name one that 'aplay -L' lists, such as default or plughw:0,0, or leave --device out"
            }
        case EBUSY:
            reason = "the sound device is busy: another program is using it (\(detail))"
            fix = "close the other program, or name another device with --device"
        case EACCES, EPERM:
            reason = "no permission to use the sound device (\(detail))"
            fix = "join the 'audio' group (sudo usermod -aG audio $USER, then log in again)"
        default:
            if let server = Self.soundServer(environment) {
                reason = "\(detail), though a \(server) socket is there"
                fix = "restart \(server), or name a card with --device plughw:0,0"
            } else if !Self.hasCard {
                reason = "no sound card or sound server found (\(detail))"
                fix = "install and start PulseAudio or PipeWire, or name a card with --device plughw:0,0"
            } else {
                reason = detail
                fix = "name a device that 'aplay -L' lists with --device, such as plughw:0,0"
            }
        }
    }

    /// The sound server whose socket is in $XDG_RUNTIME_DIR: PipeWire (which may also answer on
    /// PulseAudio's socket, through pipewire-pulse), else PulseAudio; nil when neither.
    static func soundServer(_ environment: [String: String]) -> String? {
        guard let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") else { return nil }
        if isSocket(runtime + "/pipewire-0") { return "PipeWire" }
        if isSocket(runtime + "/pulse/native") || environment["PULSE_SERVER"]?.isEmpty == false { return "PulseAudio" }
        return nil
    }

    static func isSocket(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFSOCK
    }

    /// Whether the kernel knows a sound card (each is a folder /proc/asound/cardN).
    static var hasCard: Bool {
        var status = stat()
        return (0..<32).contains { stat("/proc/asound/card\($0)", &status) == 0 }
    }
}
