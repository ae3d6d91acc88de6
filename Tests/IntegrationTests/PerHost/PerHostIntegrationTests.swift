import Common
import Foundation
import Glibc
import XCTest

/// Per-host mode end to end: exporters deployed from issued configs on their own loopback
/// addresses, each with its own certificate and token; a copy of one host's credentials on
/// another address is caught; mutual TLS refuses a client without a certificate.
final class PerHostIntegrationTests: XCTestCase {
    override func setUpWithError() throws {
        try DeployBinaries.requireSubcommands()
    }

    /// Issues h11 (127.0.0.11) and h12 (127.0.0.12), deploys them and a third daemon serving
    /// h11's credentials from 127.0.0.13, and starts all three on one port.
    private func threeExporters(_ f: PerHostFleet, mtls: Bool) throws -> (port: Int, fsid: String, configs: [String: String]) {
        try PortCandidates.retrying { port -> (Int, String, [String: String])? in
            f.stopAll()
            var generate = ["config", "generate", "--per-host", "--port", String(port)]
            if mtls { generate.append("--mtls") }
            let g = try f.fleet(generate)
            guard g.status == 0 else { throw TestFailure("generate failed: \(g.all)") }
            var configs: [String: String] = [:]
            for (host, address) in [("h11", "127.0.0.11"), ("h12", "127.0.0.12")] {
                let path = f.temp + "/\(host).json"
                let r = try f.fleet(["config", "issue", "--host", host, "--addr", address, "--output", path])
                guard r.status == 0 else { throw TestFailure("issue failed: \(r.all)") }
                configs[host] = path
            }
            let fsid = try f.fsid
            for (id, config, address) in [("h11", "h11", "127.0.0.11"), ("h12", "h12", "127.0.0.12"), ("imposter", "h11", "127.0.0.13")] {
                try f.deploy(config: configs[config]!, fsid: fsid, id: id, address: address)
                guard try f.start(fsid: fsid, id: id, address: address, port: port) != nil else { return nil }
            }
            return (port, fsid, configs)
        }
    }

    func test_hosts_have_their_own_credentials_and_another_hosts_certificate_is_reported_tls() throws {
        let f = try PerHostFleet()
        let (port, fsid, _) = try threeExporters(f, mtls: false)
        let dir11 = f.daemonDir(fsid: fsid, id: "h11"), dir12 = f.daemonDir(fsid: fsid, id: "h12")
        let token11 = try String(contentsOfFile: dir11 + "/token", encoding: .utf8)
        let token12 = try String(contentsOfFile: dir12 + "/token", encoding: .utf8)
        let crt11 = try String(contentsOfFile: dir11 + "/crt", encoding: .utf8)
        let crt12 = try String(contentsOfFile: dir12 + "/crt", encoding: .utf8)
        XCTAssertNotEqual(token11, token12)
        XCTAssertNotEqual(crt11, crt12)
        XCTAssertTrue(try Certificate.parse(pem: crt11).names("127.0.0.11"))
        XCTAssertTrue(try Certificate.parse(pem: crt12).names("127.0.0.12"))
        XCTAssertFalse(try Certificate.parse(pem: crt12).names("127.0.0.11"))
        XCTAssertEqual(DeployBinaries.mode(dir11 + "/ca.crt"), 0o600)

        // One host's token is refused by the other; its own is accepted.
        let on12 = try TestHTTPSClient(port: port, trusting: crt12, host: "127.0.0.12")
        XCTAssertEqual(try on12.request("GET", "/v1/metadata/health", token: token11).status, 401)
        XCTAssertEqual(try TestHTTPSClient(port: port, trusting: crt12, host: "127.0.0.12").request("GET", "/v1/metadata/health", token: token12).status, 200)

        // fleet check from the store: .11 and .12 OK; .13 serves h11's certificate: TLS, and says so.
        let hosts = try f.write("hosts.txt", "127.0.0.11:\(port)\n127.0.0.12:\(port)\n127.0.0.13:\(port)\n")
        var result = try f.check(hosts)
        _ = TestPaths.eventually(timeout: 15) {
            // The exporters' first scrapes may still be running under load.
            if result.statuses["127.0.0.11"] == "OK" && result.statuses["127.0.0.12"] == "OK" { return true }
            result = (try? f.check(hosts)) ?? result
            return false
        }
        XCTAssertEqual(result.statuses, ["127.0.0.11": "OK", "127.0.0.12": "OK", "127.0.0.13": "TLS"], result.text)
        XCTAssertEqual(result.status, 2)
        let error13 = result.json["hosts"]?.arrayValue?.first { $0["address"] == "127.0.0.13" }?["error"]?.stringValue ?? ""
        XCTAssertTrue(error13.contains("issued for 'h11', not for 127.0.0.13"), error13)
        XCTAssertTrue(error13.contains("another host's credentials"), error13)
        // Each exporter reports when its certificate expires; a year away is no warning.
        let expiry = result.json["hosts"]?.arrayValue?.first { $0["address"] == "127.0.0.11" }?["certificate_expiry_epoch_secs"]?.doubleValue
        XCTAssertEqual(expiry ?? 0, Double(try XCTUnwrap(try Certificate.parse(pem: crt11).notAfterEpoch)), accuracy: 1)
    }

