import Foundation
import Testing

/// What an odd environment does to a session's record and configuration: a record is never
/// dropped silently, refused places are refused before the session, and nothing is created that
/// the user did not ask for.
@Suite struct EnvironmentHardeningTests {
    private func session(_ environment: String, in folder: URL, extra: String = "") throws -> BinaryRunner.Result {
        try BinaryRunner.shell("""
            cd '\(folder.path)'
            env -i PATH="$PATH" \(environment) "$TOUCHTIME" run trainee-drill --plain --speed 1000 --lead-in 0 --no-sound \(extra)
            """)
    }

    /// With HOME unset a session ran, exited 0 and recorded nothing, silently. Now it is refused
    /// before it starts, with what to do; --no-history and --history still work.
    @Test func withoutHomeTheSessionIsRefusedBeforeItStarts() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let refused = try session("", in: folder)
        #expect(refused.status == 73)
        #expect(refused.stdout.isEmpty, "refused before the session")
        #expect(refused.stderr == "touchtime: no place for the history: neither HOME nor XDG_DATA_HOME is set; set one, "
                + "or pass --history FILE (or --no-history to record nothing)\n")
        #expect(try session("", in: folder, extra: "--no-history").status == 0)
        let recorded = try session("", in: folder, extra: "--history h.jsonl")
        #expect(recorded.status == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("h.jsonl").path))
    }

    /// HOME naming no folder: the session created that whole tree for its history. Now it is
    /// refused before it starts, and nothing is created.
    @Test func aHomeThatIsNotThereIsNeverCreated() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = folder.appendingPathComponent("missing/x").path
        let result = try session("HOME='\(home)'", in: folder)
        #expect(result.status == 73)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "touchtime: \(home)/.local/share/touchtime/history.jsonl: cannot write the history: \(home) does not "
                + "exist (HOME names no folder); record elsewhere with --history FILE, or not at all with --no-history\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("missing").path), "nothing was created")
        // A HOME that is there: its .local/share/touchtime is made, private.
        let real = folder.appendingPathComponent("home").path
        try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: true)
        #expect(try session("HOME='\(real)'", in: folder).status == 0)
        #expect(FileManager.default.fileExists(atPath: real + "/.local/share/touchtime/history.jsonl"))
    }

    /// XDG_DATA_HOME naming a file: the session ran to its end, then exited 74 without its record.
    /// Now it is refused first (73).
    @Test func aDataHomeThatIsAFileIsRefusedFirst() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("plain-file").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try session("HOME='\(folder.path)' XDG_DATA_HOME='\(file)'", in: folder)
        #expect(result.status == 73)
        #expect(result.stdout.isEmpty, "refused before the session")
        #expect(result.stderr == "touchtime: \(file)/touchtime/history.jsonl: cannot write the history: \(file) is not a folder "
                + "(XDG_DATA_HOME or HOME must name one); record elsewhere with --history FILE, or not at all with --no-history\n")
    }

    /// XDG_CONFIG_HOME naming a file made every command that reads the configuration exit 78. A
    /// configuration that cannot be there is no configuration: the defaults apply.
    @Test func aConfigHomeThatIsAFileMeansTheDefaults() throws {
        let folder = try BinaryRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("plain-file").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let config = try BinaryRunner.run(["config"], environment: ["XDG_CONFIG_HOME": file])
        #expect(config.status == 0, "\(config.stderr)")
        #expect(config.stdout.split(separator: "\n").contains { $0.hasPrefix("volume ") && $0.hasSuffix(" default") })
        let run = try BinaryRunner.run(["run", "trainee-drill", "--plain", "--speed", "1000", "--lead-in", "0", "--no-sound", "--no-history"],
                                       environment: ["XDG_CONFIG_HOME": file])
        #expect(run.status == 0, "\(run.stderr)")
    }

    /// `config` printed the configuration's path raw: an ESC in XDG_CONFIG_HOME reached the terminal.
    @Test func configShowsItsPathAsText() throws {
        let result = try BinaryRunner.run(["config"], environment: ["XDG_CONFIG_HOME": "/tmp/a\u{1B}[2Jb"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("\u{1B}"))
        #expect(result.stdout.hasPrefix(#"configuration  /tmp/a\u{1B}[2Jb/touchtime/config.json"#))
    }

    /// `new` run from a build folder writes the schema beside the user's protocols: a symbolic link
    /// there was written through (what it pointed to was replaced). Now the link itself is replaced.
    @Test func newNeverWritesTheSchemaThroughALink() throws {
        let place = AuthoringEndToEndTests.Place(folder: try BinaryRunner.temporaryFolder())
        defer { try? FileManager.default.removeItem(at: place.folder) }
        try FileManager.default.createDirectory(atPath: place.protocols, withIntermediateDirectories: true)
        let victim = place.path("victim.txt")
        try "someone else's file\n".write(toFile: victim, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: place.protocols + "/touchtime.schema.json", withDestinationPath: victim)
        let result = try place.run(["new", "mine"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(place.read(victim) == "someone else's file\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: place.protocols + "/touchtime.schema.json")
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect(place.read(place.protocols + "/touchtime.schema.json") == AuthoringEndToEndTests.schemaText)
    }

    /// A signal before the session began printed `-00:00.239  session-end  ended early`.
    @Test func aSignalInTheLeadInSaysTheSessionNeverBegan() throws {
        let result = try BinaryRunner.run(["run", "trainee-drill", "--plain", "--lead-in", "5", "--no-sound", "--no-history"]) { process in
            Thread.sleep(forTimeInterval: 1)
            kill(process.processIdentifier, SIGTERM)
        }
        #expect(result.status == 143)
        #expect(result.lines.last?.hasSuffix("session-end     ended before it began") == true, "\(result.stdout)")
    }
}
