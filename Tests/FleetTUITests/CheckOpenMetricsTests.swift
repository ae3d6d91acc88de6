import Common
import XCTest
@testable import FleetTUI

/// `fleet check --openmetrics`: the check's judgement as metrics, one state set per host.
final class CheckOpenMetricsTests: XCTestCase {
    func render() throws -> (lines: [String], report: CheckReport) {
        let report = FleetCheck.run(try SampleFleet.make(), options: CheckOptions(format: .openMetrics), now: Clock.now + 3)
        return (report.output.split(separator: "\n").map(String.init), report)
    }

    func test_each_host_has_its_status_as_a_state_set() throws {
        let (lines, _) = try render()
        let node02 = lines.filter { $0.hasPrefix(#"cephadm_fleet_host_status{host="ceph-node02","#) }
        XCTAssertEqual(node02.count, HostStatus.reported.count, "one series per status")
        XCTAssertEqual(node02.filter { $0.hasSuffix(" 1") }, [#"cephadm_fleet_host_status{host="ceph-node02",address="ceph-node02:9443",status="DEGRADED"} 1"#])
        XCTAssertTrue(lines.contains(#"cephadm_fleet_host_status{host="ceph-node03",address="10.0.0.3:9443",status="DOWN"} 1"#))
        XCTAssertTrue(lines.contains(#"cephadm_fleet_host_status{host="ceph-node04",address="ceph-node04:9443",status="AUTH"} 1"#))
        XCTAssertTrue(lines.contains(#"cephadm_fleet_host_status{host="ceph-node08",address="ceph-node08:9443",status="DOWN"} 1"#),
                      "a host without a result is DOWN, as in the check")
    }

    func test_ages_latency_skew_and_totals_follow_the_check() throws {
        let (lines, report) = try render()
        let age = try XCTUnwrap(lines.first { $0.hasPrefix(#"cephadm_fleet_host_data_age_seconds{host="ceph-node01",address="ceph-node01:9443",task="disks"} "#) })
        XCTAssertEqual(Double(age.split(separator: " ").last ?? "") ?? 0, 5.5, accuracy: 0.5, "2 s old at the poll (Date header to the second), 3 s later")
        XCTAssertTrue(lines.contains(#"cephadm_fleet_host_poll_latency_seconds{host="ceph-node07",address="ceph-node07:9443"} 0.25"#))
        XCTAssertFalse(lines.contains { $0.hasPrefix(#"cephadm_fleet_host_poll_latency_seconds{host="ceph-node03""#) },
                       "no answer, no latency")
        XCTAssertTrue(lines.contains(#"cephadm_fleet_host_clock_skew_seconds{host="ceph-node07",address="ceph-node07:9443"} -39.625"#))
        XCTAssertTrue(lines.contains(#"cephadm_fleet_hosts{status="OK"} 1"#))
        XCTAssertTrue(lines.contains(#"cephadm_fleet_hosts{status="DOWN"} 2"#))
        XCTAssertTrue(lines.contains("cephadm_fleet_check_state 2"))
        XCTAssertEqual(report.exitCode, 2, "the exit status is the check's")
        XCTAssertEqual(lines.filter { $0 == "# TYPE cephadm_fleet_host_status gauge" }.count, 1)
    }
}
