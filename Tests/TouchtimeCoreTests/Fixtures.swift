import Foundation
@testable import TouchtimeCore

/// Paths and helpers shared by the tests.
enum Fixtures {
    /// The package's root folder, found from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let protocolsFolder = packageRoot.appendingPathComponent("Protocols")

    static var bundledFiles: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: protocolsFolder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "json" && !$0.lastPathComponent.contains("schema") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Decodes protocol text, returning the problem lines (empty when valid).
    static func problems(_ text: String, file: String = "t.json") -> [String] {
        do {
            _ = try ProtocolLoader.decode(Array(text.utf8), file: file)
            return []
        } catch {
            return error.lines
        }
    }

    static func load(_ text: String) throws -> TreatmentProtocol {
        try ProtocolLoader.decode(Array(text.utf8), file: "t.json")
    }

    /// A valid protocol document with the given phases JSON.
    static func document(phases: String, extra: String = "") -> String {
        """
        {"format": "touchtime/1", "id": "test", "title": "Test"\(extra), "phases": \(phases)}
        """
    }

    /// A small protocol built in code: durations in seconds.
    static func treatment(_ phases: [Phase]) -> TreatmentProtocol {
        TreatmentProtocol(id: "test", title: "Test", phases: phases)
    }

    static func phase(_ id: String, _ seconds: Int, kind: Phase.Kind = .massage, after: Int? = nil) -> Phase {
        Phase(id: id, title: id.capitalized, cue: "Do \(id).", kind: kind, body: .duration(.seconds(seconds)),
              stillnessAfter: after.map { .seconds($0) })
    }

    static func stepsPhase(_ id: String, _ seconds: [Int], between: Int? = nil) -> Phase {
        Phase(id: id, title: id.capitalized, cue: "Do \(id).",
              body: .steps(seconds.enumerated().map { Step(title: "S\($0.offset + 1)", cue: "Step \($0.offset + 1).", duration: .seconds($0.element)) }),
              stillnessBetweenSteps: between.map { .seconds($0) })
    }
}
