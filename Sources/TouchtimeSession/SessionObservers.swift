import Synchronization
import TouchtimeCore

/// The one fan-out of a session: every event and report, in order, to each observer in turn (the
/// log, the tally, the start's bookkeeping, the sound and the listening it quiets, the mode). A
/// new capability is a new observer here, not another branch in a long closure.
struct SessionObservers<Mode: SessionMode, C: Clock & Sendable> where C.Duration == Duration, C.Instant: Sendable {
    let context: SessionContext<Mode, C>
    let start: C.Instant
    let inputs: any SessionInputs

    func observe(_ record: SessionRecord) {
        write(record)
        guard case .event(let stamped) = record else { return }
        count(stamped)
        bookkeep(stamped)
        sound(stamped)
        context.mode.observe(stamped, log: context.parts.log, reveal: context.parts.screen.reveal)
    }

    /// The log: plain lines and events.
    private func write(_ record: SessionRecord) {
        switch record {
        case .event(let stamped): context.parts.log.emit(stamped)
        case .report(let stamped): context.parts.log.emit(stamped)
        }
    }

    /// The tally: pauses, skips, extensions, the end (the summary and the record).
    private func count(_ stamped: StampedEvent) {
        context.shared.withLock { $0.tally.record(stamped.event, elapsed: stamped.elapsed) }
    }

    /// The session's start on the wall clock; sound that could not be had, reported as it starts;
    /// muting.
    private func bookkeep(_ stamped: StampedEvent) {
        switch stamped.event.kind {
        case .sessionStart:
            let (unavailable, trouble) = context.shared.withLock { shared -> (String?, [String]) in
                shared.startedWall = context.parts.wallNow()
                defer { shared.troubleAtStart.removeAll() }
                return (shared.unavailableAtStart, shared.troubleAtStart)
            }
            if let unavailable {
                write(.report(StampedReport(report: SessionReport(kind: .audioUnavailable(reason: unavailable), planned: .zero),
                                            elapsed: stamped.elapsed)))
            }
            for reason in trouble {
                write(.report(StampedReport(report: SessionReport(kind: .audioTrouble(reason: reason), planned: .zero),
                                            elapsed: stamped.elapsed)))
            }
        case .muted(let muted):
            context.sound?.setMuted(muted)
        default:
            break
        }
    }

    /// The sound: what the event sounds plays (at once if it was not predicted), is reported, and
    /// quiets listening while it is loud (touchtime's own voice never commands it).
    private func sound(_ stamped: StampedEvent) {
        guard let sound = context.sound else { return }
        let (reports, loud) = sound.sound(stamped.event, start: start)
        guard !reports.isEmpty else { return }
        inputs.quiet(for: loud)
        for report in reports { write(.report(StampedReport(report: report, elapsed: stamped.elapsed))) }
    }
}
