import TouchtimeCore
import TouchtimeSession

#if canImport(Glibc)
import Glibc
#endif

/// Where a session's events go as they happen: plain lines for people, JSON Lines for programs,
/// each through its own `OutputChannel`, so that neither can hold up or end the session.
struct SessionOutput: SessionLog {
    let timeline: Timeline
    let speed: Double
    /// Plain lines, or nil when the full screen or `--events -` has standard output.
    let plain: OutputChannel?
    let events: OutputChannel?

    func emit(_ stamped: StampedEvent) {
        write(EventRecord(event: stamped.event, elapsed: stamped.elapsed, wall: Self.wallNow()))
    }

    func emit(_ stamped: StampedReport) {
        write(EventRecord(report: stamped.report, elapsed: stamped.elapsed, wall: Self.wallNow()))
    }

    private func write(_ record: EventRecord) {
        events?.write(record.jsonLine(timeline: timeline, speed: speed) + "\n")
        if let line = record.plainLine(timeline: timeline) { plain?.write(line + "\n") }
    }

    var writesPlainLines: Bool { plain != nil }

    /// A plain line that is not an event (the lead-in, a reveal, a prompt).
    func note(_ line: String) {
        plain?.write(line + "\n")
    }

    /// Text for the user at the end (a practice's report), once the terminal is back: after the
    /// plain lines when there are some, on the terminal after the full screen, and on standard
    /// error when standard output carries only JSON.
    func report(_ text: String) {
        if let plain {
            plain.write(text)
        } else if events?.isStandardOutput == true {
            StandardStream.error.write(text)
        } else {
            StandardStream.output.write(text)
        }
    }

    /// Waits (bounded) for what is queued to be written, closes the files opened, and returns
    /// one line per stream that failed.
    func finish() async -> [String] {
        let channels = [plain, events].compactMap { $0 }
        for channel in channels {
            if await !channel.flush(timeout: .seconds(2)) {
                return channels.compactMap(\.problem) + ["\(channel.name): cannot write \(channel.role): the reader stopped reading; what it did not take is lost"]
            }
            await channel.close()
        }
        return channels.compactMap(\.problem)
    }

    static func wallNow() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return TimeText.iso8601(secondsSince1970: Int64(now.tv_sec), nanoseconds: Int64(now.tv_nsec))
    }
}
