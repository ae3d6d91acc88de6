import XCTest
@testable import FleetTUI
@testable import Common

/// Per-host mode on the fleet side: the stored authority, issuing, the names and tokens the
/// poller uses per host, rotation's grace periods, and certificate expiry in check and dashboard.
final class PerHostCredentialsTests: XCTestCase {
    private let fsid = "4f1e7c52-7a5b-11ee-9c3e-0242ac110002"

    func test_the_authority_round_trips_through_the_store_form_and_never_prints_its_secrets() throws {
        var authority = try FleetAuthority.generate(port: 9555, mutualTLS: true)
        try authority.rotateMasterSecret(graceEnds: 2_000_000_000)
        try authority.rotateCA(graceEnds: 2_000_000_100)
        let decoded = try FleetAuthority.decode(JSONWriter.compactString(authority.json)).get()
        XCTAssertEqual(decoded, authority)
        let shown = "\(authority)"
        XCTAssertFalse(shown.contains(HexText.lowercase(authority.masterSecret)))
        XCTAssertFalse(shown.contains("PRIVATE KEY"))
        XCTAssertThrowsError(try FleetAuthority.decode(#"{"mode": "per-host", "port": 9443}"#).get())
    }

    func test_issued_configs_name_the_host_carry_its_own_token_and_pass_the_one_validator() throws {
        let authority = try FleetAuthority.generate(port: 9555, mutualTLS: true)
        let issuer = HostCredentialIssuer(authority: authority, fsid: fsid, now: Common.Clock.wallSeconds())
        let a = try issuer.issue(name: "Node1.example.com", addresses: ["127.0.0.11"])
        let b = try issuer.issue(name: "127.0.0.12")
        XCTAssertEqual(a.record.name, "node1.example.com")
        XCTAssertEqual(a.record.addresses, ["127.0.0.11"])
        XCTAssertNotEqual(a.config.token, b.config.token)
        XCTAssertNotEqual(a.config.crt, b.config.crt)
        XCTAssertEqual(a.config.token, try HostToken.derive(masterSecret: authority.masterSecret, fsid: fsid, hostName: "node1.example.com"))
        XCTAssertTrue(a.config.requireClientCertificate)
        XCTAssertEqual(a.config.port, 9555)
        let crt = try Certificate.parse(pem: a.config.crt)
        XCTAssertTrue(crt.names("node1.example.com") && crt.names("127.0.0.11"))
        XCTAssertFalse(crt.names("127.0.0.12"))
        XCTAssertTrue(try Certificate.parse(pem: b.config.crt).names("127.0.0.12"))
        XCTAssertNoThrow(try ExporterConfig.parse(text: a.config.prettyJSON, source: "a"))
        XCTAssertThrowsError(try issuer.issue(name: "evil,IP:10.0.0.1"))
    }

    func test_hosts_listed_by_address_take_the_name_the_store_issued_for_it() {
        let issued = IssuedHosts([
            IssuedHost(name: "node1", addresses: ["127.0.0.11"], issuedEpochSecs: 0, notAfterEpochSecs: 0, fingerprint: "", caFingerprint: ""),
            IssuedHost(name: "node2", addresses: ["10.0.0.2", "127.0.0.1"], issuedEpochSecs: 0, notAfterEpochSecs: 0, fingerprint: "", caFingerprint: ""),
            IssuedHost(name: "node3", addresses: ["127.0.0.1"], issuedEpochSecs: 0, notAfterEpochSecs: 0, fingerprint: "", caFingerprint: ""),
        ])
        XCTAssertEqual(issued.identity(for: "127.0.0.11"), "node1")
        XCTAssertEqual(issued.identity(for: "NODE2"), "node2")
        XCTAssertEqual(issued.identity(for: "10.0.0.2"), "node2")
        XCTAssertEqual(issued.identity(for: "127.0.0.1"), "127.0.0.1", "an address two hosts share names neither")
        XCTAssertEqual(issued.identity(for: "127.0.0.13"), "127.0.0.13")
        XCTAssertEqual(issued.identity(for: "other.example"), "other.example")
    }

    func test_per_host_targets_expect_each_hosts_name_and_send_the_new_token_first_then_the_previous_in_its_grace() throws {
        var authority = try FleetAuthority.generate(port: 9443, mutualTLS: false)
        let oldSecret = authority.masterSecret
        let hosts = [HostEntry(displayName: "127.0.0.11", address: "127.0.0.11", port: nil, line: 1),
                     HostEntry(displayName: "stor02", address: "10.9.9.9", port: nil, line: 2, nameFromInventory: true)]
        let issued = IssuedHosts([IssuedHost(name: "stor01", addresses: ["127.0.0.11"], issuedEpochSecs: 0, notAfterEpochSecs: 0,
                                             fingerprint: "", caFingerprint: "")])
        var client = PerHostClient(authority: authority, fsid: fsid, issued: issued)
        var targets = try client.targets(for: hosts, now: 1_000)
        XCTAssertEqual(targets.map(\.expectedPeerName), ["stor01", "stor02"])
        XCTAssertEqual(targets[0].tokens, [try HostToken.derive(masterSecret: oldSecret, fsid: fsid, hostName: "stor01")])
        XCTAssertTrue(targets[0].tls.checksPeerName)

        try authority.rotateMasterSecret(graceEnds: 2_000)
        client = PerHostClient(authority: authority, fsid: fsid, issued: issued)
        targets = try client.targets(for: hosts, now: 1_500)
        XCTAssertEqual(targets[1].tokens, [try HostToken.derive(masterSecret: authority.masterSecret, fsid: fsid, hostName: "stor02"),
                                           try HostToken.derive(masterSecret: oldSecret, fsid: fsid, hostName: "stor02")])
        XCTAssertEqual(FleetCredentials.perHost(client).nextChange(after: 1_500), 2_000, "re-derived when the grace ends")
        targets = try client.targets(for: hosts, now: 2_000)
        XCTAssertEqual(targets[1].tokens.count, 1, "the previous token is dropped once its grace is over")
    }

    func test_during_a_ca_rotation_both_cas_are_trusted_and_the_client_certificate_comes_from_the_previous_one() throws {
        var authority = try FleetAuthority.generate(port: 9443, mutualTLS: true)
        let old = authority.ca
        try authority.rotateCA(graceEnds: 2_000)
        let bundle = try Certificate.parseAll(pem: authority.trustBundle(at: 1_500))
        XCTAssertEqual(bundle.count, 2)
        XCTAssertEqual(try Certificate.parseAll(pem: authority.trustBundle(at: 2_000)).count, 1)
        XCTAssertEqual(try authority.clientCertificateIssuer(at: 1_500).certificate.pem, old.certificatePEM)
        XCTAssertEqual(try authority.clientCertificateIssuer(at: 2_001).certificate.pem, authority.ca.certificatePEM)
        // A host given the new CA's certificate validates against the bundle of both.
        let issued = try HostCredentialIssuer(authority: authority, fsid: fsid, now: 1_500).issue(name: "h1")
        XCTAssertEqual(try Certificate.parseAll(pem: try XCTUnwrap(issued.config.ca)).count, 2)
    }

    func test_a_certificate_expiring_within_the_warning_days_is_a_check_warning_and_shown_in_the_row() throws {
        var fleet = FleetState(hosts: testHosts(["node1", "node2"]), defaultPort: 9443)
        var soon = try MetadataBody.healthy()
        soon.certificateExpiry = Clock.now + 10 * 86_400
        var later = try MetadataBody.healthy()
        later.certificateExpiry = Clock.now + 300 * 86_400
        fleet.fold(Poll.response(0, body: soon.bytes))
        fleet.fold(Poll.response(1, body: later.bytes))
        XCTAssertEqual(fleet.records[0].sample?.certificateExpiryEpochSecs, soon.certificateExpiry)
        let report = FleetCheck.run(fleet, options: CheckOptions(), now: Clock.now)
        XCTAssertEqual(report.exitCode, 1)
        XCTAssertTrue(report.summary.hasPrefix("FLEET WARNING - 2/2 hosts ok, 1 with a certificate expiring within 30d |"), report.summary)
        XCTAssertTrue(report.output.contains("certificate expires in 10d"), report.output)
        let cell = TableLayout.content(.error, fleet: fleet, host: 0, record: fleet.records[0], now: Clock.now)
        XCTAssertTrue(cell.text.hasPrefix("certificate expires in 10d"), cell.text)
        XCTAssertEqual(cell.role, .warn)

        var relaxed = fleet
        relaxed.thresholds.certificateWarnSecs = 5 * 86_400
        XCTAssertEqual(FleetCheck.run(relaxed, options: CheckOptions(), now: Clock.now).exitCode, 0)
        // Pacific sends no expiry: nothing to warn about.
        var pacific = FleetState(hosts: testHosts(["p"]), defaultPort: 9443)
        pacific.fold(Poll.response(0, body: try MetadataBody.healthy().bytes))
        XCTAssertEqual(FleetCheck.run(pacific, options: CheckOptions(), now: Clock.now).exitCode, 0)
    }
}

extension PerHostCredentialsTests {
    func test_under_mtls_a_long_running_dashboard_renews_its_client_certificate_halfway() throws {
        let client = PerHostClient(authority: try FleetAuthority.generate(port: 9443, mutualTLS: true), fsid: fsid, issued: IssuedHosts())
        XCTAssertEqual(client.nextChange(after: 1_000), 1_000 + 15 * 86_400)
        let plain = PerHostClient(authority: try FleetAuthority.generate(port: 9443, mutualTLS: false), fsid: fsid, issued: IssuedHosts())
        XCTAssertNil(plain.nextChange(after: 1_000))
        let context = try client.clientContext(now: Common.Clock.wallSeconds())
        XCTAssertEqual(context.certificate?.commonName, "fleet")
        XCTAssertNil(context.certificate?.chainProblem(to: [try Certificate.parse(pem: client.authority.ca.certificatePEM)]))
    }
}
