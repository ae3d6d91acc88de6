import Dispatch
import Foundation
import Synchronization
import XCTest

@testable import Common

/// The poller's client connection against the real server, both on one in-process event loop.
final class HTTPSClientConnectionTests: XCTestCase {
    /// Answers `delay` seconds late through the server's deferred answer.
    final class SlowDelegate: HTTPServerDelegate, Sendable {
        let delay: Double
        let loop: EventLoop
        init(delay: Double, loop: EventLoop) {
            self.delay = delay
            self.loop = loop
        }
        func respond(to request: HTTPRequestHead, peer: SocketAddress) -> HTTPServerResponse {
            HTTPServerResponse(status: 200, contentType: "text/plain", body: Array("ok \(request.target)".utf8))
        }
        func answer(_ request: HTTPRequestHead, peer: SocketAddress, responder: HTTPResponder) -> HTTPServerResponse? {
            let response = respond(to: request, peer: peer)
            guard delay > 0 else { return response }
            loop.schedule(after: delay) { responder.send(response) }
            return nil
        }
        func respond(toParseError error: HTTPParseError, peer: SocketAddress) -> HTTPServerResponse {
            HTTPServerResponse(status: error.status, close: true)
        }
        func serverEvent(_ kind: ClientEventKind, _ level: LogLevel, _ message: String) {}
    }

    /// One loop thread hosting a server and a client connection to it.
    final class Rig: @unchecked Sendable {
        // @unchecked: loop-confined. `server` and `client` are set in init, before the loop
        // thread starts, and used only on it afterwards (through `loop.execute`).
        let loop: EventLoop
        let port: Int
        let serverPEM: String
        var server: HTTPServer?
        var client: HTTPSClientConnection?
        let delegate: SlowDelegate
        let done = Atomic<Bool>(false)

        init(delay: Double = 0, idleTimeout: Double = 60, trust: String? = nil, maxConnections: Int = 1024) throws {
            signal(SIGPIPE, SIG_IGN)
            let g = try SelfSignedCertificate.generate()
            serverPEM = g.certificatePEM
            loop = try EventLoop()
            delegate = SlowDelegate(delay: delay, loop: loop)
            let fds = try Sockets.listen(bind: "127.0.0.1", port: 0)
            port = Sockets.localPort(fds[0]) ?? 0
            var config = HTTPServerConfiguration()
            config.idleTimeoutSecs = idleTimeout
            config.maxConnections = maxConnections
            config.maxConnectionsPerAddress = maxConnections
            let server = HTTPServer(loop: loop, tlsContext: try TLSContext.server(certificatePEM: g.certificatePEM, keyPEM: g.privateKeyPEM),
                                    configuration: config, delegate: delegate)
            try server.start(listening: fds)
            self.server = server
            client = HTTPSClientConnection(loop: loop, address: SocketAddress(ip: "127.0.0.1", port: port)!,
                                           tls: try TLSContext.client(trusting: trust ?? g.certificatePEM))
            NativeThread.spawn(name: "test-loop") { [self] in
                loop.run()
                done.store(true, ordering: .releasing)
            }
        }

        /// Sends one GET on the loop thread and waits for the outcome.
        func get(_ path: String, timeout: Double = 2) -> (Result<ClientResponse, ClientFailure>, connectedBefore: Bool) {
            let result = Mutex<(Result<ClientResponse, ClientFailure>, Bool)?>(nil)
            let sem = DispatchSemaphore(value: 0)
            loop.execute { [self] in
                let before = client!.isConnected
                client!.send(Array("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n".utf8), timeout: timeout) { r in
                    result.withLock { $0 = (r, before) }
                    sem.signal()
                }
            }
            _ = sem.wait(timeout: .now() + timeout + 5)
            return result.withLock { $0 } ?? (.failure(.io("no completion")), false)
        }

