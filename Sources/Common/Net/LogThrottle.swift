/// Lets one event through per interval and counts what it held back, so a log line a peer
/// can trigger at will (connection refused at the limit, out of descriptors) costs at most one
/// line per interval. Pure: the caller passes the monotonic time.
public struct LogThrottle: Sendable {
    public let intervalNanos: UInt64
    private var lastLogged: UInt64?
    private var suppressed = 0

    public init(intervalSecs: Double) { intervalNanos = Clock.nanos(fromSeconds: intervalSecs) }

    /// The number of events held back since the last one let through, or nil to stay quiet.
    public mutating func shouldLog(now: UInt64) -> Int? {
        if let last = lastLogged, now &- last < intervalNanos {
            suppressed += 1
            return nil
        }
        lastLogged = now
        defer { suppressed = 0 }
        return suppressed
    }
}
