import Common
import XCTest
@testable import FleetTUI

final class CheckTests: XCTestCase {
    private func okFleet(_ n: Int, thresholds: Thresholds = Thresholds()) throws -> FleetState {
        var fleet = FleetState(hosts: testHosts((1...n).map { "node\($0)" }), defaultPort: 9443, thresholds: thresholds)
        let body = try MetadataBody.healthy(age: 2).bytes
        for i in 0..<n { fleet.fold(Poll.response(i, body: body, latency: Double(i + 1) / 1000)) }
        return fleet
    }

    func test_all_ok_summary_line_and_exit_0() throws {
        let report = FleetCheck.run(try okFleet(120), options: CheckOptions(), now: Clock.now + 0.5)
        XCTAssertEqual(report.summary,
                       "FLEET OK - 120/120 hosts ok | hosts_ok=120 hosts_degraded=0 hosts_down=0 hosts_auth=0 hosts_tls=0 "
                       + "hosts_bad=0 latency_p99=119ms stale_max=2s")
        XCTAssertEqual(report.exitCode, 0)
        XCTAssertTrue(report.output.hasPrefix(report.summary + "\nHOST "))
    }

    func test_a_degraded_host_is_a_warning_with_exit_1() throws {
        var fleet = try okFleet(3)
        var body = try MetadataBody.healthy()
        body.set("disks", "inactive")
        fleet.fold(Poll.response(1, status: 206, body: body.bytes))
        let report = FleetCheck.run(fleet, options: CheckOptions(quiet: true), now: Clock.now)
        XCTAssertEqual(report.state, .warning)
        XCTAssertEqual(report.exitCode, 1)
        XCTAssertEqual(report.output,
                       "FLEET WARNING - 2/3 hosts ok, 1 degraded | hosts_ok=2 hosts_degraded=1 hosts_down=0 hosts_auth=0 "
                       + "hosts_tls=0 hosts_bad=0 latency_p99=4ms stale_max=2s\n")
    }

    func test_down_auth_tls_and_bad_hosts_are_critical_with_exit_2() throws {
        let report = FleetCheck.run(try SampleFleet.make(), options: CheckOptions(quiet: true), now: Clock.now + 3)
        XCTAssertEqual(report.exitCode, 2)
        XCTAssertEqual(report.output,
                       "FLEET CRITICAL - 1/8 hosts ok, 2 down, 1 auth, 1 tls, 1 bad, 2 degraded | hosts_ok=1 hosts_degraded=2 "
                       + "hosts_down=2 hosts_auth=1 hosts_tls=1 hosts_bad=1 latency_p99=250ms stale_max=73s\n")
        for failure in [PollFailure.tls("x"), .protocolError("x"), .resolve("x")] {
            var fleet = try okFleet(2)
            fleet.fold(Poll.failure(0, failure))
            XCTAssertEqual(FleetCheck.run(fleet, options: CheckOptions(), now: Clock.now).exitCode, 2, "\(failure)")
        }
    }

    func test_a_host_without_a_result_counts_as_down() throws {
        let fleet = FleetState(hosts: testHosts(["a", "b"]))
        let report = FleetCheck.run(fleet, options: CheckOptions(), now: Clock.now)
        XCTAssertEqual(report.summary,
                       "FLEET CRITICAL - 0/2 hosts ok, 2 down | hosts_ok=0 hosts_degraded=0 hosts_down=2 hosts_auth=0 "
                       + "hosts_tls=0 hosts_bad=0 latency_p99=U stale_max=U")
        XCTAssertTrue(report.output.contains("no result during the sweep"))
    }

    func test_warn_and_crit_age_thresholds_apply_to_data_age() throws {
        var thresholds = Thresholds(warnAgeSecs: 1, critAgeSecs: 10)
        var fleet = try okFleet(3, thresholds: thresholds)
        var report = FleetCheck.run(fleet, options: CheckOptions(quiet: true), now: Clock.now)
        XCTAssertEqual(report.state, .warning, report.summary)
        XCTAssertTrue(report.summary.hasPrefix("FLEET WARNING - 3/3 hosts ok, 3 with data older than 1s |"), report.summary)

        // 5 s later the data is 7.5 s old on the exporter's clock: still under crit.
        XCTAssertEqual(FleetCheck.run(fleet, options: CheckOptions(), now: Clock.now + 5).state, .warning)
        // 12 s later it is over crit.
        report = FleetCheck.run(fleet, options: CheckOptions(quiet: true), now: Clock.now + 12)
        XCTAssertEqual(report.state, .critical)
        XCTAssertTrue(report.summary.hasPrefix("FLEET CRITICAL - 3/3 hosts ok, 3 with data older than 10s |"), report.summary)

        thresholds = Thresholds(warnAgeSecs: 30, critAgeSecs: 60)
        fleet = try okFleet(3, thresholds: thresholds)
        XCTAssertEqual(FleetCheck.run(fleet, options: CheckOptions(), now: Clock.now).state, .ok)
    }