    func test_under_mutual_tls_a_client_without_a_certificate_is_refused_and_fleet_sees_every_host_ok() throws {
        let f = try PerHostFleet()
        let (port, fsid, _) = try threeExporters(f, mtls: true)
        let dir11 = f.daemonDir(fsid: fsid, id: "h11")
        let crt11 = try String(contentsOfFile: dir11 + "/crt", encoding: .utf8)
        let token11 = try String(contentsOfFile: dir11 + "/token", encoding: .utf8)
        XCTAssertEqual(try String(contentsOfFile: dir11 + "/mtls", encoding: .utf8), "required\n")

        // No client certificate: no answer, whatever the token (TLS 1.3 reports the refusal after
        // the client's side of the handshake: an alert, or the connection closed).
        var refusal = ""
        do {
            let client = try TestHTTPSClient(port: port, trusting: crt11, host: "127.0.0.11")
            let r = try client.request("GET", "/v1/metadata/health", token: token11)
            XCTFail("answered \(r.status) without a client certificate")
        } catch {
            refusal = "\(error)"
        }
        XCTAssertTrue(["certificate required", "handshake", "closed"].contains { refusal.contains($0) }, refusal)
        XCTAssertTrue(TestPaths.eventually(timeout: 10) { f.log("h11").contains("TLS handshake failed") && f.log("h11").contains("peer did not return a certificate") },
                      f.log("h11"))

        // Another host's certificate (issued for serving, not as a client's) does not pass either.
        let h12 = try ExporterConfig.parse(text: try String(contentsOfFile: f.temp + "/h12.json", encoding: .utf8), source: "h12")
        let asH12 = try TLSContext.client(trustingAuthorities: try XCTUnwrap(h12.ca), clientCertificatePEM: h12.crt, clientKeyPEM: h12.key)
        XCTAssertThrowsError(try TestHTTPSClient(port: port, trusting: crt11, host: "127.0.0.11", context: asH12, expectedPeerName: "h11")
            .request("GET", "/v1/metadata/health", token: token11))
        XCTAssertTrue(TestPaths.eventually(timeout: 10) { f.log("h11").contains("unsuitable certificate purpose") }, f.log("h11"))

        // fleet presents a certificate from the fleet CA: h11 and h12 OK (the imposter is still TLS).
        let hosts = try f.write("hosts.txt", "127.0.0.11:\(port)\n127.0.0.12:\(port)\n")
        var result = try f.check(hosts)
        _ = TestPaths.eventually(timeout: 15) {
            if result.status == 0 { return true }
            result = (try? f.check(hosts)) ?? result
            return false
        }
        XCTAssertEqual(result.status, 0, result.text)
        XCTAssertEqual(result.statuses, ["127.0.0.11": "OK", "127.0.0.12": "OK"], result.text)
    }
}
