/// What an `HTTPServer` has done since it started, for a metrics page. The server keeps it on
/// its loop thread (plain counters, no atomics); a delegate reads it on that same thread while
/// answering a request (`HTTPResponder.serverStatistics`).
public struct HTTPServerStatistics: Sendable, Equatable {
    /// Responses handed to connections, by status code (401s, 404s, 501s and parse errors included).
    public internal(set) var responsesByStatus: [Int: UInt64] = [:]
    /// Connections open when read.
    public internal(set) var openConnections = 0
    /// Connections refused at once: the connection cap, or the client address's share of it.
    public internal(set) var refusedConnections: UInt64 = 0
    /// Connections closed before finishing their handshake to make room for a new one.
    public internal(set) var evictedConnections: UInt64 = 0

    public init(responsesByStatus: [Int: UInt64] = [:], openConnections: Int = 0, refusedConnections: UInt64 = 0,
                evictedConnections: UInt64 = 0) {
        self.responsesByStatus = responsesByStatus
        self.openConnections = openConnections
        self.refusedConnections = refusedConnections
        self.evictedConnections = evictedConnections
    }

    mutating func countResponse(_ status: Int) { responsesByStatus[status, default: 0] &+= 1 }
}
