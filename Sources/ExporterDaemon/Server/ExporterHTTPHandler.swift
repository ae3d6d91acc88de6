import Common
import Synchronization

/// Connects the HTTP server to the cache: picks the current bytes for each request. Runs on
/// the event loop thread; the token can be swapped from the SIGHUP handler.
final class ExporterHTTPHandler: HTTPServerDelegate, @unchecked Sendable {
    // @unchecked: `verifier` is a Mutex; `authLog` is only touched on the loop thread.
    private let cache: MetadataCache
    private let logger: Logger
    private let verifier: Mutex<TokenVerifier>
    private var authLog = LogThrottle(intervalSecs: 10)

    init(cache: MetadataCache, token: String, logger: Logger) {
        self.cache = cache
        self.logger = logger
        self.verifier = Mutex(TokenVerifier(token: token))
    }

    func replaceToken(_ token: String) { verifier.withLock { $0 = TokenVerifier(token: token) } }

    func respond(to request: HTTPRequestHead, peer: SocketAddress) -> HTTPServerResponse {
        let (response, outcome) = MetadataRouter.respond(
            method: request.method, target: request.target, authorization: request.header("Authorization"),
            verifier: verifier.withLock { $0 }, snapshot: cache.snapshot())
        switch outcome {
        case .served:
            break
        case .unauthorized:
            // A scanner or a misconfigured poller can hit this thousands of times a second.
            if let suppressed = authLog.shouldLog(now: Clock.monotonicNanos()) {
                let extra = suppressed > 0 ? " (\(suppressed) more since the last report)" : ""
                logger.warning("client:\(peer.ip) \(request.method) \(Self.printable(request.target)) 401 Unauthorized\(extra)")
            }
        case .unsupportedMethod:
            logger.info("client:\(peer.ip) \(Self.printable(request.method)) \(Self.printable(request.target)) 501 Unsupported method")
        }
        return response
    }

    func respond(toParseError error: HTTPParseError, peer: SocketAddress) -> HTTPServerResponse {
        // Methods are checked before anything else (Pacific: Q2): a POST with a body is a 501.
        if case .bodyNotAccepted(let method, _) = error, method != "GET" {
            return MetadataRouter.respond(method: method, target: "", authorization: nil,
                                          verifier: TokenVerifier(token: ""), snapshot: cache.snapshot()).0
        }
        logger.info("client:\(peer.ip) bad request: \(error)")
        return MetadataRouter.errorPage(error.status, reason: error.reason)
    }

    func serverEvent(_ level: LogLevel, _ message: String) { logger.log(level, message) }

    private static func printable(_ s: String) -> String {
        String(s.prefix(200).map { $0.isASCII && !$0.isNewline ? $0 : "?" })
    }
}
