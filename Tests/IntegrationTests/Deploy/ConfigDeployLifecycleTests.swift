import Common
import Foundation
import Glibc
import XCTest

/// The operator's path through the real binaries: config commands on a temp state dir, then a
/// deploy into temp data/unit/log dirs, the deployed unit.run serving /v1/metadata with the
/// stored token, and rm-daemon cleaning up.
final class ConfigDeployLifecycleTests: XCTestCase {
    private var temp = ""
    private var state: String { temp + "/state" }
    private var storeFile: String { state + "/kv.json" }

    override func setUpWithError() throws {
        try DeployBinaries.requireSubcommands()
        temp = try TestPaths.makeTempDir("deploy-it")
    }

    override func tearDown() {
        if !temp.isEmpty { try? FileManager.default.removeItem(atPath: temp) }
    }

    private func fleet(_ args: [String], stdin: String = "") throws -> DeployBinaries.Run {
        try DeployBinaries.fleet(args + ["--state-dir", state], stdin: stdin)
    }

    private func storeBytes() -> Data? { FileManager.default.contents(atPath: storeFile) }

    private func file(_ name: String, _ text: String) throws -> String {
        let path = temp + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func test_config_commands_validate_store_and_are_guarded_while_applied() throws {
        XCTAssertEqual(try fleet(["config", "get"]).out, "{}\n")
        let generated = try fleet(["config", "generate"])
        XCTAssertEqual(generated.status, 0, generated.all)
        XCTAssertEqual(DeployBinaries.mode(storeFile), 0o600)
        let got = try fleet(["config", "get"])
        let stored = try ExporterConfig.parse(text: got.out, source: "get")
        XCTAssertEqual(stored.port, 9443)
        XCTAssertEqual(stored.token.count, 64)

        // Every kind of bad input fails, names the field, and changes nothing.
        let before = storeBytes()
        let other = try SelfSignedCertificate.generate()
        let mine = try SelfSignedCertificate.generate()
        let expired = try SelfSignedCertificate.generate(validDays: -1)
        func doc(crt: String = mine.certificatePEM, key: String = mine.privateKeyPEM, token: JSONValue = "abcdefgh", port: JSONValue? = 9443) -> String {
            var o = JSONObject([("crt", .string(crt)), ("key", .string(key)), ("token", token)])
            if let port { o["port"] = port }
            return JSONWriter.pretty(.object(o))
        }
        let bad: [(String, String)] = [
            ("{\"crt\": ", "config"), (doc(port: nil), "port"), (doc(key: other.privateKeyPEM), "key"),
            (doc(token: "short"), "token"), (doc(port: 1024), "port"), (doc(port: "https"), "port"),
            (doc(crt: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n"), "crt"),
            (doc(token: .string(String(repeating: "t", count: 20_000))), "token"),
            (doc(crt: expired.certificatePEM, key: expired.privateKeyPEM), "crt"),
        ]
        for (text, field) in bad {
            let path = try file("bad.json", text)
            let r = try fleet(["config", "set", "-i", path])
            XCTAssertEqual(r.status, 1, r.all)
            XCTAssertTrue(r.err.contains("\(path): \(field): "), r.err)
            XCTAssertEqual(storeBytes(), before, "a rejected config must not change the store")
        }
        let fromStdin = try fleet(["config", "set", "-i", "-"], stdin: doc(port: "9555"))
        XCTAssertEqual(fromStdin.status, 0, fromStdin.all)
        XCTAssertEqual(try ExporterConfig.parse(text: try fleet(["config", "get"]).out, source: "get").port, 9555)

        // Applying (here: bootstrap on this host) freezes the config.
        let data = temp + "/data", units = temp + "/units", logs = temp + "/log"
        let boot = try fleet(["bootstrap", "--with-exporter", "--hostname", "it-host", "--exporter-binary", TestPaths.exporter,
                              "--data-dir", data, "--unit-dir", units, "--log-dir", logs, "--no-start"])
        XCTAssertEqual(boot.status, 0, boot.all)
        let fsid = try XCTUnwrap(boot.out.split(separator: "\n").first { $0.hasPrefix("Cluster fsid: ") }?.split(separator: " ").last.map(String.init))
        XCTAssertEqual(DeployBinaries.read("\(data)/\(fsid)/cephadm-exporter.it-host/token"), "abcdefgh")
        let frozen = storeBytes()
        for args in [["config", "generate"], ["config", "set", "-i", try file("ok.json", doc())], ["config", "clear"]] {
            let r = try fleet(args)
            XCTAssertEqual(r.status, 1, "\(args)")
            XCTAssertTrue(r.err.contains("Unable to change configuration of an active service cephadm-exporter"), r.err)
            XCTAssertEqual(storeBytes(), frozen)
        }
        XCTAssertEqual(try fleet(["config", "get"]).status, 0)

        // fleet rm undoes it on this host and purges the settings.
        let rm = try fleet(["rm"])
        XCTAssertEqual(rm.status, 0, rm.all)
        XCTAssertEqual(DeployBinaries.tree(data), [])
        XCTAssertEqual(DeployBinaries.tree(units), [])
        XCTAssertEqual(try fleet(["config", "get"]).out, "{}\n")
        XCTAssertEqual(try fleet(["config", "generate"]).status, 0, "no longer guarded")
    }

    func test_bootstrap_with_a_bad_exporter_config_changes_nothing() throws {
        for value in [temp + "/missing.json", "{\"crt\": 1", #"{"crt": "x", "key": "y", "token": "z", "port": 1}"#] {
            let r = try fleet(["bootstrap", "--with-exporter", "--exporter-config", value, "--no-start"])
            XCTAssertEqual(r.status, 2, r.all)
            XCTAssertTrue(r.err.contains("config") || r.err.contains("crt"), r.err)
            XCTAssertFalse(FileManager.default.fileExists(atPath: state), "nothing may be created")
        }
    }

    func test_deployed_unit_run_serves_metadata_with_the_stored_token_and_rm_daemon_cleans_up() throws {
        XCTAssertEqual(try fleet(["config", "generate"]).status, 0)
        let configPath = temp + "/config.json"
        XCTAssertEqual(try fleet(["config", "get", "--output", configPath]).status, 0)
        XCTAssertEqual(DeployBinaries.mode(configPath), 0o600)
        let config = try ExporterConfig.parse(text: try XCTUnwrap(DeployBinaries.read(configPath)), source: configPath)

        let fsid = "5a1b2c3d-0000-4000-8000-00000000beef"
        let data = temp + "/data", units = temp + "/units", logs = temp + "/log"
        let common = ["--fsid", fsid, "--id", "it", "--data-dir", data, "--unit-dir", units, "--log-dir", logs]
        let daemonDir = "\(data)/\(fsid)/cephadm-exporter.it"
        // The unit gets a fixed port; one another program holds is refused and drawn again.
        let (port, daemon, health) = try PortCandidates.retrying { port -> (Int, SpawnedProcess, TestHTTPSClient.Response)? in
            let deploy = try DeployBinaries.exporter(["deploy"] + common + ["--config-json", configPath, "--port", String(port),
                                                                             "--bind", "127.0.0.1", "--no-start"])
            if deploy.status == 1 && deploy.err.contains("already in use") { return nil }
            XCTAssertEqual(deploy.status, 0, deploy.all)
            // unit.run, as a supervisor would run it: the daemon in the foreground.
            let daemon = try SpawnedProcess(["/bin/sh", daemonDir + "/unit.run"], outputDir: temp, name: "unit-run-\(port)")
            var response: TestHTTPSClient.Response? = nil
            _ = TestPaths.eventually(timeout: 20) {
                response = try? TestHTTPSClient(port: port, trusting: config.crt).request("GET", "/v1/metadata/health", token: config.token)
                return response != nil || !daemon.isRunning
            }
            if let response { return (port, daemon, response) }
            daemon.wait(timeout: 5)
            guard daemon.stderr.contains("already in use") else { throw TestFailure("daemon did not serve: \(daemon.stderr)") }
            return nil
        }
        defer {
            daemon.signal(SIGKILL)
            daemon.wait(timeout: 5)
        }

        // exporter.pid: the running daemon's, for `deploy --reload`.
        XCTAssertEqual(DeployBinaries.tree(daemonDir), ["crt", "exporter.pid", "key", "token", "unit.configured", "unit.created", "unit.meta", "unit.run"])
        XCTAssertEqual(DeployBinaries.read(daemonDir + "/exporter.pid"), "\(daemon.pid)\n")
        XCTAssertEqual(DeployBinaries.mode("\(data)/\(fsid)"), 0o700)
        XCTAssertEqual(DeployBinaries.mode(daemonDir), 0o700)
        for name in ["crt", "key", "token", "exporter.pid"] { XCTAssertEqual(DeployBinaries.mode(daemonDir + "/" + name), 0o600) }
        XCTAssertEqual(DeployBinaries.read(daemonDir + "/token"), config.token)
        XCTAssertEqual(DeployBinaries.read(daemonDir + "/crt"), config.crt)
        let unit = try XCTUnwrap(DeployBinaries.read("\(units)/ceph-\(fsid)-cephadm-exporter.it.service"))
        XCTAssertTrue(unit.contains("Type=notify"))
        XCTAssertTrue(unit.contains("--port \(port) --bind 127.0.0.1"), unit)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(units)/ceph-\(fsid).target"))

        XCTAssertEqual(health.status, 200, health.text)
        XCTAssertNotNil(try health.json()["tasks"])
        let metadata = try TestHTTPSClient(port: port, trusting: config.crt).request("GET", "/v1/metadata", token: config.token)
        XCTAssertTrue([200, 206].contains(metadata.status), "\(metadata.status) \(metadata.text)")
        let wrong = try TestHTTPSClient(port: port, trusting: config.crt).request("GET", "/v1/metadata", token: "wrong-token")
        XCTAssertEqual(wrong.status, 401)
        daemon.signal(SIGTERM)
        XCTAssertEqual(daemon.wait(timeout: 10), 0)

        let rm = try DeployBinaries.exporter(["rm-daemon"] + common)
        XCTAssertEqual(rm.status, 0, rm.all)
        XCTAssertEqual(DeployBinaries.tree(data), [])
        XCTAssertEqual(DeployBinaries.tree(units), [])
        // Only the daemon's own log file may remain.
        XCTAssertTrue(DeployBinaries.tree(logs).allSatisfy { $0 == fsid || $0.hasSuffix(".log") }, "\(DeployBinaries.tree(logs))")
    }
}
