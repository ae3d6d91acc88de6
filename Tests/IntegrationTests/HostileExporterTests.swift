import Common
import Foundation
import XCTest

/// `fleet check` beside exporters that flood the poller: the healthy hosts must stay OK and be
/// polled on time, the flooding ones are cut off as BAD with the limit named.
final class HostileExporterTests: XCTestCase {
    override func setUp() {
        HostilePeers.prepareProcess()
    }

    /// The simulated fleet's certificate and key, so the hostile servers are trusted.
    private func credentials(_ sim: SimulatedFleetHarness) throws -> (crt: String, key: String) {
        let config = try JSONParser.parse(try String(contentsOfFile: sim.configPath, encoding: .utf8))
        return (try XCTUnwrap(config["crt"]?.stringValue), try XCTUnwrap(config["key"]?.stringValue))
    }

    func test_healthy_hosts_stay_OK_and_on_time_beside_flooding_exporters() throws {
        let sim = try SimulatedFleetHarness(count: 10, behaviour: "healthy")
        let (crt, key) = try credentials(sim)
        // 100 Continue for ever.
        let interim = try HostileTLSServer(certificatePEM: crt, keyPEM: key) { send, stopped in
            while !stopped(), send(String(repeating: "HTTP/1.1 100 Continue\r\n\r\n", count: 40)) {}
        }
        // 1-byte chunks, each with a 4 KB extension, for ever.
        let extensions = try HostileTLSServer(certificatePEM: crt, keyPEM: key) { send, stopped in
            guard send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") else { return }
            let chunk = "1;" + String(repeating: "x", count: 4000) + "\r\nA\r\n"
            while !stopped(), send(chunk) {}
        }
        // 1-byte chunks without extensions, as fast as the socket takes them: within every
        // per-chunk limit, so only the deadline (and the total) ends it.
        let endless = try HostileTLSServer(certificatePEM: crt, keyPEM: key) { send, stopped in
            guard send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") else { return }
            let chunks = String(repeating: "1\r\nA\r\n", count: 2000)
            while !stopped(), send(chunks) {}
        }
        defer { [interim, extensions, endless].forEach { $0.stop() } }
        let hosts = sim.tempDir + "/with-hostile.txt"
        let healthy = try String(contentsOfFile: sim.hostsPath, encoding: .utf8)
        try (healthy + [interim, extensions, endless].map { "127.0.0.1:\($0.port)\n" }.joined()).write(toFile: hosts, atomically: true, encoding: .utf8)

        let started = Date()
        let r = try sim.fleet(["check", "--hosts", hosts, "--config", sim.configPath, "--timeout", "2", "--json"])
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        let all = try XCTUnwrap(try JSONParser.parse(r.stdout)["hosts"]?.arrayValue, r.stdout)
        func host(_ port: Int) -> JSONValue? { all.first { $0["port"]?.intValue == port } }
        let healthyHosts = all.filter { ($0["port"]?.intValue ?? 0) >= sim.basePort && ($0["port"]?.intValue ?? 0) < sim.basePort + 10 }
        XCTAssertEqual(healthyHosts.count, 10)
        for h in healthyHosts {
            XCTAssertEqual(h["status"]?.stringValue, "OK", "\(h)")
            XCTAssertLessThan(h["latency_ms"]?.doubleValue ?? .infinity, 1000, "polled on time: \(h)")
        }
        XCTAssertEqual(host(interim.port)?["status"]?.stringValue, "BAD", r.stdout)
        XCTAssertTrue(host(interim.port)?["error"]?.stringValue?.contains("more than 10 informational (1xx) responses") == true, r.stdout)
        XCTAssertEqual(host(extensions.port)?["status"]?.stringValue, "BAD", r.stdout)
        XCTAssertTrue(host(extensions.port)?["error"]?.stringValue?.contains("bytes of chunk extensions") == true, r.stdout)
        XCTAssertNotEqual(host(endless.port)?["status"]?.stringValue, "OK", r.stdout)
        XCTAssertLessThan(elapsed, 4.5, "the check must end about when the 2 s deadline passes")
    }

    func test_an_exporter_at_its_connection_limit_is_DOWN_not_a_certificate_problem() throws {
        let h = try ExporterHarness()
        try h.start()
        // A fleet config trusting the exporter's certificate, with its token.
        let config = h.tempDir + "/config.json"
        let json: JSONValue = ["crt": .string(h.certificatePEM), "token": .string(h.token)]
        try JSONWriter.pretty(json).write(toFile: config, atomically: true, encoding: .utf8)
        let hosts = h.tempDir + "/hosts.txt"
        try "127.0.0.1:\(h.port)\n".write(toFile: hosts, atomically: true, encoding: .utf8)
        // Fill the connection table of 127.0.0.1's share with completed handshakes.
        var held: [TestHTTPSClient] = []
        while held.count < 300, let c = try? h.client() {
            held.append(c)
        }
        XCTAssertEqual(held.count, 256, "one address gets a quarter of the 1,024 slots")
        let p = try SpawnedProcess([TestPaths.fleet, "check", "--hosts", hosts, "--config", config, "--json"],
                                   outputDir: h.tempDir, name: "fleet-check")
        XCTAssertEqual(p.wait(timeout: 20), 2)
        let only = try XCTUnwrap(try JSONParser.parse(p.stdout)["hosts"]?.arrayValue?.first, p.stdout)
        XCTAssertEqual(only["status"]?.stringValue, "DOWN", p.stdout)
        XCTAssertEqual(only["error"]?.stringValue,
                       "connection closed during the TLS handshake (exporter at its connection limit, or stopping)", p.stdout)
        XCTAssertTrue(h.process?.stderr.contains("per-address connection limit (256) reached: refusing 127.0.0.1") == true)
    }
}
