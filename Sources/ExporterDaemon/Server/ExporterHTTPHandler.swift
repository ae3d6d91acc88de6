import Common
import Synchronization

/// Connects the HTTP server to the cache: picks the current bytes for each request. Runs on
/// the event loop thread; the token can be swapped from the SIGHUP handler.
final class ExporterHTTPHandler: HTTPServerDelegate, Sendable {
    private let cache: MetadataCache
    /// Every line about a client goes through here: escaped, bounded, rate-limited per kind.
    private let clientLog: ClientEventLog
    private let verifier: Mutex<TokenVerifier>
    private let sources: LiveSources

    /// Where `/metrics` reads what changes per request; tests pass fixed ones.
    struct LiveSources: Sendable {
        var wallClock: @Sendable () -> Double = { Clock.wallSeconds() }
        var process: @Sendable () -> ProcessStats? = { ProcessStats.recent() }
    }

    /// `clock` (monotonic nanoseconds) paces the client log's rate limit; tests pass their own.
    /// `previousToken`: the token before a rotation, accepted until its expiry.
    init(cache: MetadataCache, token: String, previousToken: PreviousToken? = nil, logger: Logger,
         clock: @escaping @Sendable () -> UInt64 = { Clock.monotonicNanos() }, sources: LiveSources = LiveSources()) {
        self.cache = cache
        self.clientLog = ClientEventLog(logger: logger, clock: clock)
        self.verifier = Mutex(TokenVerifier(token: token, previous: previousToken))
        self.sources = sources
    }

    func replaceToken(_ token: String, previous: PreviousToken?) {
        verifier.withLock { $0 = TokenVerifier(token: token, previous: previous) }
    }

    /// With the responder, `/metrics` also reports the server's counters.
    func answer(_ request: HTTPRequestHead, peer: SocketAddress, responder: HTTPResponder) -> HTTPServerResponse? {
        respond(to: request, peer: peer, responder: responder)
    }

    func respond(to request: HTTPRequestHead, peer: SocketAddress) -> HTTPServerResponse {
        respond(to: request, peer: peer, responder: nil)
    }

    private func respond(to request: HTTPRequestHead, peer: SocketAddress, responder: HTTPResponder?) -> HTTPServerResponse {
        let (response, outcome) = MetadataRouter.respond(
            method: request.method, target: request.target, authorization: request.header("Authorization"),
            verifier: verifier.withLock { $0 }, snapshot: cache.snapshot(), live: { liveMetrics(responder) })
        switch outcome {
        case .served:
            break
        case .unauthorized:
            // Only that it was refused: the Authorization value is never logged, nor a query
            // string (some clients put credentials there).
            clientLog.record(.unauthorized, peer: peer.ip, method: request.method, target: Self.path(of: request.target))
        case .unsupportedMethod:
            clientLog.record(.notImplemented, peer: peer.ip, method: request.method)
        }
        return response
    }

    func respond(toParseError error: HTTPParseError, peer: SocketAddress) -> HTTPServerResponse {
        // Methods are checked before anything else (Pacific: Q2): a POST with a body is a 501.
        if case .bodyNotAccepted(let method, _) = error, method != "GET" {
            clientLog.record(.notImplemented, peer: peer.ip, detail: "request with a body", method: method)
            return MetadataRouter.respond(method: method, target: "", authorization: nil, verifier: TokenVerifier(token: ""),
                                          snapshot: cache.snapshot(), live: { liveMetrics(nil) }).0
        }
        // The summary names the kind of problem only, never the bytes (they may hold a token).
        clientLog.record(ClientEventKind(status: error.status) ?? .badRequest, peer: peer.ip, detail: error.logSummary)
        return MetadataRouter.errorPage(error.status, reason: error.reason)
    }

    /// What `/metrics` adds to the snapshot's part for this request (on the loop thread).
    private func liveMetrics(_ responder: HTTPResponder?) -> LiveMetrics {
        LiveMetrics(now: sources.wallClock(), certificateNotAfter: cache.health().certificateExpiryEpochSecs,
                    server: responder?.serverStatistics, process: sources.process())
    }

    /// The target without its query string.
    static func path(of target: String) -> String {
        String(target.prefix { $0 != "?" })
    }

    /// The server's own lines (connection limit, failed accepts) mention clients too: they go
    /// through the same escaping and rate limit, each kind on its own.
    func serverEvent(_ kind: ClientEventKind, _ level: LogLevel, _ message: String) {
        clientLog.record(kind, level: level, peer: nil, detail: message)
    }

    /// Connections cut off for what the client sent (or did not): a failed handshake (a plain
    /// HTTP client, a scanner, a client that does not trust the certificate) or a deadline (a
    /// silent or trickling client). The rest (the peer left, keep-alive ended, shutdown,
    /// evictions already reported) are routine and not logged.
    func connectionClosed(_ reason: ServerCloseReason, peer: SocketAddress) {
        switch reason {
        case .handshakeFailed(let why):
            clientLog.record(.handshakeFailed, peer: peer.ip, detail: why)
        case .timedOut(.handshake, _), .timedOut(.request, _):
            clientLog.record(.timedOut, peer: peer.ip, detail: reason.description)
        case .timedOut(.idle, _), .peerClosed, .closeAfterResponse, .shutdown, .evicted, .ioFailed:
            break
        }
    }
}
