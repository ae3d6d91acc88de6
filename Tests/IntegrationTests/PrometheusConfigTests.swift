import Common
import Foundation
import XCTest

/// `config/prometheus`: the scrape job, the alerting rules with their unit tests, and the
/// Grafana dashboard, each checked by the tool that reads it (or against the metric list).
final class PrometheusConfigTests: XCTestCase {
    let dir = TestPaths.packageRoot + "/config/prometheus"

    override func setUp() async throws { try Promtool.skipUnlessInstalled() }

    func test_the_alerting_rules_are_valid_and_pass_their_unit_tests() throws {
        let tmp = try TestPaths.makeTempDir("prom-rules")
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let check = try Promtool.run(["check", "rules", dir + "/cephadm-exporter.rules.yml"], in: tmp)
        XCTAssertEqual(check.status, 0, check.output)
        XCTAssertTrue(check.output.contains("SUCCESS: 6 rules found"), check.output)
        let test = try Promtool.run(["test", "rules", dir + "/cephadm-exporter.rules.test.yml"], in: tmp)
        XCTAssertEqual(test.status, 0, test.output)
        XCTAssertTrue(test.output.contains("SUCCESS"), test.output)
    }

    func test_the_example_scrape_config_is_valid_with_its_crt_and_token_beside_it() throws {
        let tmp = try TestPaths.makeTempDir("prom-config")
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        for name in ["prometheus.yml", "cephadm-exporter.rules.yml"] {
            try FileManager.default.copyItem(atPath: "\(dir)/\(name)", toPath: "\(tmp)/\(name)")
        }
        let config = try ExporterConfig.generate()
        try config.crt.write(toFile: tmp + "/cephadm-exporter.crt", atomically: true, encoding: .utf8)
        try config.token.write(toFile: tmp + "/cephadm-exporter.token", atomically: true, encoding: .utf8)
        let r = try Promtool.run(["check", "config", tmp + "/prometheus.yml"], in: tmp)
        XCTAssertEqual(r.status, 0, r.output)
        let text = try String(contentsOfFile: dir + "/prometheus.yml", encoding: .utf8)
        XCTAssertTrue(text.contains("server_name: \(ExporterConfig.serverName)"), "the job verifies the name generated certificates carry")
    }

    func test_rules_and_dashboard_use_only_metrics_the_exporter_serves() throws {
        let known = Set(ExporterMetric.all.map(\.name))
        let rules = try String(contentsOfFile: dir + "/cephadm-exporter.rules.yml", encoding: .utf8)
        let dashboard = try JSONParser.parse(try String(contentsOfFile: dir + "/cephadm-exporter.grafana.json", encoding: .utf8))
        let exprs = Self.dashboardExpressions(dashboard)
        XCTAssertGreaterThanOrEqual(exprs.count, 8)
        let sources = [("rules", rules)] + exprs.map({ ("dashboard", $0) })
        for (source, text) in sources {
            for name in Self.metricNames(in: text) {
                XCTAssertTrue(known.contains(name), "\(source) uses \(name), which /metrics does not serve")
            }
        }
    }

    /// Every `expr` of the dashboard's panels.
    static func dashboardExpressions(_ dashboard: JSONValue) -> [String] {
        (dashboard["panels"]?.arrayValue ?? []).flatMap { panel in
            (panel["targets"]?.arrayValue ?? []).compactMap { $0["expr"]?.stringValue }
        }
    }

    /// Identifiers that look like metric names: ours and the process_ ones.
    static func metricNames(in text: String) -> Set<String> {
        var names = Set<String>()
        var current = ""
        for c in text + " " {
            if c.isLetter || c.isNumber || c == "_" {
                current.append(c)
            } else {
                if current.hasPrefix("cephadm_exporter_") || current.hasPrefix("process_") {
                    names.insert(current)
                }
                current = ""
            }
        }
        return names
    }
}
