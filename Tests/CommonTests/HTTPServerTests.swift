import Foundation
import Synchronization
import XCTest

@testable import Common

/// The event loop, TLS and HTTP server together, in-process, with short timeouts.
final class HTTPServerTests: XCTestCase {
    final class EchoDelegate: HTTPServerDelegate, @unchecked Sendable {
        // @unchecked: `loop` is set once, before the loop thread starts; the rest is locked.
        /// When set, answers come this much later through the deferred-answer path.
        let deferSecs = Mutex<Double>(0)
        weak var loop: EventLoop?
        let events = Mutex<[String]>([])
        /// The server's counters as the last request saw them.
        let statistics = Mutex<HTTPServerStatistics?>(nil)
        func respond(to request: HTTPRequestHead, peer: SocketAddress) -> HTTPServerResponse {
            HTTPServerResponse(status: 200, contentType: "text/plain", body: Array("you asked for \(request.target)".utf8))
        }
        func answer(_ request: HTTPRequestHead, peer: SocketAddress, responder: HTTPResponder) -> HTTPServerResponse? {
            statistics.withLock { $0 = responder.serverStatistics }
            let response = respond(to: request, peer: peer)
            let delay = deferSecs.withLock { $0 }
            guard delay > 0, let loop else { return response }
            loop.schedule(after: delay) { responder.send(response) }
            return nil
        }
        func connectionClosed(_ reason: ServerCloseReason, peer: SocketAddress) {
            events.withLock { $0.append("closed \(peer.ip): \(reason)") }
        }
        func respond(toParseError error: HTTPParseError, peer: SocketAddress) -> HTTPServerResponse {
            HTTPServerResponse(status: error.status, close: true)
        }
        func serverEvent(_ kind: ClientEventKind, _ level: LogLevel, _ message: String) { events.withLock { $0.append(message) } }
    }

    /// A running server on 127.0.0.1 with its own loop thread.
    final class Running: @unchecked Sendable {
        // @unchecked: loop-confined. `server` is set in init, before the loop thread starts,
        // and used only on it afterwards (through `loop.execute`).
        let loop: EventLoop
        let port: Int
        let certificatePEM: String
        let delegate = EchoDelegate()
        var server: HTTPServer?
        let done = Atomic<Bool>(false)

        init(configure: (inout HTTPServerConfiguration) -> Void) throws {
            signal(SIGPIPE, SIG_IGN)  // as both daemons do: a peer that closes must not kill the process
            let g = try SelfSignedCertificate.generate()
            certificatePEM = g.certificatePEM
            let ctx = try TLSContext.server(certificatePEM: g.certificatePEM, keyPEM: g.privateKeyPEM)
            var config = HTTPServerConfiguration()
            configure(&config)
            loop = try EventLoop()
            let fds = try Sockets.listen(bind: "127.0.0.1", port: 0)
            port = Sockets.localPort(fds[0]) ?? 0
            delegate.loop = loop
            let server = HTTPServer(loop: loop, tlsContext: ctx, configuration: config, delegate: delegate)
            try server.start(listening: fds)
            self.server = server
            NativeThread.spawn(name: "test-loop") { [self] in
                loop.run()
                done.store(true, ordering: .releasing)
            }
        }

        func stop() {
            loop.stop()
            while !done.load(ordering: .acquiring) { usleep(1000) }
        }
    }

    func rawConnect(_ port: Int, from source: String? = nil) -> Int32 {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if let source, let local = SocketAddress(ip: source, port: 0) {
            _ = local.withSockaddr { bind(s, $0, $1) }
        }
        let addr = SocketAddress(ip: "127.0.0.1", port: port)!
        _ = addr.withSockaddr { connect(s, $0, $1) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return s
    }

    /// Seconds until the server closes a silent connection (read returns 0), or nil.
    func secondsUntilClosed(_ fd: Int32) -> Double? {
        let start = Date()
        var b = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &b, 64)
        return n == 0 ? Date().timeIntervalSince(start) : nil
    }

    func test_a_client_that_never_starts_tls_is_closed_after_the_request_timeout() throws {
        let r = try Running { $0.requestTimeoutSecs = 0.3 }
        defer { r.stop() }
        let fd = rawConnect(r.port)
        defer { close(fd) }
        let secs = try XCTUnwrap(secondsUntilClosed(fd))
        XCTAssertLessThan(secs, 3)
    }

    func test_an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() throws {
        let r = try Running { $0.idleTimeoutSecs = 0.3 }
        defer { r.stop() }
        let c = try TLSClient(port: r.port, pem: r.certificatePEM)
        try c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(try c.readUntilClose(orBytes: 20).contains("you asked for /a"))
        XCTAssertTrue(c.waitForClose(), "the idle connection must be closed")
    }