        func stop() {
            loop.stop()
            while !done.load(ordering: .acquiring) { usleep(1000) }
        }
    }

    func body(_ r: Result<ClientResponse, ClientFailure>) -> String? {
        guard case .success(let resp) = r else { return nil }
        return String(decoding: resp.body, as: UTF8.self)
    }

    func test_a_second_request_reuses_the_kept_alive_connection() throws {
        let rig = try Rig()
        defer { rig.stop() }
        let (first, wasConnected) = rig.get("/a")
        XCTAssertEqual(body(first), "ok /a")
        XCTAssertFalse(wasConnected)
        let (second, reused) = rig.get("/b")
        XCTAssertEqual(body(second), "ok /b")
        XCTAssertTrue(reused, "the second request must go over the same connection")
    }

    func test_a_connection_the_server_closed_while_idle_is_reopened() throws {
        let rig = try Rig(idleTimeout: 0.2)
        defer { rig.stop() }
        XCTAssertEqual(body(rig.get("/a").0), "ok /a")
        usleep(600_000)  // the server's idle timeout closes it
        let (again, _) = rig.get("/b")
        XCTAssertEqual(body(again), "ok /b")
    }

    func test_a_slow_response_is_a_timeout() throws {
        let rig = try Rig(delay: 1.0)
        defer { rig.stop() }
        let (r, _) = rig.get("/slow", timeout: 0.2)
        guard case .failure(.timeout(let m)) = r else { return XCTFail("expected a timeout, got \(r)") }
        XCTAssertTrue(m.contains("no response within"), m)
    }

    func test_a_server_with_another_certificate_is_a_tls_failure() throws {
        let other = try SelfSignedCertificate.generate().certificatePEM
        let rig = try Rig(trust: other)
        defer { rig.stop() }
        let (r, _) = rig.get("/a")
        guard case .failure(.tls(let m)) = r else { return XCTFail("expected a TLS failure, got \(r)") }
        XCTAssertTrue(m.contains("certificate verify failed"), m)
    }

    func test_a_server_at_its_connection_limit_is_a_close_during_the_handshake_not_a_TLS_failure() throws {
        let rig = try Rig(maxConnections: 1)
        defer { rig.stop() }
        let holder = try TLSClient(port: rig.port, pem: rig.serverPEM)  // past its handshake: not evictable
        let (r, _) = rig.get("/a")
        _ = holder
        XCTAssertEqual(r.failureValue, .closedDuringHandshake("connection closed during the TLS handshake"))
    }

    func test_nothing_listening_is_refused() throws {
        let loop = try EventLoop()
        let done = Atomic<Bool>(false)
        NativeThread.spawn(name: "test-loop") {
            loop.run()
            done.store(true, ordering: .releasing)
        }
        defer {
            loop.stop()
            while !done.load(ordering: .acquiring) { usleep(1000) }
        }
        // A port that was just free: bind, read the number, close.
        let fds = try Sockets.listen(bind: "127.0.0.1", port: 0)
        let port = Sockets.localPort(fds[0]) ?? 1
        close(fds[0])
        let tls = try TLSContext.client(trusting: try SelfSignedCertificate.generate().certificatePEM)
        let outcome = Mutex<Result<ClientResponse, ClientFailure>?>(nil)
        let sem = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var keep: HTTPSClientConnection?
        loop.execute {
            let c = HTTPSClientConnection(loop: loop, address: SocketAddress(ip: "127.0.0.1", port: port)!, tls: tls)
            keep = c
            c.send(Array("GET / HTTP/1.1\r\n\r\n".utf8), timeout: 2) { r in
                outcome.withLock { $0 = r }
                sem.signal()
            }
        }
        _ = sem.wait(timeout: .now() + 5)
        _ = keep
        guard case .failure(.refused) = outcome.withLock({ $0 }) else {
            return XCTFail("expected refused, got \(String(describing: outcome.withLock { $0 }))")
        }
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
