import Common
import Foundation
import XCTest

/// The real exporter beside clients that flood it or hold its connections: a well-behaved
/// client keeps its latency, the daemon stays near idle and still stops on time.
///
/// Bounds are generous for a loaded 2-core machine and still far from the old behaviour
/// (seconds of latency, a spinning core, 10 s to stop).
final class HostileClientTests: XCTestCase {
    override func setUp() {
        HostilePeers.prepareProcess()
    }

    /// Three clients streaming CRLFs and `pipeliners` pipelining requests, against `h`.
    private func floods(against h: ExporterHarness, pipeliners: Int) -> (crlf: FloodingClients, pipelining: FloodingClients) {
        (FloodingClients(kind: .emptyLines, count: 3, port: h.port, certificatePEM: h.certificatePEM),
         FloodingClients(kind: .pipelining(token: h.token), count: pipeliners, port: h.port, certificatePEM: h.certificatePEM))
    }

    /// The p99 latency of the probe against `h` with nothing else going on.
    private func quietLatencyP99(_ h: ExporterHarness) -> Double {
        LatencyProbe.percentile(LatencyProbe.measure(port: h.port, pem: h.certificatePEM, token: h.token, count: 300).latenciesMs, 0.99)
    }

    /// The target is the issue's 30 ms. On a machine loaded by other work the probe's own
    /// scheduling delays add to it, so the bound is 30 ms plus four times the p99 the same probe
    /// measures just before, with no flood (about 1-2 ms on an idle machine), and a burst of
    /// load elsewhere gets two more windows of 200 requests: one must meet the bound. The old
    /// server took seconds here in every window, or never answered.
    func test_a_normal_client_keeps_p99_under_30_ms_beside_CRLF_and_pipelining_floods() throws {
        let h = try ExporterHarness()
        try h.start()
        let quietP99 = quietLatencyP99(h)
        let bound = 30 + 4 * quietP99
        let (crlf, pipelining) = floods(against: h, pipeliners: 1)
        defer { [crlf, pipelining].forEach { $0.stop() } }
        usleep(300_000)
        var windows: [String] = []
        var met = false
        for _ in 0..<3 where !met {
            let probe = LatencyProbe.measure(port: h.port, pem: h.certificatePEM, token: h.token, count: 200)
            XCTAssertEqual(probe.failures, 0)
            let p99 = LatencyProbe.percentile(probe.latenciesMs, 0.99)
            windows.append("p99 \(p99) ms (max \(probe.latenciesMs.max() ?? 0) ms)")
            met = p99 < bound
        }
        XCTAssertTrue(met, "bound \(bound) ms (quiet p99 \(quietP99) ms); under the floods: \(windows.joined(separator: ", "))")
        XCTAssertGreaterThan(crlf.cutOffs.load(ordering: .relaxed), 0, "CRLF flooders are cut off")
        XCTAssertGreaterThan(pipelining.answered.load(ordering: .relaxed), 500, "the pipelining client is served too, in turn")
    }

    func test_1100_idle_connections_from_another_address_under_1024_descriptors_lock_no_one_out() throws {
        let h = try ExporterHarness()
        let p = try h.start(openFiles: 1024)
        XCTAssertTrue(p.stderr.contains("allows 960 connections, not 1024"), p.stderr)
        let bound = 30 + 4 * quietLatencyP99(h)
        var idle: [Int32] = []
        defer { idle.forEach { close($0) } }
        for _ in 0..<1100 {
            guard let fd = HostilePeers.socketTo(h.port, from: "127.0.0.2") else { break }
            idle.append(fd)
        }
        XCTAssertEqual(idle.count, 1100, "the kernel queues every connect")
        usleep(300_000)
        let before = processCPUSeconds(p.pid)
        usleep(1_000_000)
        let idleCPU = processCPUSeconds(p.pid) - before
        XCTAssertLessThan(idleCPU, 0.1, "the exporter used \(idleCPU) s of CPU in 1 s with idle connections open")
        let probe = LatencyProbe.measure(port: h.port, pem: h.certificatePEM, token: h.token, count: 100)
        XCTAssertEqual(probe.failures, 0)
        XCTAssertLessThan(LatencyProbe.percentile(probe.latenciesMs, 0.99), bound)
        XCTAssertTrue(TestPaths.eventually(timeout: 3) { p.stderr.contains("per-address connection limit (240) reached: refusing 127.0.0.2") },
                      p.stderr)
        XCTAssertEqual(try h.get("/v1/metadata/host").status, 200, "the tasks still open their files")
    }

    func test_sigterm_exits_within_2_s_under_a_flood() throws {
        let h = try ExporterHarness()
        let p = try h.start()
        let (crlf, pipelining) = floods(against: h, pipeliners: 2)
        defer { [crlf, pipelining].forEach { $0.stop() } }
        usleep(500_000)
        let t0 = Date()
        p.signal(SIGTERM)
        XCTAssertEqual(p.wait(timeout: 10), 0, p.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 2.5)
    }

    func test_a_simulated_slow_host_stays_idle_when_its_clients_give_up() throws {
        let sim = try SimulatedFleetHarness(count: 1, behaviour: "slow", extra: ["--slow-delay", "3"])
        let process = try XCTUnwrap(sim.process)
        let config = try JSONParser.parse(try String(contentsOfFile: sim.configPath, encoding: .utf8))
        let pem = try XCTUnwrap(config["crt"]?.stringValue)
        var halfClosed: [TestHTTPSClient] = []
        for i in 0..<4 {
            let c = try TestHTTPSClient(port: sim.basePort, trusting: pem)
            try c.sendRaw("GET /v1/metadata HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer fleet-test-token-1234\r\n\r\n")
            if i % 2 == 0 {
                shutdown(c.fd, Int32(SHUT_WR))  // done sending, still reading
                halfClosed.append(c)
            }  // the others close at once
        }
        usleep(300_000)
        let before = processCPUSeconds(process.pid)
        usleep(1_000_000)
        let used = processCPUSeconds(process.pid) - before
        XCTAssertLessThan(used, 0.1, "the simulator used \(used) s of CPU in 1 s while its answers were pending")
        XCTAssertEqual(try halfClosed[0].readResponse().status, 200, "a half-closed client still gets its answer")
    }
}