    func test_pipelined_requests_are_answered_in_order() throws {
        let r = try Running { _ in }
        defer { r.stop() }
        let c = try TLSClient(port: r.port, pem: r.certificatePEM)
        try c.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let text = try c.readUntilClose(orBytes: Int.max)
        let order = ["/1", "/2", "/3"].map { text.range(of: "you asked for \($0)")?.lowerBound }
        XCTAssertTrue(order.allSatisfy { $0 != nil }, text)
        XCTAssertTrue(order[0]! < order[1]! && order[1]! < order[2]!)
    }

    func test_at_the_limit_with_every_connection_past_its_handshake_a_new_one_is_refused_at_once() throws {
        let r = try Running {
            $0.maxConnections = 2
            $0.maxConnectionsPerAddress = 3
        }
        defer { r.stop() }
        let a = try TLSClient(port: r.port, pem: r.certificatePEM), b = try TLSClient(port: r.port, pem: r.certificatePEM)
        _ = (a, b)
        usleep(100_000)
        let third = rawConnect(r.port)
        defer { close(third) }
        XCTAssertNotNil(secondsUntilClosed(third), "the third connection must be closed by the server")
        XCTAssertTrue(eventually { r.delegate.events.withLock { $0.contains { $0.hasPrefix("connection limit (2) reached: refusing 127.0.0.1") } } })
    }

