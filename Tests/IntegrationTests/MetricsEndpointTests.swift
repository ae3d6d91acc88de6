import Common
import Foundation
import XCTest

/// `GET /metrics` on the real daemon and on simulated exporters, over TLS with the token,
/// checked by `promtool check metrics`.
final class MetricsEndpointTests: XCTestCase {
    override func setUp() async throws { try Promtool.skipUnlessInstalled() }

    func test_the_exporters_metrics_are_lint_clean_behind_the_token() throws {
        let h = try ExporterHarness()
        try h.start(["--ceph-volume", try h.fakeCephVolume(exitCode: 1)])
        XCTAssertTrue(TestPaths.eventually(timeout: 15) {
            (try? h.get("/metrics").text.contains(#"cephadm_exporter_task_failures_total{task="disks"} 1"#)) ?? false
        })
        XCTAssertEqual(try h.get("/metrics", token: "not-the-token").status, 401)
        let r = try h.get("/metrics")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8")
        XCTAssertNil(try Promtool.lint(r.text, in: h.tempDir))
        let lines = r.text.split(separator: "\n").map(String.init)
        for expected in [#"cephadm_exporter_task_active{task="host"} 1"#, #"cephadm_exporter_task_active{task="disks"} 0"#,
                         #"cephadm_exporter_http_requests_total{code="401"} 1"#] {
            XCTAssertTrue(lines.contains(expected), "missing \(expected) in\n\(r.text)")
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("cephadm_exporter_host_info{hostname=") }, r.text)
        for name in ["process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds", "process_max_fds",
                     "process_start_time_seconds", "cephadm_exporter_http_connections", "cephadm_exporter_time_seconds"] {
            XCTAssertTrue(lines.contains { $0.hasPrefix(name + " ") }, "missing \(name)")
        }
        let notAfter = try XCTUnwrap(Certificate.parse(pem: h.certificatePEM).notAfterEpoch)
        XCTAssertTrue(lines.contains("cephadm_exporter_certificate_expiry_timestamp_seconds \(notAfter)"), r.text)
    }

    func test_the_certificate_expiry_follows_a_reload() throws {
        let h = try ExporterHarness()
        let p = try h.start()
        let fresh = try SelfSignedCertificate.generate(validDays: 30)
        try h.write("crt", fresh.certificatePEM)
        try h.write("key", fresh.privateKeyPEM)
        p.signal(SIGHUP)
        XCTAssertTrue(TestPaths.eventually { p.stderr.contains("reload: new certificate") }, p.stderr)
        let r = try TestHTTPSClient(port: h.port, trusting: fresh.certificatePEM).request("GET", "/metrics", token: h.token)
        let notAfter = try XCTUnwrap(Certificate.parse(pem: fresh.certificatePEM).notAfterEpoch)
        XCTAssertTrue(r.text.contains("cephadm_exporter_certificate_expiry_timestamp_seconds \(notAfter)\n"), r.text)
    }

    func test_simulated_exporters_serve_lint_clean_metrics_with_their_dead_tasks() throws {
        let sim = try SimulatedFleetHarness(count: 3, seed: 1, extra: ["--behaviour", "dead-task"])
        let dead = try fetch(sim, host: 0)
        XCTAssertNil(try Promtool.lint(dead, in: sim.tempDir))
        XCTAssertTrue(dead.contains(#"cephadm_exporter_task_active{task="disks"} 0"#), dead)
        XCTAssertTrue(dead.contains(#"cephadm_exporter_task_active{task="host"} 1"#), dead)
        let allDead = try SimulatedFleetHarness(count: 1, seed: 1, behaviour: "all-dead")
        let text = try fetch(allDead, host: 0)
        XCTAssertNil(try Promtool.lint(text, in: allDead.tempDir))
        for task in ["daemons", "disks", "host"] {
            XCTAssertTrue(text.contains(#"cephadm_exporter_task_active{task="\#(task)"} 0"#), text)
        }
    }

    func test_fleet_check_openmetrics_is_lint_clean_for_node_exporters_textfile_collector() throws {
        let sim = try SimulatedFleetHarness(count: 20, seed: 3)
        let r = try sim.fleet(["check", "--hosts", sim.hostsPath, "--config", sim.configPath, "--openmetrics"])
        XCTAssertEqual(r.status, 2, "the check's exit status: seed 3 has down and auth hosts\n" + r.stderr)
        XCTAssertNil(try Promtool.lint(r.stdout, in: sim.tempDir))
        XCTAssertTrue(r.stdout.contains(#"cephadm_fleet_hosts{status="AUTH"} \#(sim.count(of: "wrong-token"))"#), r.stdout)
        XCTAssertEqual(r.stdout.split(separator: "\n").filter { $0.hasPrefix("cephadm_fleet_host_status{") && $0.hasSuffix(" 1") }.count, 20)
    }

    private func fetch(_ sim: SimulatedFleetHarness, host: Int) throws -> String {
        let config = try JSONParser.parse(try String(contentsOfFile: sim.configPath, encoding: .utf8))
        let client = try TestHTTPSClient(port: sim.basePort + host, trusting: config["crt"]?.stringValue ?? "")
        let r = try client.request("GET", "/metrics", token: config["token"]?.stringValue)
        XCTAssertEqual(r.status, 200)
        return r.text
    }
}
