import Common
import Foundation
import XCTest

/// `fleet check` against a simulated fleet over real TLS: counts, exit codes, JSON.
final class FleetCheckTests: XCTestCase {
    func test_mixed_fleet_counts_each_status_and_exits_2() throws {
        let sim = try SimulatedFleetHarness(count: 40, seed: 3)
        let r = try sim.fleet(["check", "--hosts", sim.hostsPath, "--config", sim.configPath, "--json"])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        let j = try JSONParser.parse(r.stdout)
        let totals = try XCTUnwrap(j["totals"], r.stdout)
        let ok = sim.count(of: "healthy") + sim.count(of: "slow") + sim.count(of: "stale")
        XCTAssertEqual(totals["ok"]?.intValue, ok, r.stdout)
        XCTAssertEqual(totals["degraded"]?.intValue, sim.count(of: "dead-task"))
        XCTAssertEqual(totals["down"]?.intValue, sim.count(of: "all-dead") + sim.count(of: "refusing"))
        XCTAssertEqual(totals["auth"]?.intValue, sim.count(of: "wrong-token"))
        XCTAssertEqual(j["hosts"]?.arrayValue?.count, 40)
        XCTAssertGreaterThan(sim.count(of: "wrong-token") + sim.count(of: "dead-task") + sim.count(of: "refusing"), 0,
                             "seed 3 must give a mix")
    }

    /// `--loops 3` spreads the hosts over three pollers: every host is still polled once and
    /// judged as one poller judges it, in the inventory's order.
    func test_hosts_spread_over_several_loops_get_the_same_verdicts() throws {
        let sim = try SimulatedFleetHarness(count: 40, seed: 3)
        func verdicts(_ extra: [String]) throws -> [String] {
            let r = try sim.fleet(["check", "--hosts", sim.hostsPath, "--config", sim.configPath, "--json"] + extra)
            XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
            let hosts = try XCTUnwrap(JSONParser.parse(r.stdout)["hosts"]?.arrayValue, r.stdout)
            return hosts.map { "\($0["address"]?.stringValue ?? "?") \($0["status"]?.stringValue ?? "?")" }
        }
        let one = try verdicts(["--loops", "1"])
        XCTAssertEqual(one.count, 40)
        XCTAssertEqual(try verdicts(["--loops", "3"]), one)
        let bad = try sim.fleet(["check", "--hosts", sim.hostsPath, "--config", sim.configPath, "--loops", "0"])
        XCTAssertEqual(bad.status, 3, "--loops 0 is refused: " + bad.stdout)
    }

    func test_all_healthy_is_ok_with_exit_0_and_a_nagios_summary() throws {
        let sim = try SimulatedFleetHarness(count: 5, behaviour: "healthy")
        let r = try sim.fleet(["check", "--hosts", sim.hostsPath, "--config", sim.configPath])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let first = r.stdout.split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertTrue(first.hasPrefix("FLEET OK - 5/5 hosts ok | hosts_ok=5 hosts_degraded=0 hosts_down=0"), first)
        XCTAssertTrue(first.contains("latency_p99="), first)
        XCTAssertTrue(r.stdout.contains("127.0.0.1:\(sim.basePort)"), r.stdout)
    }

    func test_dead_task_fleet_is_degraded_with_exit_1() throws {
        let sim = try SimulatedFleetHarness(count: 3, behaviour: "dead-task")
        let r = try sim.fleet(["check", "--hosts", sim.hostsPath, "--config", sim.configPath, "--quiet"])
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.hasPrefix("FLEET WARNING"), r.stdout)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 1, "--quiet prints only the summary")
    }

    func test_stale_data_turns_degraded_after_three_intervals() throws {
        let sim = try SimulatedFleetHarness(count: 2, behaviour: "stale", extra: ["--host-interval", "0.2"])
        usleep(1_200_000)
        let r = try sim.fleet(["check", "--hosts", sim.hostsPath, "--config", sim.configPath, "--json"])
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertEqual(try JSONParser.parse(r.stdout)["totals"]?["degraded"]?.intValue, 2)
    }

    func test_a_certificate_the_hosts_do_not_have_is_a_tls_failure() throws {
        let sim = try SimulatedFleetHarness(count: 2, behaviour: "healthy")
        let other = try SelfSignedCertificate.generate()
        let path = sim.tempDir + "/other.json"
        try JSONWriter.pretty(["crt": .string(other.certificatePEM), "token": "fleet-test-token-1234"]).write(toFile: path, atomically: true, encoding: .utf8)
        let r = try sim.fleet(["check", "--hosts", sim.hostsPath, "--config", path, "--json"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(try JSONParser.parse(r.stdout)["totals"]?["tls"]?.intValue, 2, r.stdout)
    }

    func test_bad_arguments_and_unreadable_inputs_exit_3() throws {
        let sim = try SimulatedFleetHarness(count: 1, behaviour: "healthy")
        let missing = try sim.fleet(["check", "--hosts", sim.tempDir + "/nope.txt", "--config", sim.configPath])
        XCTAssertEqual(missing.status, 3)
        XCTAssertTrue(missing.stdout.hasPrefix("FLEET UNKNOWN"), missing.stdout)
        let badHosts = sim.tempDir + "/bad.txt"
        try "host-a:notaport\n\n# only junk\n".write(toFile: badHosts, atomically: true, encoding: .utf8)
        let junk = try sim.fleet(["check", "--hosts", badHosts, "--config", sim.configPath])
        XCTAssertEqual(junk.status, 3)
        XCTAssertTrue(junk.stderr.contains("bad.txt:1"), junk.stderr)
        XCTAssertEqual(try sim.fleet(["check", "--hosts", sim.hostsPath, "--config", sim.configPath, "--timeout", "x"]).status, 3)
    }
}
