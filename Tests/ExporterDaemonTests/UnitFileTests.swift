import XCTest
@testable import ExporterDaemon
@testable import Common

final class UnitFileTests: XCTestCase {
    private func command(binary: String = "/usr/local/bin/cephadm-exporter", dataDir: String = "/var/lib/ceph",
                         fsid: String = "FSID", id: String = "ID", port: Int = 9443) throws -> DaemonCommandLine {
        DaemonCommandLine(binary: binary,
                          layout: try ExporterInstance(fsid: fsid, id: id, dataDir: dataDir, unitDir: "/etc/systemd/system", logDir: "/var/log/ceph"),
                          port: port)
    }

    private func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    func test_service_runs_the_binary_in_the_foreground_as_a_notify_unit() throws {
        let unit = lines(UnitFile.service(try command()))
        XCTAssertTrue(unit.contains("Type=notify"))
        XCTAssertTrue(unit.contains("ExecStart=/usr/local/bin/cephadm-exporter run --fsid FSID --id ID --port 9443 --data-dir /var/lib/ceph --log-dir /var/log/ceph"))
        XCTAssertTrue(unit.contains("ExecReload=/bin/kill -HUP $MAINPID"))
        XCTAssertTrue(unit.contains("Restart=on-failure"))
        XCTAssertTrue(unit.contains("WatchdogSec=30s"))
        XCTAssertTrue(unit.contains("PartOf=ceph-FSID.target"))
        XCTAssertTrue(unit.contains("WantedBy=ceph-FSID.target"))
        XCTAssertFalse(unit.contains { $0.hasPrefix("Type=forking") })
    }

    func test_service_is_hardened_but_keeps_devices_proc_and_sys_readable() throws {
        let unit = lines(UnitFile.service(try command()))
        for setting in ["NoNewPrivileges=yes", "ProtectHome=yes", "PrivateTmp=yes", "ProtectKernelTunables=yes",
                        "ProtectKernelModules=yes", "ProtectControlGroups=yes", "ProtectSystem=full"] {
            XCTAssertTrue(unit.contains(setting), setting)
        }
        for forbidden in ["PrivateDevices=", "DevicePolicy=", "DeviceAllow=", "ProtectClock=", "ProtectProc=", "ProcSubset=", "InaccessiblePaths="] {
            XCTAssertFalse(unit.contains { $0.hasPrefix(forbidden) }, forbidden)
        }
    }

    func test_paths_with_spaces_and_specifier_characters_are_quoted_for_systemd() throws {
        let unit = UnitFile.service(try command(binary: "/opt/my tools/cephadm-exporter", dataDir: "/data/100%$x"))
        XCTAssertTrue(unit.contains(#"ExecStart="/opt/my tools/cephadm-exporter" run "#), unit)
        XCTAssertTrue(unit.contains(#"--data-dir "/data/100%%$$x""#), unit)
    }

    func test_unit_run_execs_the_same_command_with_shell_quoting() throws {
        let script = UnitRunScript.text(try command(binary: "/opt/my tools/x", dataDir: "/d/it's"))
        XCTAssertTrue(script.hasPrefix("#!/bin/sh\n"))
        XCTAssertTrue(script.contains("\nexec '/opt/my tools/x' run --fsid FSID --id ID --port 9443 --data-dir '/d/it'\\''s' --log-dir /var/log/ceph\n"), script)
    }

    func test_unit_run_really_passes_the_arguments_through_a_shell() throws {
        var template = Array("/tmp/unitrun.XXXXXX".utf8CString)
        let dir = String(cString: try XCTUnwrap(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fake = dir + "/fake exporter"
        try "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\n".write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        let script = dir + "/unit.run"
        try UnitRunScript.text(try command(binary: fake, dataDir: "/d/it's $HOME")).write(toFile: script, atomically: true, encoding: .utf8)
        let result = try CommandRunner().run(["/bin/sh", script], timeoutSecs: 10)
        XCTAssertTrue(result.stdoutText.contains("[/d/it's $HOME]"), result.stdoutText)
        XCTAssertTrue(result.stdoutText.hasPrefix("[run]\n[--fsid]\n[FSID]\n"))
    }

    func test_targets_chain_the_cluster_target_to_ceph_target() throws {
        let cluster = lines(UnitFile.clusterTarget(fsid: "F"))
        XCTAssertTrue(cluster.contains("PartOf=ceph.target"))
        XCTAssertTrue(cluster.contains("WantedBy=multi-user.target ceph.target"))
        XCTAssertTrue(lines(UnitFile.cephTarget()).contains("WantedBy=multi-user.target"))
        XCTAssertTrue(UnitFile.clusterTarget(fsid: "F").hasPrefix(UnitFile.marker))
    }

    func test_unit_meta_records_the_port_for_redeploys() throws {
        XCTAssertEqual(UnitMeta.port(inFileText: UnitMeta(ports: [9555]).text), 9555)
        XCTAssertNil(UnitMeta.port(inFileText: "garbage"))
        XCTAssertNil(UnitMeta.port(inFileText: #"{"ports": [80]}"#))
    }

    /// The example in config/ is this code's output; set UPDATE_EXAMPLES=1 to rewrite it.
    func test_config_example_unit_is_what_deploy_writes() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/ceph-FSID-cephadm-exporter.ID.service.example").path
        let rendered = UnitFile.service(try command())
        if ProcessInfo.processInfo.environment["UPDATE_EXAMPLES"] == "1" {
            try rendered.write(toFile: path, atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), rendered)
    }

    func test_systemd_analyze_verify_accepts_the_units() throws {
        guard let analyze = CommandRunner().which("systemd-analyze") else {
            throw XCTSkip("systemd-analyze is not installed")
        }
        var template = Array("/tmp/unitverify.XXXXXX".utf8CString)
        let dir = String(cString: try XCTUnwrap(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cmd = try command(binary: "/bin/true", fsid: "0c3f4a1e-1111-4222-8333-444455556666", id: "host1")
        try UnitFile.service(cmd).write(toFile: dir + "/" + cmd.layout.unitFileName, atomically: true, encoding: .utf8)
        try UnitFile.clusterTarget(fsid: cmd.layout.fsid).write(toFile: dir + "/" + cmd.layout.clusterTargetName, atomically: true, encoding: .utf8)
        try UnitFile.cephTarget().write(toFile: dir + "/ceph.target", atomically: true, encoding: .utf8)
        for name in [cmd.layout.unitFileName, cmd.layout.clusterTargetName, "ceph.target"] {
            let result = try CommandRunner().run([analyze, "verify", dir + "/" + name], timeoutSecs: 60)
            XCTAssertTrue(result.succeeded, "\(name): \(result.stderrText)")
            XCTAssertEqual(result.stderrText, "", "\(name): verify warnings")
        }
    }
}