    func test_at_the_limit_connections_that_never_handshake_make_room_oldest_first() throws {
        let r = try Running {
            $0.maxConnections = 3
            $0.maxConnectionsPerAddress = 4
        }
        defer { r.stop() }
        let idle = (0..<3).map { _ in rawConnect(r.port) }
        defer { idle.forEach { close($0) } }
        usleep(100_000)
        let c: TLSClient
        do { c = try TLSClient(port: r.port, pem: r.certificatePEM) } catch {
            XCTFail("\(r.delegate.events.withLock { $0 })")
            throw error
        }
        try c.send("GET /in HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(try c.readUntilClose(orBytes: Int.max).contains("you asked for /in"))
        XCTAssertNotNil(secondsUntilClosed(idle[0]), "the oldest idle connection was evicted")
        XCTAssertTrue(r.delegate.events.withLock { $0.contains("closed 127.0.0.1: evicted at the connection limit before finishing its TLS handshake") })
    }

    func test_the_server_counts_responses_by_status_open_connections_and_refusals() throws {
        let r = try Running {
            $0.maxConnections = 2
            $0.maxConnectionsPerAddress = 3
        }
        defer { r.stop() }
        let bad = try TLSClient(port: r.port, pem: r.certificatePEM)
        try bad.send("GET /x HTTP/9.9\r\n\r\n")
        XCTAssertTrue(try bad.readUntilClose(orBytes: Int.max).hasPrefix("HTTP/1.1 505"), "a 505, then the connection closes")
        let c = try TLSClient(port: r.port, pem: r.certificatePEM)
        for target in ["/1", "/2"] {
            try c.send("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertTrue(try c.readUntilClose(orBytes: 1).contains("you asked for \(target)"))
        }
        let other = try TLSClient(port: r.port, pem: r.certificatePEM)
        _ = other
        usleep(100_000)
        let refused = rawConnect(r.port)
        defer { close(refused) }
        XCTAssertNotNil(secondsUntilClosed(refused))
        try c.send("GET /stats HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(try c.readUntilClose(orBytes: 1).contains("/stats"))
        let seen = try XCTUnwrap(r.delegate.statistics.withLock { $0 })
        // The request asking sees the responses before its own.
        XCTAssertEqual(seen.responsesByStatus, [505: 1, 200: 2])
        XCTAssertEqual(seen.openConnections, 2)
        XCTAssertEqual(seen.refusedConnections, 1)
        XCTAssertEqual(seen.evictedConnections, 0)
    }

    func test_one_address_cannot_take_more_than_its_share() throws {
        let r = try Running {
            $0.maxConnections = 10
            $0.maxConnectionsPerAddress = 2
        }
        defer { r.stop() }
        let mine = [rawConnect(r.port, from: "127.0.0.2"), rawConnect(r.port, from: "127.0.0.2")]
        defer { mine.forEach { close($0) } }
        usleep(100_000)
        let third = rawConnect(r.port, from: "127.0.0.2")
        defer { close(third) }
        XCTAssertNotNil(secondsUntilClosed(third), "a third connection from the same address is refused")
        let c = try TLSClient(port: r.port, pem: r.certificatePEM)
        try c.send("GET /other HTTP/1.1\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(try c.readUntilClose(orBytes: Int.max).contains("you asked for /other"), "another address still gets in")
        XCTAssertTrue(eventually { r.delegate.events.withLock { $0.contains { $0.hasPrefix("per-address connection limit (2) reached: refusing 127.0.0.2") } } })
    }

    func test_a_client_that_gives_up_on_a_deferred_answer_costs_no_CPU() throws {
        // The simulator's slow hosts answer later; a client that closes meanwhile used to keep
        // the connection readable (level-triggered) while nothing read it: a spinning loop.
        let r = try Running { _ in }
        r.delegate.deferSecs.withLock { $0 = 1.5 }
        defer { r.stop() }
        for _ in 0..<2 {
            let c = try TLSClient(port: r.port, pem: r.certificatePEM)
            try c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        }  // each client closes here, before its answer
        // Others only half-close: the server sees end-of-stream (readable for ever) and may
        // still answer them.
        let halfClosed = try (0..<2).map { _ in try TLSClient(port: r.port, pem: r.certificatePEM) }
        for c in halfClosed {
            try c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            shutdown(c.fd, Int32(SHUT_WR))
        }
        usleep(100_000)
        let cpu = processCPUSeconds(over: 0.6)
        XCTAssertLessThan(cpu, 0.15, "the server spun for \(cpu) s of CPU in 0.6 s")
        XCTAssertTrue(try halfClosed[0].readUntilClose(orBytes: Int.max).contains("you asked for /slow"), "a half-closed client still gets its answer")
    }

    func test_out_of_descriptors_the_listener_is_paused_not_spun_on_and_recovers() throws {
        let r = try Running { $0.acceptBackoffSecs = 0.2 }
        defer { r.stop() }
        // Sockets made before the limit drops; their connects queue on the listener after.
        let clients = (0..<12).map { _ in socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0) }
        defer { clients.forEach { close($0) } }
        let saved = OpenFileLimit.current()
        let open = UInt64((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 100)
        XCTAssertNil(OpenFileLimit.setSoft(open + 2))
        let addr = SocketAddress(ip: "127.0.0.1", port: r.port)!
        for s in clients { _ = addr.withSockaddr { connect(s, $0, $1) } }
        usleep(200_000)
        let cpu = processCPUSeconds(over: 0.6)
        XCTAssertNil(OpenFileLimit.setSoft(saved.soft))
        XCTAssertLessThan(cpu, 0.15, "accept must not spin on EMFILE (\(cpu) s of CPU in 0.6 s)")
        XCTAssertTrue(eventually { r.delegate.events.withLock { $0.contains { $0.hasPrefix("cannot accept connections: Too many open files") } } })
        // With descriptors back, the queued connections are taken after the pause.
        let c = try TLSClient(port: r.port, pem: r.certificatePEM)
        try c.send("GET /again HTTP/1.1\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(try c.readUntilClose(orBytes: Int.max).contains("you asked for /again"))
    }

    /// CPU seconds this process uses while the calling thread sleeps `seconds`.
    func processCPUSeconds(over seconds: Double) -> Double {
        func now() -> Double {
            var u = rusage()
            getrusage(RUSAGE_SELF.rawValue, &u)
            return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
        }
        let start = now()
        usleep(UInt32(seconds * 1e6))
        return now() - start
    }

    func test_shutdown_of_an_idle_server_closes_the_listener_and_calls_back() throws {
        let r = try Running { _ in }
        let called = Atomic<Bool>(false)
        r.loop.execute { r.server?.shutdown { called.store(true, ordering: .releasing) } }
        XCTAssertTrue(eventually { called.load(ordering: .acquiring) })
        XCTAssertTrue(connectIsRefused(r.port), "the listener must be closed")
        r.stop()
    }

    /// After shutdown the listener is gone: connecting is refused.
    func connectIsRefused(_ port: Int) -> Bool {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        let addr = SocketAddress(ip: "127.0.0.1", port: port)!
        return addr.withSockaddr { connect(s, $0, $1) } != 0
    }

    func eventually(_ cond: () -> Bool) -> Bool {
        for _ in 0..<300 {
            if cond() { return true }
            usleep(10_000)
        }
        return false
    }
}

/// A blocking TLS client on the project's TLS code.
final class TLSClient {
    let fd: Int32
    let stream: TLSStream

    init(port: Int, pem: String) throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let addr = SocketAddress(ip: "127.0.0.1", port: port)!
        guard addr.withSockaddr({ connect(s, $0, $1) }) == 0 else {
            close(s)
            throw TLSError("connect failed")
        }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        fd = s
        stream = try TLSStream(context: TLSContext.client(trusting: pem), fd: s, isServer: false)
        guard case .done = stream.handshake() else { throw TLSError("handshake failed") }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard case .done(let n) = bytes.withUnsafeBytes({ stream.write($0) }), n == bytes.count else { throw TLSError("write failed") }
    }

    /// Reads until the peer closes, or until at least `orBytes` bytes arrived.
    func readUntilClose(orBytes limit: Int) throws -> String {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while out.count < limit {
            guard case .done(let n) = buf.withUnsafeMutableBytes({ stream.read(into: $0) }) else { break }
            out.append(contentsOf: buf[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when the server closes the connection (a receive timeout is not a close).
    func waitForClose() -> Bool {
        var buf = [UInt8](repeating: 0, count: 4096)
        let r = buf.withUnsafeMutableBytes { stream.read(into: $0) }
        if case .closed = r { return true }
        return false
    }
}
