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

    /// A partial start, and where a session that did not complete stopped (what a resume needs).
    public func record(_ final: SessionEngine, into entry: inout HistoryEntry) {
        let timeline = final.timeline
        if final.startIndex != 0 || final.startOffset > .zero {
            entry.startedAt = HistoryEntry.Place(identity: .init(timeline, index: final.startIndex), offset: final.startOffset)
        }
        if let position = final.stoppedPosition, timeline.segments.indices.contains(final.currentIndex) {
            let segment = timeline.segments[final.currentIndex]
            entry.stoppedAt = HistoryEntry.Place(identity: .init(timeline, index: final.currentIndex),
                                                 offset: min(max(position - segment.plannedStart, .zero), segment.plannedDuration))
        }
    }
}
