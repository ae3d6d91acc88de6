import Common

/// What the poller reports for one request to one host. `hostIndex` indexes the inventory's
/// `hosts`; times are local wall-clock epoch seconds (latency from a monotonic clock).
struct PollResult: Sendable {
    let hostIndex: Int
    /// Local epoch seconds when the request was sent.
    let startedAt: Double
    let latencySecs: Double
    let outcome: PollOutcome
}

enum PollOutcome: Sendable {
    case response(status: Int, dateHeader: String?, body: [UInt8])
    case failed(PollFailure)
}

/// Why a poll failed, each case with the poller's own wording of what went wrong (shown to
/// the operator): the client connection's failures, and a name that did not resolve.
typealias PollFailure = ClientFailure
