import Common
import Synchronization
import XCTest

@testable import ExporterDaemon

final class ExporterHTTPHandlerLogTests: XCTestCase {
    final class Lines: LogBackend, Sendable {
        private let written = Mutex<[String]>([])
        var all: [String] { written.withLock { $0 } }
        func write(line: String) { written.withLock { $0.append(line) } }
    }

    let peer = SocketAddress(ip: "10.1.2.3", port: 4444)!

    func handler(_ lines: Lines) -> ExporterHTTPHandler {
        let cache = MetadataCache(startedEpochSecs: 1000, intervals: [:])
        // A clock that never moves: everything happens inside one rate-limit window.
        return ExporterHTTPHandler(cache: cache, token: "TheRealToken-123", logger: Logger(component: "x", backends: [lines]),
                                   clock: { 42 })
    }

    func test_a_flood_of_bad_requests_writes_a_few_bounded_lines_without_their_bytes() {
        let lines = Lines()
        let h = handler(lines)
        for i in 0..<5000 {
            let error: HTTPParseError = i % 2 == 0
                ? .invalidContentLength("Content-Length: Bearer TheRealToken-123\u{1B}[2J")
                : .malformedRequestLine("\"\u{7}TheRealToken\" is not an HTTP version")
            XCTAssertEqual(h.respond(toParseError: error, peer: peer).status, 400)
        }
        XCTAssertLessThanOrEqual(lines.all.count, 5)
        XCTAssertGreaterThan(lines.all.count, 0)
        for line in lines.all {
            XCTAssertFalse(line.contains("Token"), line)
            XCTAssertFalse(line.dropLast().utf8.contains { $0 < 0x20 || $0 >= 0x7F }, line)
            XCTAssertTrue(line.contains("client:10.1.2.3 400 Bad Request: "), line)
        }
    }

    func test_unauthorized_is_logged_without_the_authorization_value() throws {
        let lines = Lines()
        let h = handler(lines)
        let head = try XCTUnwrap(requestHead("GET /v1/metadata?token=GuessedSecret99 HTTP/1.1\r\nAuthorization: Bearer GuessedSecret99\r\n\r\n"))
        XCTAssertEqual(h.respond(to: head, peer: peer).status, 401)
        XCTAssertEqual(lines.all.count, 1)
        XCTAssertFalse(lines.all[0].contains("GuessedSecret99"))
        XCTAssertTrue(lines.all[0].hasSuffix("401 Unauthorized method=GET target=/v1/metadata\n"), lines.all[0])
    }

    func test_unsupported_methods_and_server_events_are_rate_limited_too() {
        let lines = Lines()
        let h = handler(lines)
        for _ in 0..<1000 {
            _ = h.respond(toParseError: .bodyNotAccepted(method: "POST", detail: "Content-Length: 5"), peer: peer)
            h.serverEvent(.connectionRefused, .warning, "connection limit (1024) reached: refusing 10.1.2.3\r\n")
        }
        XCTAssertEqual(lines.all.filter { $0.contains("501 Not Implemented") }.count, 5)
        XCTAssertEqual(lines.all.filter { $0.contains("connection refused: connection limit (1024) reached: refusing 10.1.2.3\\x0d\\x0a") }.count, 5)
    }

    func test_failed_handshakes_and_deadlines_are_logged_by_kind_and_routine_closes_are_not() {
        let lines = Lines()
        let h = handler(lines)
        for _ in 0..<100 {
            h.connectionClosed(.handshakeFailed("wrong version number\u{1b}[2J"), peer: peer)
            h.connectionClosed(.timedOut(.request, seconds: 10), peer: peer)
            h.connectionClosed(.timedOut(.idle, seconds: 60), peer: peer)
            h.connectionClosed(.peerClosed, peer: peer)
            h.connectionClosed(.closeAfterResponse, peer: peer)
        }
        let handshakes = lines.all.filter { $0.contains("TLS handshake failed: wrong version number\\x1b[2J") }
        let timeouts = lines.all.filter { $0.contains("timed out: request not completed within 10 s") }
        XCTAssertEqual(handshakes.count, 5, "\(lines.all)")
        XCTAssertEqual(timeouts.count, 5)
        XCTAssertEqual(lines.all.count, 10, "\(lines.all)")
        XCTAssertFalse(lines.all.joined().contains("\u{1b}"))
    }

    /// The parsed head of `text`, if the parser accepts it.
    private func requestHead(_ text: String) -> HTTPRequestHead? {
        var p = HTTPRequestParser()
        p.append(Array(text.utf8))
        if case .request(let head) = p.next() { return head }
        return nil
    }
}
