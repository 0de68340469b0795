import TouchtimeAudio

#if canImport(Glibc)
import Glibc
#endif

extension ALSAError {
    /// Why `device` cannot play, in plain words, with alsa-lib's own reason in brackets: what a
    /// therapist reads when the session goes on without chimes, or a sound check fails.
    func plainReason(device: String) -> String {
        let detail = "ALSA '\(device)': \(self)"
        switch -code {
        case ENOENT, ENODEV, ENXIO:
            return device == "default"
                ? "no sound card or sound server found (\(detail))"
                : "no sound device called '\(device)' (\(detail); 'aplay -L' lists them)"
        case EBUSY:
            return "the sound device is busy: another program is using it (\(detail))"
        case EACCES, EPERM:
            return "no permission to use the sound device (\(detail); join the 'audio' group)"
        default:
            return "sound unavailable (\(detail))"
        }
    }
}
