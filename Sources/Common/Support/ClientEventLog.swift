import Synchronization

/// What a client did that is worth a log line. Each kind is rate-limited on its own, so a flood
/// of one kind cannot hide another.
public enum ClientEventKind: String, Sendable, CaseIterable {
    case badRequest = "400 Bad Request"
    case unauthorized = "401 Unauthorized"
    case contentTooLarge = "413 Content Too Large"
    case uriTooLong = "414 URI Too Long"
    case headerFieldsTooLarge = "431 Request Header Fields Too Large"
    case notImplemented = "501 Not Implemented"
    case versionNotSupported = "505 HTTP Version Not Supported"
    /// The HTTP server's own lines about connections, one kind each so that a flood of one
    /// (say, refusals from one address) cannot hide another (running out of descriptors).
    case connectionRefused = "connection refused"
    case connectionEvicted = "connection evicted"
    case outOfDescriptors = "out of descriptors"
    case acceptFailed = "accept failed"
    /// Connections the server closed because of what the client did (or did not) send.
    case handshakeFailed = "TLS handshake failed"
    case timedOut = "timed out"

    /// Refusals that lock clients out are warnings; a single bad request is routine noise.
    public var level: LogLevel {
        switch self {
        case .unauthorized, .connectionRefused, .connectionEvicted, .outOfDescriptors, .acceptFailed: return .warning
        default: return .info
        }
    }

    /// The kind for an error status the server answered with; nil for statuses never logged.
    public init?(status: Int) {
        switch status {
        case 400: self = .badRequest
        case 401: self = .unauthorized
        case 413: self = .contentTooLarge
        case 414: self = .uriTooLong
        case 431: self = .headerFieldsTooLarge
        case 501: self = .notImplemented
        case 505: self = .versionNotSupported
        default: return nil
        }
    }
}

/// The way every line about a client reaches the log: each piece a client controls is escaped
/// and bounded by `UntrustedText` (exactly once), and each kind is rate-limited with a count of
/// what was held back. Callers pass raw text and never header values.
public final class ClientEventLog: Sendable {
    /// Bounds per piece, so a line stays under about 600 bytes whatever the client sent.
    public static let maxMethod = 24
    public static let maxTarget = 120
    public static let maxDetail = 240
    public static let maxPeer = 64

    private let logger: Logger
    private let limiter: Mutex<LogRateLimiter<ClientEventKind>>
    private let clock: @Sendable () -> UInt64

    /// `burst` lines per kind per `intervalSecs`; `clock` gives monotonic nanoseconds.
    public init(logger: Logger, intervalSecs: Double = 60, burst: Int = 5,
                clock: @escaping @Sendable () -> UInt64 = { Clock.monotonicNanos() }) {
        self.logger = logger
        self.limiter = Mutex(LogRateLimiter(intervalNanos: Clock.nanos(fromSeconds: intervalSecs), burst: burst))
        self.clock = clock
    }

    /// Logs `[client:<peer> ]<kind>[: <detail>][ method=<m>][ target=<t>]` unless this kind is over its
    /// rate; held-back counts of any kind whose window has closed are reported first.
    public func record(_ kind: ClientEventKind, level: LogLevel? = nil, peer: String?, detail: String? = nil,
                       method: String? = nil, target: String? = nil) {
        let level = level ?? kind.level
        guard logger.isEnabled(level) else { return }
        let now = clock()
        let (due, decision) = limiter.withLock { l in (l.dueSummaries(now: now), l.decide(kind, now: now)) }
        for summary in due {
            logger.log(summary.kind.level, Self.summaryLine(summary.kind, suppressed: summary.suppressed))
        }
        guard case .write(let suppressed) = decision else { return }
        logger.log(level, Self.line(kind, peer: peer, detail: detail, method: method, target: target, suppressedBefore: suppressed))
    }

    /// The line as written (pure, for tests).
    public static func line(_ kind: ClientEventKind, peer: String?, detail: String?, method: String?,
                            target: String?, suppressedBefore: Int) -> String {
        var text = peer.map { "client:" + UntrustedText.escape($0, limit: maxPeer) + " " } ?? ""
        text += kind.rawValue
        if let detail { text += ": " + UntrustedText.escape(detail, limit: maxDetail) }
        if let method { text += " method=" + UntrustedText.escape(method, limit: maxMethod) }
        if let target { text += " target=" + UntrustedText.escape(target, limit: maxTarget) }
        if suppressedBefore > 0 { text += " (\(suppressedBefore) more suppressed)" }
        return text
    }

    public static func summaryLine(_ kind: ClientEventKind, suppressed: Int) -> String {
        "clients: \(kind.rawValue): \(suppressed) more suppressed"
    }
}
