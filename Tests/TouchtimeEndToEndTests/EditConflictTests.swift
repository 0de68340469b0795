import Foundation
import Testing

/// `edit` when something else happens meanwhile: another edit of the same file, or a signal to
/// touchtime while the editor runs. No edit is ever lost, and nothing is left running or behind.
@Suite struct EditConflictTests {
    private typealias Place = AuthoringEndToEndTests.Place

    /// Two edits of one file at once both said "saved", and the first to finish was silently lost.
    /// Now the second to save finds the file changed: the first one's version stays, the second's
    /// is kept beside it, and it says so (exit 75).
    @Test func twoEditsAtOnceNeverLoseOne() throws {
        let place = Place(folder: try BinaryRunner.temporaryFolder())
        defer { try? FileManager.default.removeItem(at: place.folder) }
        #expect(try place.run(["new", "mine"]).status == 0)
        let path = place.protocols + "/mine.json"
        let slow = try place.editor("slow", #"sed -i 's/"title": "NeuroTouch Symmetry Serum ritual"/"title": "Slow edit"/' "$1"; sleep 2"#)
        let quick = try place.editor("quick", #"sed -i 's/"title": "NeuroTouch Symmetry Serum ritual"/"title": "Quick edit"/' "$1""#)
        try FileManager.default.createDirectory(atPath: place.scratch, withIntermediateDirectories: true)
        let result = try BinaryRunner.shell("""
            cd '\(place.folder.path)'
            export XDG_CONFIG_HOME='\(place.config)' TMPDIR='\(place.scratch)' VISUAL=
            EDITOR='\(slow)' "$TOUCHTIME" edit mine > slow.out 2> slow.err & slow=$!
            sleep 0.5
            EDITOR='\(quick)' "$TOUCHTIME" edit mine > quick.out 2> quick.err
            echo "quick $?"
            wait $slow
            echo "slow $?"
            """)
        #expect(result.stdout == "quick 0\nslow 75\n", "\(result.stdout) \(place.read(place.path("slow.err")))")
        #expect(place.read(place.path("quick.out")) == "\(path): saved (5 phases, 7:15)\n")
        #expect(place.read(path).contains(#""title": "Quick edit""#), "the first saved stays")
        let kept = try FileManager.default.contentsOfDirectory(atPath: place.protocols).filter { $0.hasPrefix("mine.json.edited-") }
        #expect(kept.count == 1)
        let keptPath = place.protocols + "/" + (kept.first ?? "")
        #expect(place.read(keptPath).contains(#""title": "Slow edit""#), "the second is kept beside it")
        #expect(place.read(place.path("slow.err")) == "touchtime: \(path) changed while you edited it (another edit or program saved "
                + "it first): it is left as that one saved it, and your version is kept as \(keptPath); compare them "
                + "(diff -u \(path) \(keptPath)) and edit again\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: place.scratch).isEmpty, "no copy left in the scratch folder")
        // `list` reads protocols only: the kept file is none.
        let list = try place.run(["list"])
        #expect(!list.stdout.contains("edited"), "\(list.stdout)")
    }

    /// SIGTERM or SIGHUP to touchtime while the editor runs ended touchtime at once, leaving the editor
    /// running and its copy in /tmp (SIGTERM), or was held until the editor ended and then saved
    /// (SIGHUP). Now the signal is passed on to the editor, nothing is saved, what the editor had
    /// written is kept beside the file, and touchtime ends with 128 + the signal.
    @Test(arguments: [("TERM", 143), ("HUP", 129)])
    func aSignalWhileEditingIsPassedOnAndNothingIsLost(signal: String, status: Int) throws {
        let place = Place(folder: try BinaryRunner.temporaryFolder())
        defer { try? FileManager.default.removeItem(at: place.folder) }
        #expect(try place.run(["new", "mine"]).status == 0)
        let path = place.protocols + "/mine.json"
        let before = place.read(path)
        let editor = try place.editor("typing", #"sed -i 's/"title": "NeuroTouch Symmetry Serum ritual"/"title": "Half done"/' "$1"; exec sleep 30"#)
        try FileManager.default.createDirectory(atPath: place.scratch, withIntermediateDirectories: true)
        let mark = UUID().uuidString
        let started = Date()
        let result = try BinaryRunner.shell("""
            cd '\(place.folder.path)'
            export XDG_CONFIG_HOME='\(place.config)' TMPDIR='\(place.scratch)' VISUAL= EDITOR='\(editor)' TOUCHTIME_TEST_MARK=\(mark)
            "$TOUCHTIME" edit mine 2> edit.err & edit=$!
            sleep 1
            kill -\(signal) $edit
            wait $edit
            echo "status $?"
            """)
        #expect(Date().timeIntervalSince(started) < 10, "ended at once, not after the editor's 30 s")
        #expect(result.stdout == "status \(status)\n")
        #expect(place.read(path) == before, "nothing was saved")
        let kept = try FileManager.default.contentsOfDirectory(atPath: place.protocols).filter { $0.hasPrefix("mine.json.edited-") }
        #expect(kept.count == 1)
        let keptPath = place.protocols + "/" + (kept.first ?? "")
        #expect(place.read(keptPath).contains(#""title": "Half done""#))
        #expect(place.read(place.path("edit.err")) == "touchtime: ended by SIG\(signal) while editing: \(path) is unchanged; "
                + "what the editor had saved is kept as \(keptPath)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: place.scratch).isEmpty, "no copy left in the scratch folder")
        #expect(HelperHardeningTests.survivors(mark).isEmpty, "the editor was ended too")
    }
}
