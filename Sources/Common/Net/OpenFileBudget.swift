/// How many descriptors a server needs for its connection cap, and what to do when the
/// open-files limit does not allow it: raise the soft limit as far as the cap needs (never
/// past the hard limit), or lower the cap to what fits. Pure: `OpenFileLimit` does the calls.
///
/// Without this, under the common soft limit of 1024, a server with a cap of 1024 connections
/// runs out of descriptors before it reaches its cap: `accept` fails with EMFILE and the tasks
/// cannot open /proc files.
public struct OpenFileBudget: Equatable, Sendable {
    /// Descriptors kept for everything but connections: listeners, epoll, eventfd, signalfd,
    /// stdio, the log file, the files the gather tasks read and the pipes of their child
    /// processes (a few each), with room to spare.
    public static let defaultHeadroom = 64
    /// Below this many connections the server is not worth running; the cap never goes lower.
    public static let minimumConnections = 16

    /// The soft limit to set (equal to the current one when nothing needs to change).
    public let softLimit: UInt64
    /// The connection cap that fits.
    public let connectionCap: Int
    /// Set when the cap had to be lowered: the line to log, naming both limits.
    public let warning: String?

    public static func plan(connectionCap cap: Int, soft: UInt64, hard: UInt64,
                            headroom: Int = defaultHeadroom) -> OpenFileBudget {
        let wanted = UInt64(max(cap, 0)) + UInt64(max(headroom, 0))
        if soft >= wanted { return OpenFileBudget(softLimit: soft, connectionCap: cap, warning: nil) }
        if hard >= wanted { return OpenFileBudget(softLimit: wanted, connectionCap: cap, warning: nil) }
        let fitting = hard > UInt64(headroom) ? Int(min(hard - UInt64(headroom), UInt64(Int32.max))) : 0
        let lowered = max(minimumConnections, fitting)
        let text = "the open-files limit (hard \(hard)) allows \(lowered) connections, not \(cap): "
            + "accepting at most \(lowered) (raise LimitNOFILE= or 'ulimit -Hn' to at least \(wanted))"
        return OpenFileBudget(softLimit: hard, connectionCap: lowered, warning: text)
    }
}