    func test_text_table_lists_the_worst_hosts_first_in_plain_words() throws {
        let report = FleetCheck.run(try SampleFleet.make(), options: CheckOptions(), now: Clock.now + 3)
        let lines = report.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 10)
        XCTAssertEqual(lines[1], "HOST         ADDRESS           STATUS    DAEMONS  DISKS    FACTS  LATENCY  SKEW   ERROR")
        XCTAssertEqual(lines[2], "ceph-node03  10.0.0.3:9443     DOWN      -        -        -      -        -      "
                       + "connection refused: connect 10.0.0.3:9443: Connection refused")
        XCTAssertEqual(lines[7], "ceph-node02  ceph-node02:9443  DEGRADED  8s       stopped  8s     12ms     +1.5s  "
                       + "disks inactive (disks: RuntimeError exception: Failed command: /usr/bin/podman run ceph-volume)")
        XCTAssertEqual(lines[9], "ceph-node01  ceph-node01:9443  OK        5s       5s       5s     4.0ms    +0.5s")
        XCTAssertFalse(report.output.contains("●"), "no glyphs in mail and logs")
    }

    func test_json_document_is_stable_and_complete() throws {
        let fleet = try SampleFleet.make()
        let report = FleetCheck.run(fleet, options: CheckOptions(format: .json), now: Clock.now + 3)
        XCTAssertEqual(report.exitCode, 2)
        let doc = try JSONParser.parse(report.output)
        XCTAssertEqual(doc.objectValue?.keys, ["summary", "state", "exit_code", "checked_at", "thresholds", "totals",
                                               "latency_p99_ms", "stale_max_secs", "hosts"])
        XCTAssertEqual(doc["summary"]?.stringValue, report.summary)
        XCTAssertEqual(doc["state"], "CRITICAL")
        XCTAssertEqual(doc["exit_code"], 2)
        XCTAssertEqual(doc["totals"], ["hosts": 8, "ok": 1, "degraded": 2, "down": 2, "auth": 1, "tls": 1, "bad": 1])
        XCTAssertEqual(doc["latency_p99_ms"], 250.0)
        XCTAssertEqual(doc["thresholds"], ["stale_after_factor": 3.0, "stale_after_secs": nil, "warn_age_secs": nil, "crit_age_secs": nil,
                                               "cert_warn_secs": 2_592_000.0])

        let hosts = try XCTUnwrap(doc["hosts"]?.arrayValue)
        XCTAssertEqual(hosts.count, 8)
        XCTAssertEqual(hosts[0].objectValue?.keys, ["name", "address", "port", "status", "state", "http_status", "tasks",
                                                    "max_age_secs", "latency_ms", "skew_secs", "certificate_expiry_epoch_secs", "error"])
        XCTAssertEqual(hosts[0]["name"], "ceph-node01")
        XCTAssertEqual(hosts[0]["port"], 9443)
        XCTAssertEqual(hosts[0]["status"], "OK")
        XCTAssertEqual(hosts[0]["tasks"]?["host"], ["state": "active", "age_secs": 5.496, "scrape_errors": 0])
        XCTAssertEqual(hosts[0]["latency_ms"], 4.0)
        XCTAssertEqual(hosts[0]["error"], .null)
        XCTAssertEqual(hosts[1]["tasks"]?["disks"], ["state": "inactive", "age_secs": nil, "scrape_errors": 1])
        XCTAssertEqual(hosts[2]["address"], "10.0.0.3")
        XCTAssertEqual(hosts[2]["status"], "DOWN")
        XCTAssertEqual(hosts[2]["tasks"], .object(JSONObject()))
        XCTAssertEqual(hosts[2]["latency_ms"], .null)
        XCTAssertEqual(hosts[6]["skew_secs"]?.doubleValue ?? 0, -39.625, accuracy: 0.001)
        XCTAssertEqual(hosts[7]["status"], "DOWN")
        XCTAssertEqual(hosts[7]["error"], "no result during the sweep")
    }

    func test_quiet_wins_over_json() throws {
        let report = FleetCheck.run(try okFleet(1), options: CheckOptions(format: .json, quiet: true), now: Clock.now)
        XCTAssertEqual(report.output, report.summary + "\n")
    }

    func test_an_empty_fleet_is_unknown() {
        let report = FleetCheck.run(FleetState(hosts: []), options: CheckOptions(), now: Clock.now)
        XCTAssertEqual(report.exitCode, 3)
        XCTAssertTrue(report.summary.hasPrefix("FLEET UNKNOWN - no hosts to check |"), report.summary)
    }
}
