import Dispatch
import Foundation
import Synchronization
import XCTest

@testable import Common

/// The client connection beyond the exporters: plain HTTP over TCP, and HTTPS verified against
/// certificate authorities with the server's name checked (a Prometheus server's API).
final class ClientTransportTests: XCTestCase {
    /// Hands a loop-confined object to the loop thread (the test thread no longer touches it).
    final class LoopOwned<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    /// One loop thread; `send` runs a request on it and waits for the outcome.
    final class Loop: @unchecked Sendable {
        let loop: EventLoop
        let done = Atomic<Bool>(false)
        init() throws {
            signal(SIGPIPE, SIG_IGN)
            loop = try EventLoop()
            NativeThread.spawn(name: "test-loop") { [self] in
                loop.run()
                done.store(true, ordering: .releasing)
            }
        }
        func stop() {
            loop.stop()
            while !done.load(ordering: .acquiring) { usleep(1000) }
        }
        func send(_ connection: HTTPSClientConnection, _ request: String, timeout: Double = 3) -> Result<ClientResponse, ClientFailure> {
            let result = Mutex<Result<ClientResponse, ClientFailure>?>(nil)
            let sem = DispatchSemaphore(value: 0)
            let owned = LoopOwned(connection)
            loop.execute {
                owned.value.send(Array(request.utf8), timeout: timeout) { r in
                    result.withLock { $0 = r }
                    sem.signal()
                }
            }
            _ = sem.wait(timeout: .now() + timeout + 5)
            return result.withLock { $0 } ?? .failure(.io("no completion"))
        }
    }

    /// A plain TCP server answering each request on a connection with one fixed response.
    func plainServer(answer: String) throws -> (port: Int, fd: Int32) {
        let fds = try Sockets.listen(bind: "127.0.0.1", port: 0)
        let listener = fds[0]
        let port = Sockets.localPort(listener) ?? 0
        NativeThread.spawn(name: "plain-server") {
            var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 5000) == 1 else { return }
            let c = accept(listener, nil, nil)
            guard c >= 0 else { return }
            _ = fcntl(c, F_SETFL, 0)
            var buf = [UInt8](repeating: 0, count: 4096)
            var got: [UInt8] = []
            while true {
                let n = read(c, &buf, buf.count)
                if n <= 0 { break }
                got += buf[0..<n]
                if String(decoding: got, as: UTF8.self).contains("\r\n\r\n") {
                    _ = answer.withCString { write(c, $0, strlen($0)) }
                    got = []
                }
            }
            close(c)
        }
        return (port, listener)
    }

    func test_plain_http_without_a_tls_context() throws {
        let (port, listener) = try plainServer(answer: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\n[1,2]")
        defer { close(listener) }
        let l = try Loop()
        defer { l.stop() }
        let c = HTTPSClientConnection(loop: l.loop, address: SocketAddress(ip: "127.0.0.1", port: port)!, tls: nil)
        for _ in 0..<2 {  // the second request reuses the kept-alive connection
            let r = try l.send(c, "GET /api/v1/query HTTP/1.1\r\nHost: x\r\n\r\n").get()
            XCTAssertEqual(r.head.status, 200)
            XCTAssertEqual(String(decoding: r.body, as: UTF8.self), "[1,2]")
        }
    }

    func test_plain_http_to_a_closed_port_is_refused() throws {
        let l = try Loop()
        defer { l.stop() }
        let fds = try Sockets.listen(bind: "127.0.0.1", port: 0)
        let port = Sockets.localPort(fds[0]) ?? 0
        close(fds[0])
        let c = HTTPSClientConnection(loop: l.loop, address: SocketAddress(ip: "127.0.0.1", port: port)!, tls: nil)
        guard case .failure(.refused) = l.send(c, "GET / HTTP/1.1\r\n\r\n") else { return XCTFail("expected refused") }
    }

    func test_https_against_authorities_checks_the_chain_and_the_servers_name() throws {
        let l = try Loop()
        defer { l.stop() }
        let g = try SelfSignedCertificate.generate(subjectAltNames: ["IP:127.0.0.1", "DNS:prometheus.example"])
        let fds = try Sockets.listen(bind: "127.0.0.1", port: 0)
        let port = Sockets.localPort(fds[0]) ?? 0
        let delegate = HTTPSClientConnectionTests.SlowDelegate(delay: 0, loop: l.loop)
        let server = HTTPServer(loop: l.loop, tlsContext: try TLSContext.server(certificatePEM: g.certificatePEM, keyPEM: g.privateKeyPEM),
                                configuration: HTTPServerConfiguration(), delegate: delegate)
        let owned = LoopOwned(server)
        l.loop.execute { try? owned.value.start(listening: fds) }
        let address = SocketAddress(ip: "127.0.0.1", port: port)!
        let bundle = try SelfSignedCertificate.generate().certificatePEM + "\n" + g.certificatePEM
        for name in ["127.0.0.1", "prometheus.example"] {
            let c = HTTPSClientConnection(loop: l.loop, address: address, tls: try TLSContext.client(authorities: bundle), expectedPeerName: name)
            XCTAssertEqual(try l.send(c, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n").get().head.status, 200, name)
        }
        let wrongName = HTTPSClientConnection(loop: l.loop, address: address, tls: try TLSContext.client(authorities: bundle),
                                              expectedPeerName: "other.example")
        guard case .failure(.tls(let why)) = l.send(wrongName, "GET /x HTTP/1.1\r\n\r\n") else { return XCTFail("a wrong name must fail") }
        XCTAssertTrue(why.contains("certificate verify failed"), why)
        let otherCA = HTTPSClientConnection(loop: l.loop, address: address,
                                            tls: try TLSContext.client(authorities: try SelfSignedCertificate.generate().certificatePEM),
                                            expectedPeerName: "127.0.0.1")
        guard case .failure(.tls) = l.send(otherCA, "GET /x HTTP/1.1\r\n\r\n") else { return XCTFail("an unknown CA must fail") }
        XCTAssertThrowsError(try TLSContext.client(authorities: "not a certificate"))
        let parsed = try Certificate.parseAll(pem: bundle)
        XCTAssertEqual(parsed.count, 2)
        XCTAssertEqual(parsed.last?.fingerprint, try Certificate.parse(pem: g.certificatePEM).fingerprint)
        XCTAssertEqual(try parsed.last.map { try Certificate.parse(pem: $0.pem).fingerprint }, parsed.last?.fingerprint, "each keeps its own PEM")
        withExtendedLifetime(server) {}
    }
}
