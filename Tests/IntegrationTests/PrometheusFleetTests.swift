import Common
import Foundation
import XCTest

/// A real Prometheus scraping a simulated fleet over TLS with the token, as
/// config/prometheus/prometheus.yml does: every reachable exporter is up, the dead tasks read 0,
/// the rules load and evaluate, the dashboard's queries run, and `fleet check --prometheus`
/// (and the dashboard) agree with polling every host directly.
final class PrometheusFleetTests: XCTestCase {
    override func setUp() async throws {
        try Promtool.skipUnlessInstalled()
        try PrometheusServer.skipUnlessInstalled()
    }

    func test_prometheus_scrapes_the_fleet_and_fleet_check_agrees_with_direct_polling() throws {
        // Seed 7 gives every behaviour among 30 hosts; the host task refreshes every 2 s, so the
        // stale host is stale (3 intervals, 6 s) well before the comparison at 9 s, and a healthy
        // one stays fresh even if a loaded machine delays a refresh by a few seconds.
        let started = Date()
        let sim = try SimulatedFleetHarness(count: 30, seed: 7, extra: ["--host-interval", "2"])
        for b in ["healthy", "dead-task", "all-dead", "slow", "refusing", "wrong-token", "stale"] {
            XCTAssertGreaterThan(sim.count(of: b), 0, "seed 7 has no \(b) host")
        }
        let config = try JSONParser.parse(try String(contentsOfFile: sim.configPath, encoding: .utf8))
        try (config["crt"]?.stringValue ?? "").write(toFile: sim.tempDir + "/cephadm-exporter.crt", atomically: true, encoding: .utf8)
        try (config["token"]?.stringValue ?? "").write(toFile: sim.tempDir + "/cephadm-exporter.token", atomically: true, encoding: .utf8)
        let prometheus = try PrometheusServer(config: scrapeConfig(sim), dir: sim.tempDir)

        // Two scrapes of every target.
        XCTAssertTrue(TestPaths.eventually(timeout: 15) {
            let counts = (try? prometheus.query(#"count_over_time(up{job="cephadm-exporter"}[1m])"#)) ?? []
            return counts.count == 30 && counts.allSatisfy { (Double($0["value"]?.arrayValue?.last?.stringValue ?? "") ?? 0) >= 2 }
        }, "Prometheus did not scrape every target twice:\n\(prometheus.log)")

        // Every exporter that answers with the token is up; the dead tasks read 0.
        let up = try byInstance(prometheus.query(#"up{job="cephadm-exporter"}"#))
        for (i, endpoint) in sim.endpoints.enumerated() {
            let expected = ["refusing", "wrong-token"].contains(sim.behaviours[i]) ? "0" : "1"
            XCTAssertEqual(up[endpoint], expected, "\(endpoint) (\(sim.behaviours[i]))")
        }
        let disks = try byInstance(prometheus.query(#"cephadm_exporter_task_active{task="disks"}"#))
        let hostTask = try byInstance(prometheus.query(#"cephadm_exporter_task_active{task="host"}"#))
        for (i, endpoint) in sim.endpoints.enumerated() {
            switch sim.behaviours[i] {
            case "dead-task":
                XCTAssertEqual(disks[endpoint], "0", endpoint)
                XCTAssertEqual(hostTask[endpoint], "1", endpoint)
            case "all-dead":
                XCTAssertEqual(disks[endpoint], "0", endpoint)
                XCTAssertEqual(hostTask[endpoint], "0", endpoint)
            case "refusing", "wrong-token":
                XCTAssertNil(disks[endpoint], "no metrics from \(endpoint)")
            default:
                XCTAssertEqual(disks[endpoint], "1", endpoint)
            }
        }

        // The alerting rules load and evaluate on real series; the dashboard's queries run.
        XCTAssertTrue(TestPaths.eventually(timeout: 5) {
            let groups = (try? prometheus.get("/api/v1/rules"))?["data"]?["groups"]?.arrayValue ?? []
            let rules = groups.flatMap { $0["rules"]?.arrayValue ?? [] }
            return rules.count == 6 && rules.allSatisfy { $0["health"]?.stringValue == "ok" }
        }, "the rules did not all evaluate: \(String(describing: try? prometheus.get("/api/v1/rules")))")
        let dashboard = try JSONParser.parse(try String(contentsOfFile: TestPaths.packageRoot + "/config/prometheus/cephadm-exporter.grafana.json",
                                                        encoding: .utf8))
        for expr in PrometheusConfigTests.dashboardExpressions(dashboard) {
            XCTAssertNoThrow(try prometheus.query(expr), expr)
        }

        // The same judgement both ways, host by host, once the stale host is stale.
        let wait = 9 - Date().timeIntervalSince(started)
        if wait > 0 { usleep(UInt32(wait * 1e6)) }
        let direct = try sim.fleet(["check", "--hosts", sim.hostsPath, "--config", sim.configPath, "--json"])
        let viaPrometheus = try sim.fleet(["check", "--prometheus", prometheus.url, "--json"])
        XCTAssertEqual(direct.status, 2, direct.stderr)
        XCTAssertEqual(viaPrometheus.status, direct.status, viaPrometheus.stdout + viaPrometheus.stderr)
        let directStatus = try statuses(direct.stdout)
        let promStatus = try statuses(viaPrometheus.stdout)
        XCTAssertEqual(Set(promStatus.keys), Set(sim.endpoints), "the hosts are the job's targets")
        for (i, endpoint) in sim.endpoints.enumerated() {
            XCTAssertEqual(promStatus[endpoint], directStatus[endpoint], "\(endpoint) (\(sim.behaviours[i]))")
        }
        XCTAssertEqual(Set(directStatus.values), ["OK", "DEGRADED", "DOWN", "AUTH"])

        // The dashboard draws the same fleet from Prometheus.
        if TmuxSession.available {
            let tmux = try TmuxSession(command: "\(TestPaths.fleet) --prometheus \(prometheus.url) --interval 1", dir: sim.tempDir)
            tmux.waitFor("the fleet from Prometheus") { $0.contains("30 hosts") && $0.contains("AUTH") && $0.contains("DEGRADED") }
            try tmux.send("q")
        }
    }

    /// The example scrape job of config/prometheus/prometheus.yml, with the fleet's targets and
    /// a 1 s interval; the rules file loaded from config/prometheus.
    private func scrapeConfig(_ sim: SimulatedFleetHarness) throws -> String {
        var text = try String(contentsOfFile: TestPaths.packageRoot + "/config/prometheus/prometheus.yml", encoding: .utf8)
        let targets = sim.endpoints.map { "\"\($0)\"" }.joined(separator: ", ")
        text = text.replacingOccurrences(of: "scrape_interval: 30s", with: "scrape_interval: 1s")
            .replacingOccurrences(of: "evaluation_interval: 30s", with: "evaluation_interval: 1s")
            .replacingOccurrences(of: "scrape_timeout: 10s", with: "scrape_timeout: 900ms")
            .replacingOccurrences(of: "credentials_file: cephadm-exporter.token", with: "credentials_file: \(sim.tempDir)/cephadm-exporter.token")
            .replacingOccurrences(of: "ca_file: cephadm-exporter.crt", with: "ca_file: \(sim.tempDir)/cephadm-exporter.crt")
            .replacingOccurrences(of: "  - cephadm-exporter.rules.yml", with: "  - \(TestPaths.packageRoot)/config/prometheus/cephadm-exporter.rules.yml")
        guard let start = text.range(of: "      - targets:") else { throw TestFailure("the example job has no static targets") }
        text = String(text[..<start.lowerBound]) + "      - targets: [\(targets)]\n"
        return text
    }

    private func byInstance(_ result: [JSONValue]) -> [String: String] {
        var out: [String: String] = [:]
        for r in result {
            if let instance = r["metric"]?["instance"]?.stringValue { out[instance] = r["value"]?.arrayValue?.last?.stringValue }
        }
        return out
    }

    /// `address:port` → status of a `fleet check --json` document.
    private func statuses(_ json: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for h in try JSONParser.parse(json)["hosts"]?.arrayValue ?? [] {
            let port = h["port"]?.intValue.map { ":\($0)" } ?? ""
            out[(h["address"]?.stringValue ?? "") + port] = h["status"]?.stringValue
        }
        return out
    }
}
