import Common
import Foundation
import Glibc
import XCTest

/// `fleet apply` end to end over a real sshd on loopback: two hosts (127.0.0.2 and 127.0.0.3,
/// the same sshd) and one that fails (127.0.0.4, where nothing listens).
final class ApplySSHTests: XCTestCase {
    private var temp = ""

    override func setUpWithError() throws {
        try DeployBinaries.requireSubcommands()
        temp = try TestPaths.makeTempDir("apply-it")
    }

    override func tearDown() {
        if !temp.isEmpty { try? FileManager.default.removeItem(atPath: temp) }
    }

    func test_apply_over_ssh_deploys_each_host_reports_the_failed_one_converges_and_rm_cleans_up() throws {
        let sshdDir = temp + "/sshd"
        try FileManager.default.createDirectory(atPath: sshdDir, withIntermediateDirectories: true)
        let sshd = try LoopbackSSHD(addresses: ["127.0.0.2", "127.0.0.3"], in: sshdDir)
        let state = temp + "/state", data = temp + "/remote-data", units = temp + "/remote-units", logs = temp + "/remote-log"
        let hostsAll = temp + "/hosts-all.txt", hostsGood = temp + "/hosts-good.txt"
        try "# test hosts\n127.0.0.2:\(sshd.port)\n127.0.0.3:\(sshd.port)\n127.0.0.4:\(sshd.port)\n".write(toFile: hostsAll, atomically: true, encoding: .utf8)
        try "127.0.0.2:\(sshd.port)\n127.0.0.3:\(sshd.port)\n".write(toFile: hostsGood, atomically: true, encoding: .utf8)
        let common = ["--state-dir", state, "--remote-binary", TestPaths.exporter, "--remote-data-dir", data,
                      "--remote-unit-dir", units, "--remote-log-dir", logs, "--no-start", "--parallel", "3",
                      "--connect-timeout", "5", "--timeout", "60"] + sshd.fleetSSHArguments

        let first = try DeployBinaries.fleet(["apply", "--hosts", hostsAll] + common)
        XCTAssertEqual(first.status, 1, first.all)
        let rows = first.out.split(separator: "\n").map(String.init)
        XCTAssertTrue(rows.contains { $0.hasPrefix("127.0.0.2 ") && $0.contains(" deployed ") }, first.out)
        XCTAssertTrue(rows.contains { $0.hasPrefix("127.0.0.3 ") && $0.contains(" deployed ") }, first.out)
        XCTAssertTrue(rows.contains { $0.hasPrefix("127.0.0.4 ") && $0.contains(" failed ") && $0.contains("ssh: ") }, first.out)
        XCTAssertTrue(first.out.contains("3 hosts: 1 failed"))

        let config = try ExporterConfig.parse(text: try DeployBinaries.fleet(["config", "get", "--state-dir", state]).out, source: "get")
        let fsid = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: data).first)
        for host in ["127.0.0.2", "127.0.0.3"] {
            let dir = "\(data)/\(fsid)/cephadm-exporter.\(host)"
            XCTAssertEqual(DeployBinaries.read(dir + "/token"), config.token, host)
            XCTAssertEqual(DeployBinaries.mode(dir + "/key"), 0o600, host)
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(units)/ceph-\(fsid)-cephadm-exporter.\(host).service"), host)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(data)/\(fsid)/cephadm-exporter.127.0.0.4"))

        // Without the unreachable host, and with one daemon damaged, a second apply converges.
        try FileManager.default.removeItem(atPath: "\(data)/\(fsid)/cephadm-exporter.127.0.0.3/token")
        let second = try DeployBinaries.fleet(["apply", "--hosts", hostsGood] + common)
        XCTAssertEqual(second.status, 0, second.all)
        XCTAssertEqual(DeployBinaries.read("\(data)/\(fsid)/cephadm-exporter.127.0.0.3/token"), config.token)
        XCTAssertEqual(try DeployBinaries.fleet(["config", "get", "--state-dir", state]).out, config.prettyJSON, "the same config is redeployed")

        // fleet rm reaches the hosts as the spec recorded and purges the settings.
        let rm = try DeployBinaries.fleet(["rm", "--state-dir", state])
        XCTAssertEqual(rm.status, 0, rm.all)
        XCTAssertTrue(rm.out.contains("Purged"), rm.out)
        XCTAssertEqual(DeployBinaries.tree(data), [])
        XCTAssertEqual(DeployBinaries.tree(units), [])
        XCTAssertEqual(try DeployBinaries.fleet(["config", "get", "--state-dir", state]).out, "{}\n")
    }
}
