import Foundation
import Synchronization
import XCTest

@testable import Common

/// The event loop, TLS and HTTP server together, in-process, with short timeouts.
final class HTTPServerTests: XCTestCase {
    final class EchoDelegate: HTTPServerDelegate, @unchecked Sendable {
        func respond(to request: HTTPRequestHead, peer: SocketAddress) -> HTTPServerResponse {
            HTTPServerResponse(status: 200, contentType: "text/plain", body: Array("you asked for \(request.target)".utf8))
        }
        func respond(toParseError error: HTTPParseError, peer: SocketAddress) -> HTTPServerResponse {
            HTTPServerResponse(status: error.status, close: true)
        }
        func serverEvent(_ level: LogLevel, _ message: String) {}
    }

    /// A running server on 127.0.0.1 with its own loop thread.
    final class Running: @unchecked Sendable {
        let loop: EventLoop
        let port: Int
        let certificatePEM: String
        let delegate = EchoDelegate()
        var server: HTTPServer?
        let done = Atomic<Bool>(false)

        init(configure: (inout HTTPServerConfiguration) -> Void) throws {
            let g = try SelfSignedCertificate.generate()
            certificatePEM = g.certificatePEM
            let ctx = try TLSContext.server(certificatePEM: g.certificatePEM, keyPEM: g.privateKeyPEM)
            var config = HTTPServerConfiguration()
            configure(&config)
            loop = try EventLoop()
            let fds = try Sockets.listen(bind: "127.0.0.1", port: 0)
            port = Sockets.localPort(fds[0]) ?? 0
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

    func rawConnect(_ port: Int) -> Int32 {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
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

    func test_connections_beyond_the_limit_are_refused_at_once() throws {
        let r = try Running { $0.maxConnections = 2 }
        defer { r.stop() }
        let a = rawConnect(r.port), b = rawConnect(r.port)
        defer { close(a); close(b) }
        usleep(100_000)
        let third = rawConnect(r.port)
        defer { close(third) }
        XCTAssertNotNil(secondsUntilClosed(third), "the third connection must be closed by the server")
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
