/// The protocols compiled into the binary, so `touchtime run` works from any folder.
///
/// The bytes come from `Protocols/*.json` through SwiftPM's `embedInCode` (the files in
/// `Sources/TouchtimeCore/Bundled` are symlinks), so there is one copy of each protocol.
public enum BundledProtocols {
    /// The protocol `touchtime run` uses when none is named.
    public static let defaultID = "neurotouch-symmetry"

    /// (id, file contents), in the order `touchtime list` shows them.
    public static let files: [(id: String, bytes: [UInt8])] = [
        ("neurotouch-symmetry", PackageResources.neurotouch_symmetry_json),
        ("neurotouch-express", PackageResources.neurotouch_express_json),
        ("trainee-drill", PackageResources.trainee_drill_json),
    ]

    /// `Protocols/touchtime.schema.json`, for an installation without its share folder: `new`
    /// writes it beside the user's protocols so an editor can check them.
    public static let schema: [UInt8] = PackageResources.touchtime_schema_json

    /// The bytes of a bundled protocol by id.
    public static func bytes(for id: String) -> [UInt8]? {
        files.first { $0.id == id }?.bytes
    }

    /// The name used for a bundled protocol in messages.
    public static func displayName(for id: String) -> String {
        "<bundled>/\(id).json"
    }

    /// Loads a bundled protocol; a bundled file that fails to load is reported like any other.
    public static func load(_ id: String) throws(ProtocolLoadError) -> TreatmentProtocol? {
        guard let bytes = bytes(for: id) else { return nil }
        return try ProtocolLoader.decode(bytes, file: displayName(for: id))
    }
}
