import Common

/// What the event derivation remembers about one host between two polls: enough to tell what
/// changed, and small (a few dozen bytes), because the dashboard keeps one per host.
struct HostObservation: Sendable, Equatable {
    var status: HostStatus = .pending
    /// Local time the current status began (nil while WAIT).
    var since: Double?
    /// The tasks (states, restart counts) of the last poll that decoded metadata; kept across
    /// failed polls so a recovery is compared with the state before the outage. The same array
    /// as that poll's sample holds (shared, not copied: one allocation a host, not two).
    var tasks: [TaskHealth] = []
    var skewSecs: Double?
    /// `started_epoch_secs` of the exporter at the last poll that decoded metadata.
    var exporterStartedAt: Double?
}

/// Thresholds of the event rules.
enum EventRules {
    /// A clock skew that moves by this much between two polls is an event: the Date header has
    /// one-second resolution, so smaller moves are noise.
    static let skewJumpSecs = 5.0
    /// Two exporter start times further apart than this mean the exporter restarted (the start
    /// time is a float the exporter sends; anything else is rounding).
    static let restartSlackSecs = 1.0
}

/// Turns the samples of one host into events: status transitions with their cause, tasks that
/// stop, come back or restart, exporter restarts and clock-skew jumps. Pure: the time of an
/// event is the time of the sample that showed it, so a replay gives the same events.
enum EventDerivation {
    /// What one poll tells about a host (the sample, plus the exporter's start time when the
    /// poll decoded metadata).
    struct Input: Sendable {
        let host: Int
        let sample: HostSample
        let exporterStartedAt: Double?

        init(host: Int, sample: HostSample, exporterStartedAt: Double? = nil) {
            self.host = host
            self.sample = sample
            self.exporterStartedAt = exporterStartedAt
        }
    }

    /// A whole sequence of samples, any hosts interleaved, in arrival order.
    static func events(_ inputs: [Input]) -> [FleetEvent] {
        var observations: [Int: HostObservation] = [:]
        var out: [FleetEvent] = []
        for input in inputs {
            let (next, event) = step(observations[input.host] ?? HostObservation(), input)
            observations[input.host] = next
            if let event { out.append(event) }
        }
        return out
    }

    /// One poll of one host: the observation to keep, and at most one event.
    static func step(_ old: HostObservation, _ input: Input) -> (HostObservation, FleetEvent?) {
        let sample = input.sample
        let now = sample.receivedAt
        var next = old
        if sample.status != old.status {
            next.status = sample.status
            next.since = now
        }

        var stops: [String] = []
        var others: [String] = []
        let decoded = !sample.tasks.isEmpty
        if decoded {
            let restarted = exporterRestarted(old.exporterStartedAt, input.exporterStartedAt)
            if restarted { others.append("exporter restarted") }
            // A restarted exporter starts every task afresh (and its counters at 0): the
            // restart says it all, so tasks are compared only within one run.
            for t in sample.tasks where !restarted {
                guard let before = old.tasks.first(where: { $0.task == t.task }) else { continue }
                let restarts = t.detail?.restarts
                let moreRestarts = (restarts ?? 0) > (before.detail?.restarts ?? 0)
                let name = t.task.rawValue
                switch (before.state == .inactive, t.state == .inactive) {
                case (false, true):
                    stops.append(name + " stopped" + (t.recentErrors.last.map { ": " + $0 } ?? ""))
                case (true, false):
                    others.append(moreRestarts ? "\(name) restarted (restarts \(restarts ?? 0))" : "\(name) running again")
                case (false, false) where moreRestarts:
                    others.append("\(name) restarted (restarts \(restarts ?? 0))")
                default:
                    break
                }
            }
            next.tasks = sample.tasks
            next.exporterStartedAt = input.exporterStartedAt ?? old.exporterStartedAt
        }

        var skewNote: String?
        if let skew = sample.skewSecs {
            if let before = old.skewSecs, abs(skew - before) >= EventRules.skewJumpSecs {
                skewNote = "clock skew jumped from \(DurationText.skew(before)) to \(DurationText.skew(skew))"
            }
            next.skewSecs = skew
        }

        let event: FleetEvent
        if sample.status != old.status {
            var cause: String
            if sample.status == .ok {
                if old.status == .pending {
                    cause = "first poll"
                } else {
                    cause = "recovered" + (old.since.map { " after " + DurationText.age(now - $0) + " " + old.status.label } ?? "")
                }
            } else {
                cause = sample.error ?? sample.status.label
            }
            // The new status's error already names a stopped task; the rest adds to it.
            let notes = others + (skewNote.map { [$0] } ?? [])
            if !notes.isEmpty { cause += "; " + notes.joined(separator: "; ") }
            event = make(input, from: old.status, kind: .status, cause: cause)
        } else if !stops.isEmpty || !others.isEmpty {
            let notes = stops + others + (skewNote.map { [$0] } ?? [])
            event = make(input, from: old.status, kind: .task, cause: notes.joined(separator: "; "))
        } else if let skewNote {
            event = make(input, from: old.status, kind: .skew, cause: skewNote)
        } else {
            return (next, nil)
        }
        return (next, event)
    }

    private static func exporterRestarted(_ before: Double?, _ now: Double?) -> Bool {
        guard let before, let now else { return false }
        return abs(now - before) > EventRules.restartSlackSecs
    }

    private static func make(_ input: Input, from: HostStatus, kind: EventKind, cause: String) -> FleetEvent {
        FleetEvent(time: input.sample.receivedAt, host: Int32(clamping: input.host), from: from, to: input.sample.status,
                   kind: kind, cause: RemoteText.clip(cause))
    }
}
