import Common
import Foundation
import XCTest

@testable import ExporterDaemon

/// The host side of per-host mode: the files deploy writes (and removes), what the daemon loads
/// from them at start and on SIGHUP, and `deploy --reload` finding the running daemon.
final class PerHostDaemonTests: DeployTestCase {
    private func perHostConfig(mtls: Bool = false, previous: PreviousToken? = nil) throws -> (json: String, ca: String) {
        let pair = try CertificateAuthority.generate()
        let ca = try CertificateAuthority(certificatePEM: pair.certificatePEM, keyPEM: pair.privateKeyPEM)
        let host = try ca.issue(commonName: "host1", subjectAltNames: [.dns("host1")], usage: .server, validDays: 30)
        var o = JSONObject([("crt", .string(host.certificatePEM)), ("key", .string(host.privateKeyPEM)), ("token", "host1-token-123"),
                            ("port", 9443), ("ca", .string(pair.certificatePEM))])
        if mtls { o["require_client_cert"] = true }
        if let previous { o["token_prev"] = previous.json }
        return (JSONWriter.pretty(.object(o)), pair.certificatePEM)
    }

    private var instance: ExporterInstance {
        get throws { try ExporterInstance(fsid: fsid, id: "host1", dataDir: dataDir, unitDir: unitDir, logDir: logDir) }
    }

    func test_deploy_writes_ca_crt_token_prev_and_mtls_0600_and_the_daemon_loads_them() throws {
        let previous = PreviousToken(token: "host1-old-token", expiresEpochSecs: 4_000_000_000)
        let (json, ca) = try perHostConfig(mtls: true, previous: previous)
        let r = deploy(["--config-json", writeFile("c.json", json), "--no-start"])
        XCTAssertEqual(r.status, 0, r.err)
        for name in ["ca.crt", "token.prev", "mtls", "crt", "key", "token"] {
            XCTAssertEqual(mode(daemonDir + "/" + name), 0o600, name)
        }
        XCTAssertEqual(read(daemonDir + "/ca.crt"), ca)
        guard case .success(let c) = try instance.loadCredentials() else { return XCTFail("the deployed files must load") }
        XCTAssertEqual(c.previousToken, previous)
        XCTAssertTrue(c.requireClientCertificate)
        XCTAssertTrue(c.tlsContext.requiresClientCertificate)
        XCTAssertNotNil(c.certificateExpiryEpochSecs)

        // Back to the shared form: the per-host files go.
        XCTAssertEqual(deploy(["--config-json", writeFile("s.json", try configJSON()), "--no-start"]).status, 0)
        for name in ["ca.crt", "token.prev", "mtls"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: daemonDir + "/" + name), name)
        }
    }

    func test_a_certificate_not_from_the_ca_and_a_bad_token_prev_are_refused_naming_the_files() throws {
        let (json, _) = try perHostConfig()
        XCTAssertEqual(deploy(["--config-json", writeFile("c.json", json), "--no-start"]).status, 0)
        let other = try CertificateAuthority.generate()
        try other.certificatePEM.write(toFile: daemonDir + "/ca.crt", atomically: true, encoding: .utf8)
        try "{\"token\": \"x\"}".write(toFile: daemonDir + "/token.prev", atomically: true, encoding: .utf8)
        try "maybe".write(toFile: daemonDir + "/mtls", atomically: true, encoding: .utf8)
        guard case .failure(let p) = try instance.loadCredentials() else { return XCTFail("must be refused") }
        let text = p.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Certificate file '\(daemonDir)/crt': is not issued by the CA in ca"), text)
        XCTAssertTrue(text.contains("Previous token file '\(daemonDir)/token.prev': has no \"expires_epoch_secs\""), text)
        XCTAssertTrue(text.contains("Client certificate marker '\(daemonDir)/mtls'"), text)
    }

    func test_reload_signals_the_daemon_named_by_its_pid_file_only_while_that_pid_is_the_daemon() throws {
        let (json, _) = try perHostConfig()
        XCTAssertEqual(deploy(["--config-json", writeFile("c.json", json), "--no-start"]).status, 0)
        let layout = try instance
        let proc = root + "/proc"
        try FileManager.default.createDirectory(atPath: proc + "/4242", withIntermediateDirectories: true)
        let pidFile = DaemonPidFile(instance: layout)
        XCTAssertNil(pidFile.write(pid: 4242))
        let signals = CallLog()
        var deployer = DaemonDeployer(systemd: noSystemd, vendorUnitDirs: [vendorUnitDir])
        deployer.procRoot = proc
        deployer.sendSignal = { pid, sig in signals.append("\(pid) \(sig)"); return 0 }
        let config = try ExporterConfig.parse(text: json, source: "c")
        let request = DaemonDeployer.Request(command: DaemonCommandLine(binary: "/bin/true", layout: layout, port: 9443, bind: nil),
                                             config: config, start: true, reload: true)

        // A pid now used by another program is never signalled.
        try Data("sleep\u{0}100\u{0}".utf8).write(to: URL(fileURLWithPath: proc + "/4242/cmdline"))
        XCTAssertTrue(try deployer.deploy(request).last?.contains("not running") ?? false)
        XCTAssertEqual(signals.lines, [])

        let cmdline = ["/usr/bin/cephadm-exporter", "run", "--fsid", fsid, "--id", "host1", "--port", "9443"].joined(separator: "\u{0}")
        try Data(cmdline.utf8).write(to: URL(fileURLWithPath: proc + "/4242/cmdline"))
        XCTAssertTrue(try deployer.deploy(request).last?.contains("reloaded: sent SIGHUP to pid 4242") ?? false)
        XCTAssertEqual(signals.lines, ["4242 \(SIGHUP)"])
        pidFile.remove(pid: 4242)
        XCTAssertNil(pidFile.read())
    }

    func test_reload_under_systemd_reloads_the_unit_instead_of_restarting_it() throws {
        let calls = CallLog()
        let (json, _) = try perHostConfig()
        let r = deploy(["--config-json", writeFile("c.json", json), "--reload"], systemd: try recordingSystemd(calls))
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(calls.lines, ["systemctl try-reload-or-restart ceph-\(fsid)-cephadm-exporter.host1"])
    }
}
