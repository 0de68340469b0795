import TouchtimeSystem
import SystemPackage
import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// Reads a foot pedal's Linux input events (`/dev/input/event*`, or a recording of them in a
/// file or a pipe) on a thread of its own and hands over what its presses and holds mean.
///
/// With `grab`, the device is taken for this program alone (`EVIOCGRAB`): its keys then reach
/// no other window (a pedal that types `b` would otherwise type into whatever has the focus).
/// A device that cannot be opened, or that goes away mid-session (unplugged), is one warning;
/// the keyboard goes on working.
enum PedalReader {
    /// `_IOW('E', 0x90, int)`: grab (1) or release (0) the device.
    static let grabRequest = UInt(0x4004_4590)
    /// `_IOR('E', 0x01, int)`: the input driver's version; only an input event device answers it.
    static let versionRequest = UInt(0x8004_4501)

    /// Starts reading; a device that cannot be opened is one warning, and nothing is read.
    static func start(_ pedal: PedalSettings, warn: @escaping @Sendable (String) -> Void,
                      _ handler: @escaping @Sendable (KeyAction) -> Void) {
        let descriptor = open(pedal.device, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let code = errno
            var reason = Errno.text(code)
            if code == EACCES {
                reason += " (join the 'input' group, or add a udev rule: see the README's \"Foot pedals\")"
            }
            warn("pedal '\(pedal.device)' cannot be read: \(reason); the keyboard still works")
            return
        }
        // A device must be an input event device (`/dev/zero` read as one spun a core at full speed);
        // a recording of events in a file or a pipe is read as it is.
        var status = stat()
        var version: Int32 = 0
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFCHR, ioctl(descriptor, versionRequest, &version) != 0 {
            close(descriptor)
            warn("pedal '\(pedal.device)' is not an input event device (expected /dev/input/event* or /dev/input/by-id/...-event-...); the keyboard still works")
            return
        }
        if pedal.grab, ioctl(descriptor, grabRequest, 1) != 0 {
            let code = errno
            // A recording in a file or a pipe cannot be grabbed, and needs no grab.
            if code != ENOTTY && code != EINVAL {
                warn("pedal '\(pedal.device)' could not be taken for touchtime alone: \(Errno.text(code)); its keys may also reach other windows")
            }
        }
        let box = InterpreterBox(pedal.interpreter)
        DedicatedThread.start(named: "touchtime.pedal") {
            defer { close(descriptor) }
            let clock = ContinuousClock()
            let epoch = clock.now
            var decoder = InputEventDecoder()
            var buffer = [UInt8](repeating: 0, count: InputEvent.size * 64)
            while true {
                let now = epoch.duration(to: clock.now)
                for action in box.interpreter.tick(at: now) { handler(action) }
                // Wake for input, or when a held key's hold falls due.
                let timeout = box.interpreter.nextHold.map { max(0, Int32(clamping: ($0 - now).milliseconds + 1)) } ?? -1
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let ready = poll(&poller, 1, timeout)
                if ready < 0, errno == EINTR { continue }
                if ready == 0 { continue }
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR || errno == EAGAIN { continue }
                guard count > 0 else {
                    // 0: the end of a recording; ENODEV: unplugged.
                    if count < 0 {
                        warn("pedal '\(pedal.device)' went away: \(Errno.text(errno)); the keyboard still works")
                    }
                    return
                }
                let arrival = epoch.duration(to: clock.now)
                for event in decoder.decode(Array(buffer[0..<count])) {
                    for action in box.interpreter.handle(event, arrival: arrival) { handler(action) }
                }
            }
        }
    }
}

/// The interpreter, owned by the pedal's thread alone.
private final class InterpreterBox: @unchecked Sendable {
    var interpreter: PedalInterpreter
    init(_ interpreter: PedalInterpreter) { self.interpreter = interpreter }
}
