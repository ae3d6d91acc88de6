import XCTest
@testable import FleetTUI
@testable import Common

/// `fleet config generate --per-host`, `issue`, `get`, `clear`, `fleet apply` and `fleet rotate`
/// in per-host mode, against a temporary store and a fake ssh.
final class PerHostCommandTests: StoreTestCase {
    @discardableResult
    private func config(_ args: [String]) -> (status: Int32, out: String, err: String) {
        let captured = CapturedCommandIO()
        let status = ConfigCommand.run(args + ["--state-dir", stateDir], io: captured.io)
        return (status, captured.out, captured.err)
    }

    private func run(_ command: ([String], CommandIO, @escaping @Sendable (SSHSettings) -> any HostCommandRunner) -> Int32,
                     _ args: [String], runner: FakeHostRunner) -> (status: Int32, out: String, err: String) {
        let captured = CapturedCommandIO()
        let status = command(args + ["--state-dir", stateDir], captured.io, { _ in runner })
        return (status, captured.out, captured.err)
    }

    private func entries() throws -> StoreEntries { try openStore().entries() }

    func test_generate_per_host_keeps_the_ca_and_secret_in_the_store_and_get_never_shows_them() throws {
        XCTAssertEqual(config(["generate", "--mtls"]).status, 2, "--mtls needs --per-host")
        let r = config(["generate", "--per-host", "--mtls", "--port", "9555"])
        XCTAssertEqual(r.status, 0, r.err)
        let authority = try XCTUnwrap(try FleetStore.fleetAuthority(in: entries()))
        XCTAssertTrue(authority.mutualTLS)
        XCTAssertEqual(authority.port, 9555)
        XCTAssertNil(try entries()[StoreKey.exporterConfig])
        XCTAssertTrue(try openStore().exporterEnabled())

        let shown = config(["get"]).out
        let doc = try JSONParser.parse(shown)
        XCTAssertEqual(doc["mode"], "per-host")
        XCTAssertEqual(doc["mtls"], true)
        XCTAssertEqual(doc["ca"]?.stringValue, authority.ca.certificatePEM)
        XCTAssertFalse(shown.contains("PRIVATE KEY"))
        XCTAssertFalse(shown.contains(HexText.lowercase(authority.masterSecret)))
        XCTAssertFalse(shown.lowercased().contains("secret"), shown)

        XCTAssertEqual(config(["clear"]).status, 0)
        XCTAssertNil(try entries()[StoreKey.exporterPerHost])
        XCTAssertEqual(config(["get"]).out, "{}\n")
    }

