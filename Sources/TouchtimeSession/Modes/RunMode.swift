public import TouchtimeCore

/// A guided session: the engine with the full set of keys, its sound, and the summary screen.
public struct RunMode: SessionMode {
    public let model: SessionEngine
    public let hasSound: Bool

    public init(model: SessionEngine, hasSound: Bool) {
        self.model = model
        self.hasSound = hasSound
    }

    public var historyMode: HistoryEntry.Mode { .run }
    public var controls: KeyController.Mode { .session }
    public var showsSummary: Bool { true }
    /// A script or a pedal daemon may drive a session through a pipe: `(sleep 1; printf n) | touchtime run --plain`.
    public var keysFromPipe: Bool { true }
    public var keysFromFile: Bool { false }
}
