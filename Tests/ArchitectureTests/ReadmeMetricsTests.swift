import Common
import Foundation
import XCTest

@testable import FleetTUI

/// README is the operator's manual: every metric the exporter serves and every metric
/// `fleet check --openmetrics` prints is in its tables, with its type, labels and help.
final class ReadmeMetricsTests: XCTestCase {
    var readme: String {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            return try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        }
    }

    func test_the_exporters_metric_table_lists_every_family_as_served() throws {
        let text = try readme
        for f in ExporterMetric.all {
            let labels = f.labels.map { "`\($0)`" }.joined(separator: ", ")
            let row = "| `\(f.name)` | \(f.kind.rawValue) | \(labels) | \(f.help) |"
            XCTAssertTrue(text.contains(row), "README lacks the row\n\(row)")
        }
    }

    func test_the_openmetrics_table_lists_every_family_fleet_check_prints() throws {
        let text = try readme
        for f in CheckOpenMetrics.families {
            let labels = f.labels.map { "`\($0)`" }.joined(separator: ", ")
            let cells = "| `\(f.name)` | " + (labels.isEmpty ? "" : labels + " ") + "|"
            XCTAssertTrue(text.contains(cells), "README lacks \(cells)")
            XCTAssertEqual(f.kind, .gauge, "README says they are all gauges")
        }
    }
}
