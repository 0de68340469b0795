import Foundation
import Testing

/// The limits the README states, enforced with a clear message before anything is written.
@Suite struct LimitsEndToEndTests {
    /// 80 waits of 10 minutes: a guide of 13:20:11 made a 4.6 GB WAV whose header lied (its sizes
    /// wrapped: sox read 12:25:39). Now it is refused before a byte is written.
    @Test func aGuideLongerThanAWAVCanHoldIsRefusedBeforeWriting() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let phases = (0..<80).map { #"{"id": "p\#($0)", "title": "P", "cue": "c", "until": "press"}"# }.joined(separator: ",")
        let path = folder.appendingPathComponent("waits.json").path
        try #"{"format": "touchtime/1.1", "id": "waits", "title": "Waits", "phases": [\#(phases)]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("guide.wav").path
        let result = try BinaryRunner.run(["render", path, "--wait", "10m", "--out", out])
        #expect(result.status == 73)
        #expect(result.stderr == "touchtime: \(out): the guide would last up to 13:21:00, longer than the 12:25:39 a WAV file can hold "
                + "at 48 kHz mono 16-bit: give its 80 waits a shorter --wait\n")
        #expect(!FileManager.default.fileExists(atPath: out), "nothing was written")
        let shorter = try BinaryRunner.run(["render", path, "--wait", "1s", "--out", out])
        #expect(shorter.status == 0, "\(shorter.stderr)")
    }
}
