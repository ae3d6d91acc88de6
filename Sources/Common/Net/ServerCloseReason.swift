/// Why the server closed a connection: given to the delegate (`connectionClosed`) so the
/// daemon can log what a client did, without the server deciding what is worth a log line.
public enum ServerCloseReason: Sendable, Hashable, CustomStringConvertible {
    /// Which deadline expired.
    public enum Deadline: Sendable, Hashable {
        /// The TLS handshake did not finish in time.
        case handshake
        /// A request (from connecting, or from its first byte, until its answer is written) did
        /// not complete in time: a silent or slow (slowloris) client, or one that does not read.
        case request
        /// A kept-alive connection stayed idle.
        case idle
    }

    case timedOut(Deadline, seconds: Double)
    /// The TLS handshake failed (OpenSSL's reason: a plain-HTTP client, no shared cipher, ...).
    case handshakeFailed(String)
    /// The client closed or reset the connection.
    case peerClosed
    /// The response said `Connection: close` (the client asked for it, or it answered an error).
    case closeAfterResponse
    /// The server is shutting down.
    case shutdown
    /// The connection table was full and this connection had not finished its handshake: it
    /// made room for a newer one.
    case evicted
    /// Reading or writing failed.
    case ioFailed(String)

    public var description: String {
        switch self {
        case .timedOut(.handshake, let s): return "no TLS handshake within \(DecimalText.seconds(s)) s"
        case .timedOut(.request, let s): return "request not completed within \(DecimalText.seconds(s)) s"
        case .timedOut(.idle, let s): return "idle for \(DecimalText.seconds(s)) s"
        case .handshakeFailed(let why): return "TLS handshake failed: \(why)"
        case .peerClosed: return "closed by the client"
        case .closeAfterResponse: return "closed after the response"
        case .shutdown: return "server shutting down"
        case .evicted: return "evicted at the connection limit before finishing its TLS handshake"
        case .ioFailed(let why): return why
        }
    }
}
