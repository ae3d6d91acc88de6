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

/// Each case carries the poller's own wording of what went wrong (shown to the operator).
enum PollFailure: Sendable, Equatable {
    case refused(String)
    case timeout(String)
    case tls(String)
    /// Closed during the TLS handshake without an alert: an exporter at its connection limit
    /// or shutting down, not a certificate problem.
    case closedDuringHandshake(String)
    case io(String)
    case protocolError(String)
    case resolve(String)
}
