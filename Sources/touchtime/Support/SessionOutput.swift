import TouchtimeCore

#if canImport(Glibc)
import Glibc
#endif

/// Writes a session's events as they happen: plain lines for people, JSON Lines for programs.
struct SessionOutput: Sendable {
    let timeline: Timeline
    let speed: Double
    /// Plain lines, or nil when standard output carries the JSON Lines instead.
    let plain: StandardStream?
    let events: StandardStream?

    func emit(_ stamped: SessionRunner<ContinuousClock>.Stamped) {
        let record = EventRecord(event: stamped.event, elapsed: stamped.elapsed, wall: Self.wallNow())
        events?.write(record.jsonLine(timeline: timeline, speed: speed) + "\n")
        if let line = record.plainLine(timeline: timeline) { plain?.write(line + "\n") }
    }

    /// A plain line before the session starts, such as the lead-in countdown.
    func note(_ line: String) {
        plain?.write(line + "\n")
    }

    static func wallNow() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return TimeText.iso8601(secondsSince1970: Int64(now.tv_sec), nanoseconds: Int64(now.tv_nsec))
    }
}
