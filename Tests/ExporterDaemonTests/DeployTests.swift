import XCTest
import Glibc
import Synchronization
@testable import ExporterDaemon
@testable import Common

final class DeployTests: DeployTestCase {
    func test_deploy_writes_every_file_with_its_mode() throws {
        let old = umask(0)
        defer { umask(old) }
        let config = try configJSON(port: 9555)
        let r = deploy(["--config-json", writeFile("c.json", config), "--no-start"])
        XCTAssertEqual(r.status, 0, r.err)
        let parsed = try ExporterConfig.parse(text: config, source: "c")
        XCTAssertEqual(mode("\(dataDir)/\(fsid)"), 0o700)
        XCTAssertEqual(mode(daemonDir), 0o700)
        XCTAssertEqual(read(daemonDir + "/crt"), parsed.crt)
        XCTAssertEqual(read(daemonDir + "/key"), parsed.key)
        XCTAssertEqual(read(daemonDir + "/token"), parsed.token)
        for secret in ["crt", "key", "token"] { XCTAssertEqual(mode(daemonDir + "/" + secret), 0o600, secret) }
        XCTAssertEqual(mode(daemonDir + "/unit.run"), 0o700)
        for marker in ["unit.meta", "unit.created", "unit.configured"] { XCTAssertEqual(mode(daemonDir + "/" + marker), 0o600, marker) }
        XCTAssertEqual(try JSONParser.parse(XCTUnwrap(read(daemonDir + "/unit.meta")))["ports"], [9555])
        XCTAssertEqual(mode("\(logDir)/\(fsid)"), 0o770)
        XCTAssertEqual(mode(unitFile), 0o644)
        XCTAssertTrue(read(unitFile)?.contains("--port 9555 ") ?? false)
        XCTAssertTrue(read(daemonDir + "/unit.run")?.contains("exec /usr/bin/true run --fsid \(fsid) --id host1 --port 9555") ?? false,
                      read(daemonDir + "/unit.run") ?? "")
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(unitDir)/ceph-\(fsid).target"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(unitDir)/ceph.target"))
        XCTAssertTrue(r.out.contains("--no-start"), r.out)
    }

    func test_config_can_come_from_stdin() throws {
        let r = deploy(["--config-json", "-", "--no-start"], stdin: try configJSON(token: "from-stdin-token"))
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(read(daemonDir + "/token"), "from-stdin-token")
    }

    func test_deploying_twice_gives_the_same_files() throws {
        let path = writeFile("c.json", try configJSON())
        XCTAssertEqual(deploy(["--config-json", path, "--no-start"]).status, 0)
        let first = snapshot(root + "/data").merging(snapshot(unitDir)) { a, _ in a }
        let created = try FileManager.default.attributesOfItem(atPath: daemonDir + "/unit.created")[.modificationDate] as? Date
        XCTAssertEqual(deploy(["--config-json", path, "--no-start"]).status, 0)
        let second = snapshot(root + "/data").merging(snapshot(unitDir)) { a, _ in a }
        XCTAssertEqual(first, second)
        let createdAgain = try FileManager.default.attributesOfItem(atPath: daemonDir + "/unit.created")[.modificationDate] as? Date
        XCTAssertEqual(created, createdAgain, "unit.created is written only once")
    }

    func test_redeploy_with_a_shorter_token_leaves_no_tail_of_the_old_one() throws {
        XCTAssertEqual(deploy(["--config-json", writeFile("a.json", try configJSON(token: "a-rather-long-first-token")), "--no-start"]).status, 0)
        XCTAssertEqual(deploy(["--config-json", writeFile("b.json", try configJSON(token: "short-tk")), "--no-start"]).status, 0)
        XCTAssertEqual(read(daemonDir + "/token"), "short-tk")
    }

    func test_redeploy_without_a_port_keeps_the_deployed_port_and_port_option_overrides() throws {
        XCTAssertEqual(deploy(["--config-json", writeFile("a.json", try configJSON(port: 9601)), "--no-start"]).status, 0)
        XCTAssertEqual(deploy(["--config-json", writeFile("b.json", try configJSON(port: nil)), "--no-start"]).status, 0)
        XCTAssertEqual(UnitMeta.port(inFileText: read(daemonDir + "/unit.meta") ?? ""), 9601)
        XCTAssertEqual(deploy(["--config-json", writeFile("c.json", try configJSON(port: 9601)), "--port", "9602", "--no-start"]).status, 0)
        XCTAssertTrue(read(unitFile)?.contains("--port 9602 ") ?? false)
    }

    func test_first_deploy_without_any_port_uses_9443() throws {
        XCTAssertEqual(deploy(["--config-json", writeFile("a.json", try configJSON(port: nil)), "--no-start"]).status, 0)
        XCTAssertEqual(UnitMeta.port(inFileText: read(daemonDir + "/unit.meta") ?? ""), 9443)
    }

    func test_invalid_config_is_reported_by_field_and_nothing_is_written() throws {
        let path = writeFile("bad.json", #"{"crt": "x", "key": "y", "token": "z", "port": 80}"#)
        let r = deploy(["--config-json", path, "--no-start"])
        XCTAssertEqual(r.status, 1)
        for field in ["crt", "key", "token", "port"] {
            XCTAssertTrue(r.err.contains("\(path): \(field): "), r.err)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dataDir))
        XCTAssertFalse(FileManager.default.fileExists(atPath: unitDir))
    }

    func test_pkcs1_keys_are_accepted_on_the_host_side_too() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/exporter-config")
        let crt = try String(contentsOf: fixtures.appendingPathComponent("rsa-pkcs1.crt"), encoding: .utf8)
        let key = try String(contentsOf: fixtures.appendingPathComponent("rsa-pkcs1.key"), encoding: .utf8)
        let json = JSONWriter.pretty(["crt": .string(crt), "key": .string(key), "token": "12345678", "port": 9443])
        XCTAssertEqual(deploy(["--config-json", writeFile("c.json", json), "--no-start"]).status, 0)
    }

    func test_a_busy_port_is_refused_before_anything_is_written() throws {
        let r = deploy(["--config-json", writeFile("a.json", try configJSON(port: 9700)), "--no-start"], portIsFree: { $0 != 9700 })
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("port 9700 is already in use"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dataDir))
    }

    func test_redeploy_on_the_same_port_does_not_trip_over_the_running_daemon() throws {
        let path = writeFile("a.json", try configJSON(port: 9700))
        XCTAssertEqual(deploy(["--config-json", path, "--no-start"]).status, 0)
        // The daemon now holds 9700 itself (Pacific failed here: Q4).
        XCTAssertEqual(deploy(["--config-json", path, "--no-start"], portIsFree: { $0 != 9700 }).status, 0)
    }

    func test_bind_address_goes_into_the_unit_and_unit_run() throws {
        XCTAssertEqual(deploy(["--config-json", writeFile("a.json", try configJSON()), "--bind", "127.0.0.1", "--no-start"]).status, 0)
        XCTAssertTrue(read(unitFile)?.contains("--port 9443 --bind 127.0.0.1 --data-dir") ?? false)
        XCTAssertTrue(read(daemonDir + "/unit.run")?.contains("--port 9443 --bind 127.0.0.1 --data-dir") ?? false)
        XCTAssertEqual(deploy(["--config-json", writeFile("b.json", try configJSON()), "--bind", "localhost"]).status, 2)
    }

    func test_port_probe_sees_a_port_held_by_another_socket() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        XCTAssertTrue(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        XCTAssertFalse(PortProbe.isFree(port, bind: "127.0.0.1"))
        XCTAssertFalse(PortProbe.isFree(port))
        close(fd)
        XCTAssertTrue(PortProbe.isFree(port, bind: "127.0.0.1"))
    }

    func test_usage_errors_exit_2() throws {
        let path = writeFile("a.json", try configJSON())
        XCTAssertEqual(deploy([]).status, 2)
        XCTAssertEqual(deploy(["--config-json", path, "--port", "80"]).status, 2)
        XCTAssertEqual(deploy(["--config-json", path, "--id", "../x"]).status, 2)
        let captured = CapturedCommandIO()
        XCTAssertEqual(DeployCommand.run(["--help"], io: captured.io, systemd: noSystemd, portIsFree: { _, _ in true }), 0)
        XCTAssertTrue(captured.out.contains("Usage: cephadm-exporter deploy"))
    }

    func test_binary_must_be_an_executable_file() throws {
        let captured = CapturedCommandIO()
        let status = DeployCommand.run(["--fsid", fsid, "--id", "h", "--config-json", writeFile("a.json", try configJSON()),
                                        "--data-dir", dataDir, "--binary", writeFile("notexec", "x")],
                                       io: captured.io, systemd: noSystemd, portIsFree: { _, _ in true })
        XCTAssertEqual(status, 1)
        XCTAssertTrue(captured.err.contains("is not an executable file"), captured.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dataDir))
    }

    func test_without_systemd_the_output_says_the_unit_was_not_started() throws {
        let r = deploy(["--config-json", writeFile("a.json", try configJSON())])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("systemd is not running here"), r.out)
        XCTAssertTrue(r.out.contains("unit.run"), r.out)
    }

    func test_with_systemd_the_unit_is_reloaded_enabled_and_restarted() throws {
        let calls = CallLog()
        let r = deploy(["--config-json", writeFile("a.json", try configJSON())], systemd: try recordingSystemd(calls))
        XCTAssertEqual(r.status, 0, r.err)
        let unit = "ceph-\(fsid)-cephadm-exporter.host1"
        XCTAssertEqual(calls.lines, [
            "systemctl daemon-reload",
            "systemctl enable ceph-\(fsid).target",
            "systemctl enable \(unit)",
            "systemctl reset-failed \(unit)",
            "systemctl restart \(unit)",
        ])
    }

    func test_a_failed_start_is_reported_with_systemctls_reason() throws {
        let calls = CallLog()
        let r = deploy(["--config-json", writeFile("a.json", try configJSON())], systemd: try recordingSystemd(calls, failing: "restart"))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("systemctl restart ceph-\(fsid)-cephadm-exporter.host1: failed: Unit not found."), r.err)
    }

    func test_no_start_with_systemd_runs_no_systemctl() throws {
        let calls = CallLog()
        XCTAssertEqual(deploy(["--config-json", writeFile("a.json", try configJSON()), "--no-start"], systemd: try recordingSystemd(calls)).status, 0)
        XCTAssertEqual(calls.lines, [])
    }

    func test_an_existing_cluster_target_is_left_alone() throws {
        try FileManager.default.createDirectory(atPath: unitDir, withIntermediateDirectories: true)
        let target = "\(unitDir)/ceph-\(fsid).target"
        _ = FileManager.default.createFile(atPath: target, contents: Data("# the operator's own\n".utf8))
        XCTAssertEqual(deploy(["--config-json", writeFile("a.json", try configJSON()), "--no-start"]).status, 0)
        XCTAssertEqual(read(target), "# the operator's own\n")
    }


    func test_a_ceph_target_shipped_by_the_packages_is_not_installed_again() throws {
        try FileManager.default.createDirectory(atPath: vendorUnitDir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: vendorUnitDir + "/ceph.target", contents: Data("# from ceph-base\n".utf8))
        let r = deploy(["--config-json", writeFile("a.json", try configJSON()), "--no-start"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(unitDir)/ceph.target"), "it would shadow the packaged unit")
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(unitDir)/ceph-\(fsid).target"))
    }
    // MARK: rm-daemon

    func test_rm_daemon_leaves_nothing_behind() throws {
        XCTAssertEqual(deploy(["--config-json", writeFile("a.json", try configJSON()), "--no-start"]).status, 0)
        let r = removeDaemon()
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dataDir), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: unitDir), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: logDir), [])
        XCTAssertTrue(r.out.contains("removed \(unitFile)"), r.out)
        XCTAssertTrue(r.out.contains("removed \(daemonDir)"), r.out)
    }

    func test_rm_daemon_removes_the_unit_file_even_when_unit_run_is_missing() throws {
        XCTAssertEqual(deploy(["--config-json", writeFile("a.json", try configJSON()), "--no-start"]).status, 0)
        try FileManager.default.removeItem(atPath: daemonDir + "/unit.run")
        XCTAssertEqual(removeDaemon().status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: unitFile))
        XCTAssertFalse(FileManager.default.fileExists(atPath: daemonDir))
    }

    func test_rm_daemon_keeps_logs_and_targets_other_units_use() throws {
        XCTAssertEqual(deploy(["--config-json", writeFile("a.json", try configJSON()), "--no-start"]).status, 0)
        _ = FileManager.default.createFile(atPath: "\(logDir)/\(fsid)/cephadm-exporter.host1.log", contents: Data("log\n".utf8))
        let otherUnit = "\(unitDir)/ceph-\(fsid)@mon.a.service"
        _ = FileManager.default.createFile(atPath: otherUnit, contents: Data("[Install]\nWantedBy=ceph-\(fsid).target\n".utf8))
        let r = removeDaemon()
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(unitDir)/ceph-\(fsid).target"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(unitDir)/ceph.target"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(logDir)/\(fsid)/cephadm-exporter.host1.log"))
        XCTAssertTrue(r.out.contains("kept the logs"), r.out)
    }

    func test_rm_daemon_with_nothing_deployed_succeeds_and_says_so() {
        let r = removeDaemon()
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.out.contains("Nothing to remove"), r.out)
    }

    func test_rm_daemon_with_systemd_stops_disables_and_reloads() throws {
        XCTAssertEqual(deploy(["--config-json", writeFile("a.json", try configJSON()), "--no-start"]).status, 0)
        let calls = CallLog()
        // A unit that was never started: stop fails, which must not stop the removal.
        let r = removeDaemon(systemd: try recordingSystemd(calls, failing: "stop"))
        XCTAssertEqual(r.status, 0, r.err)
        let unit = "ceph-\(fsid)-cephadm-exporter.host1"
        XCTAssertEqual(calls.lines, [
            "systemctl stop \(unit)", "systemctl disable \(unit)", "systemctl reset-failed \(unit)",
            "systemctl disable ceph-\(fsid).target", "systemctl disable ceph.target",
            "systemctl daemon-reload",
        ])
        XCTAssertFalse(FileManager.default.fileExists(atPath: unitFile))
    }
}
