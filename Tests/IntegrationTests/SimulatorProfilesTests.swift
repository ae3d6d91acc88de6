import Common
import Foundation
import XCTest

/// `cephadm-exporter simulate` with realistic hosts: a few hundred start and answer, the bodies
/// it dumps, and a fleet split over two processes.
final class SimulatorProfilesTests: XCTestCase {
    func test_three_hundred_mixed_hosts_start_and_every_one_answers_ok() throws {
        let sim = try SimulatedFleetHarness(count: 300, behaviour: "healthy", extra: ["--profile", "mixed"])
        // The report follows the "simulating" line the harness waits for.
        _ = TestPaths.eventually(timeout: 10) { sim.process?.stderr.contains("started in") ?? false }
        let report = try XCTUnwrap(sim.process?.stderr.split(separator: "\n").first { $0.hasPrefix("profile mixed:") }, sim.process?.stderr ?? "")
        XCTAssertTrue(report.contains("/v1/metadata bodies") && report.contains("started in"), String(report))
        let hosts = try String(contentsOfFile: sim.hostsPath, encoding: .utf8)
        XCTAssertTrue(hosts.contains(" osd-24 healthy") && hosts.contains(" osd-60 healthy") && hosts.contains(" mon-3 healthy"), hosts)
        // A generous deadline: the debug build serves and parses ~20 MB here.
        let r = try sim.fleet(["check", "--hosts", sim.hostsPath, "--config", sim.configPath, "--json", "--timeout", "60"], timeout: 180)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual(try JSONParser.parse(r.stdout)["totals"]?["ok"]?.intValue, 300, r.stdout)
    }

    func test_dump_body_prints_the_metadata_document_of_each_profile() throws {
        let ranges: [(String, ClosedRange<Int>, Int)] = [("small", 18_000...23_000, 7), ("osd24", 66_000...80_000, 26), ("jbod60", 160_000...190_000, 62)]
        let dir = try TestPaths.makeTempDir("dump-body")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (profile, range, daemons) in ranges {
            let p = try SpawnedProcess([TestPaths.exporter, "simulate", "--dump-body", profile, "--seed", "4"], outputDir: dir, name: profile)
            XCTAssertEqual(p.wait(timeout: 30), 0, p.stderr)
            let body = Array(p.stdout.utf8)
            XCTAssertTrue(range.contains(body.count), "\(profile): \(body.count) bytes")
            let doc = try JSONParser.parse(body)
            XCTAssertEqual(doc["host"]?["data"]?["hostname"], "ceph-r01-n01")
            XCTAssertEqual(doc["daemons"]?["data"]?.arrayValue?.count, daemons, profile)
            XCTAssertEqual(doc["health"]?["tasks"]?["disks"], "active")
        }
        let bad = try SpawnedProcess([TestPaths.exporter, "simulate", "--dump-body", "huge"], outputDir: dir, name: "bad")
        XCTAssertEqual(bad.wait(timeout: 30), 2)
        XCTAssertTrue(bad.stderr.contains("--dump-body: 'huge' is not one of small, osd24, jbod60, mixed"), bad.stderr)
    }

    /// `--first-host` lets one fleet be served by several processes (when one process may not
    /// hold two descriptors per host): host i is the same host in either.
    func test_a_fleet_split_over_two_processes_serves_the_same_hosts() throws {
        let whole = try SimulatedFleetHarness(count: 4, behaviour: "healthy", extra: ["--profile", "mixed"])
        let part = try SimulatedFleetHarness(count: 2, behaviour: "healthy", extra: ["--profile", "mixed", "--first-host", "2"])
        for (k, i) in [(0, 2), (1, 3)] {
            for route in ["daemons", "disks"] {
                let a = try get(whole, port: whole.basePort + i, "/v1/metadata/\(route)")
                let b = try get(part, port: part.basePort + k, "/v1/metadata/\(route)")
                XCTAssertEqual(a.status, 200)
                XCTAssertEqual(try a.json()["data"], try b.json()["data"], "host \(i) \(route)")
            }
        }
        let names = try String(contentsOfFile: part.hostsPath, encoding: .utf8)
        XCTAssertTrue(names.contains("# ceph-r01-n03 ") && names.contains("# ceph-r01-n04 "), names)
    }

    private func get(_ sim: SimulatedFleetHarness, port: Int, _ path: String) throws -> TestHTTPSClient.Response {
        let config = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: sim.configPath))))
        let client = try TestHTTPSClient(port: port, trusting: config["crt"]?.stringValue ?? "")
        return try client.request("GET", path, token: config["token"]?.stringValue)
    }
}
