import Foundation
import Testing

/// What hostile input on the keys or a wrong pedal device does to a session: never a dead
/// keyboard, never a core spun.
@Suite(.serialized) struct InputHardeningTests {
    /// `ESC [` never ended, then 2 MB of parameter bytes (a paste, a pipe), then a pause and `qq`:
    /// the quit took 36 s of CPU before; now it acts at once.
    @Test func anEndlessEscapeSequenceNeverDeadensTheKeys() throws {
        let started = Date()
        let result = try BinaryRunner.shell("""
            { printf '\\033['; head -c 2097152 /dev/zero | tr '\\0' '1'; sleep 1; printf qq; } \
              | "$TOUCHTIME" run trainee-drill --plain --lead-in 0 --no-sound --no-history
            """, timeout: 60)
        #expect(Date().timeIntervalSince(started) < 10, "the quit acted at once")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("quit"))
        #expect(result.stdout.contains("session-end     ended early"))
    }

    /// `--pedal /dev/zero` span the pedal's thread at a full core with no word; now it is refused
    /// with one warning and the keyboard works.
    @Test func aPedalThatIsNoInputDeviceIsOneWarning() throws {
        let result = try BinaryRunner.runPressing(["run", "trainee-drill", "--plain", "--lead-in", "0", "--no-sound", "--no-history",
                                                   "--pedal", "/dev/zero"], at: [1.5], key: "q", then: "q")
        #expect(result.status == 0)
        #expect(result.stderr == "touchtime: pedal '/dev/zero' is not an input event device "
                + "(expected /dev/input/event* or /dev/input/by-id/...-event-...); the keyboard still works\n")
        #expect(result.stdout.contains("session-end     ended early"))
    }
}