    func test_issue_writes_a_0600_config_records_the_host_and_needs_per_host_mode() throws {
        let output = tempDir + "/node1.json"
        XCTAssertEqual(config(["issue", "--host", "node1", "--output", output]).status, 1, "no per-host mode yet")
        config(["generate", "--per-host"])
        XCTAssertEqual(config(["issue", "--host", "node1"]).status, 2, "--output is required")
        let r = config(["issue", "--host", "node1", "--addr", "127.0.0.11", "--output", output, "--fsid", "abc"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(mode(output), 0o600)
        let issued = try ExporterConfig.parse(text: String(contentsOfFile: output, encoding: .utf8), source: output)
        XCTAssertTrue(issued.isPerHost)
        let authority = try XCTUnwrap(try FleetStore.fleetAuthority(in: entries()))
        XCTAssertEqual(issued.token, try HostToken.derive(masterSecret: authority.masterSecret, fsid: "abc", hostName: "node1"))
        XCTAssertEqual(try FleetStore.issuedHosts(in: entries()).host(named: "node1")?.addresses, ["127.0.0.11"])
        XCTAssertEqual(config(["issue", "--host", "node2", "--output", output, "--fsid", "other"]).status, 1, "the fsid is fixed once stored")

        let list = write("# rack\nnode3\n127.0.0.14\n", to: "hosts.txt")
        let dir = tempDir + "/issued"
        XCTAssertEqual(config(["issue", "--hosts", list, "--output-dir", dir]).status, 0)
        XCTAssertEqual(mode(dir), 0o700)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["127.0.0.14.json", "node3.json"])
        let got = try JSONParser.parse(config(["get"]).out)
        XCTAssertEqual(got["issued"]?.arrayValue?.compactMap { $0["host"]?.stringValue }, ["node1", "node3", "127.0.0.14"])
    }

    func test_apply_in_per_host_mode_gives_every_host_its_own_certificate_and_token() throws {
        config(["generate", "--per-host"])
        let runner = FakeHostRunner()
        let r = run(ApplyCommand.run, ["--hosts", write("a\nb\n", to: "hosts.txt"), "--fsid", "f"], runner: runner)
        XCTAssertEqual(r.status, 0, r.err + r.out)
        let configs = try runner.recorded.map { try ExporterConfig.parse(text: $0.stdin, source: $0.host) }
        XCTAssertEqual(configs.count, 2)
        XCTAssertNotEqual(configs[0].token, configs[1].token)
        XCTAssertTrue(try Certificate.parse(pem: configs[0].crt).names("a"))
        XCTAssertTrue(try Certificate.parse(pem: configs[1].crt).names("b"))
        XCTAssertEqual(try FleetStore.issuedHosts(in: entries()).hosts.map(\.name), ["a", "b"])
    }

    func test_rotate_stores_the_new_secret_first_then_pushes_with_reload_and_the_previous_token() throws {
        config(["generate", "--per-host"])
        XCTAssertEqual(run(ApplyCommand.run, ["--hosts", write("a\nb\n", to: "hosts.txt"), "--fsid", "f"], runner: FakeHostRunner()).status, 0)
        let before = try XCTUnwrap(try FleetStore.fleetAuthority(in: entries()))
        let runner = FakeHostRunner()
        let r = run(RotateCommand.run, ["--tokens", "--grace", "10m"], runner: runner)
        XCTAssertEqual(r.status, 0, r.err + r.out)
        let after = try XCTUnwrap(try FleetStore.fleetAuthority(in: entries()))
        XCTAssertNotEqual(after.masterSecret, before.masterSecret)
        XCTAssertEqual(after.previousMasterSecret?.value, before.masterSecret)
        let grace = try XCTUnwrap(after.previousMasterSecret?.expiresEpochSecs) - Common.Clock.wallSeconds()
        XCTAssertEqual(grace, 600, accuracy: 30)
        for call in runner.recorded {
            XCTAssertTrue(call.argv.contains("--reload"), "\(call.argv)")
            XCTAssertFalse(call.argv.contains("--no-start"))
            let pushed = try ExporterConfig.parse(text: call.stdin, source: call.host)
            XCTAssertEqual(pushed.token, try HostToken.derive(masterSecret: after.masterSecret, fsid: "f", hostName: call.host))
            XCTAssertEqual(pushed.previousToken?.token, try HostToken.derive(masterSecret: before.masterSecret, fsid: "f", hostName: call.host))
        }
        XCTAssertEqual(runner.recorded.count, 2)

        // A CA rotation: both CAs in every pushed bundle, the new one issuing.
        let caRunner = FakeHostRunner()
        XCTAssertEqual(run(RotateCommand.run, ["--ca"], runner: caRunner).status, 0)
        let rotated = try XCTUnwrap(try FleetStore.fleetAuthority(in: entries()))
        XCTAssertEqual(rotated.previousCA?.value, after.ca)
        for call in caRunner.recorded {
            let pushed = try ExporterConfig.parse(text: call.stdin, source: call.host)
            XCTAssertEqual(try Certificate.parseAll(pem: try XCTUnwrap(pushed.ca)).count, 2)
            XCTAssertNil(try Certificate.parse(pem: pushed.crt).chainProblem(to: [try Certificate.parse(pem: rotated.ca.certificatePEM)]))
        }
    }

    func test_rotate_is_refused_in_shared_mode_and_without_hosts() throws {
        config(["generate"])
        XCTAssertEqual(run(RotateCommand.run, [], runner: FakeHostRunner()).status, 1)
        config(["generate", "--per-host"])
        let r = run(RotateCommand.run, ["--fsid-is-not-an-option"], runner: FakeHostRunner())
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(run(RotateCommand.run, ["--grace", "5s"], runner: FakeHostRunner()).status, 2)
    }
}

/// `fleet bootstrap --with-exporter` keeps per-host mode: this host gets its own config.
final class PerHostBootstrapTests: StoreTestCase {
    func test_bootstrap_in_per_host_mode_issues_this_host_its_own_config_and_keeps_the_ca() throws {
        let captured = CapturedCommandIO()
        XCTAssertEqual(ConfigCommand.run(["generate", "--per-host", "--state-dir", stateDir], io: captured.io), 0)
        let runner = FakeHostRunner()
        let io = CapturedCommandIO()
        let status = BootstrapCommand.run(["--with-exporter", "--hostname", "admin1", "--exporter-binary", "/bin/true", "--no-start",
                                           "--state-dir", stateDir], io: io.io, localRunner: runner)
        XCTAssertEqual(status, 0, io.err)
        let pushed = try ExporterConfig.parse(text: try XCTUnwrap(runner.recorded.first?.stdin), source: "bootstrap")
        XCTAssertTrue(pushed.isPerHost)
        XCTAssertTrue(try Certificate.parse(pem: pushed.crt).names("admin1"))
        XCTAssertNotNil(try FleetStore.fleetAuthority(in: openStore().entries()), "the CA stays")
        XCTAssertNil(try openStore().entries()[StoreKey.exporterConfig])
    }
}
