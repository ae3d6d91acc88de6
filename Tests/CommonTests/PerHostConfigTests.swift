import XCTest
@testable import Common

/// The per-host form of the exporter config and the one validator both forms go through.
final class PerHostConfigTests: XCTestCase {
    private struct Issued {
        let ca: CertificateAuthority
        let caPEM: String
        let host: GeneratedCertificate
    }

    private func issue(validDays: Int = 365) throws -> Issued {
        let pair = try CertificateAuthority.generate()
        let ca = try CertificateAuthority(certificatePEM: pair.certificatePEM, keyPEM: pair.privateKeyPEM)
        let host = try ca.issue(commonName: "node1", subjectAltNames: [.dns("node1")], usage: .server, validDays: validDays)
        return Issued(ca: ca, caPEM: pair.certificatePEM, host: host)
    }

    private func document(_ i: Issued, ca: String? = nil, extra: [(String, JSONValue)] = []) -> JSONValue {
        var o = JSONObject([("crt", .string(i.host.certificatePEM)), ("key", .string(i.host.privateKeyPEM)),
                            ("token", "node1-token-abcdef"), ("port", 9443), ("ca", .string(ca ?? i.caPEM))])
        for (k, v) in extra { o[k] = v }
        return .object(o)
    }

    func test_the_per_host_form_validates_and_round_trips_through_json() throws {
        let i = try issue()
        let prev: JSONValue = ["token": "node1-old-token", "expires_epoch_secs": 1_900_000_000]
        let config = try ExporterConfig.validate(document(i, extra: [("require_client_cert", true), ("token_prev", prev)]), source: "issued.json")
        XCTAssertTrue(config.isPerHost)
        XCTAssertTrue(config.requireClientCertificate)
        XCTAssertEqual(config.previousToken, PreviousToken(token: "node1-old-token", expiresEpochSecs: 1_900_000_000))
        XCTAssertEqual(try ExporterConfig.parse(text: config.prettyJSON, source: "again"), config)
        XCTAssertFalse(config.description.contains("node1-token"), "the description never shows the token")
    }

    func test_the_shared_form_is_unchanged() throws {
        let g = try SelfSignedCertificate.generate()
        let config = try ExporterConfig.validate(["crt": .string(g.certificatePEM), "key": .string(g.privateKeyPEM), "token": "abcdefgh", "port": 9443], source: "s")
        XCTAssertFalse(config.isPerHost)
        XCTAssertEqual(config.json.objectValue?.keys, ["crt", "key", "token", "port"])
    }

    func test_a_certificate_from_another_ca_is_refused_naming_crt() throws {
        let i = try issue(), other = try issue()
        XCTAssertThrowsError(try ExporterConfig.validate(document(i, ca: other.caPEM), source: "x.json")) { error in
            let e = error as! ExporterConfigError
            XCTAssertEqual(e.fields, ["crt"])
            XCTAssertTrue(e.description.contains("x.json: crt: is not issued by the CA in ca"), e.description)
        }
        // During a CA rotation the bundle holds both: either issuer is fine.
        XCTAssertNoThrow(try ExporterConfig.validate(document(i, ca: other.caPEM + i.caPEM), source: "x.json"))
    }

    func test_every_per_host_problem_is_reported_with_its_field() throws {
        let i = try issue()
        let leafAsCA = i.host.certificatePEM
        XCTAssertThrowsError(try ExporterConfig.validate(document(i, ca: leafAsCA, extra: [
            ("require_client_cert", "yes"), ("token_prev", ["token": "short"]),
        ]), source: "x")) { error in
            let e = error as! ExporterConfigError
            XCTAssertEqual(Set(e.fields), ["ca", "require_client_cert", "token_prev"], e.description)
            XCTAssertTrue(e.description.contains("ca: the CA certificate is not a certificate authority"), e.description)
        }
        var noCA = document(i).objectValue!
        noCA["ca"] = nil
        noCA["require_client_cert"] = true
        XCTAssertThrowsError(try ExporterConfig.validate(.object(noCA), source: "x")) { error in
            XCTAssertEqual((error as! ExporterConfigError).fields, ["require_client_cert"])
        }
        XCTAssertThrowsError(try ExporterConfig.validate(document(i, extra: [("token_prev", ["token": "tiny", "expires_epoch_secs": 5])]), source: "x")) { error in
            XCTAssertTrue((error as! ExporterConfigError).description.contains("token_prev: is 4 characters long"))
        }
    }

    func test_check_secrets_applies_the_same_rules_to_files() throws {
        let i = try issue()
        XCTAssertEqual(ExporterConfig.checkSecrets(crt: i.host.certificatePEM, key: i.host.privateKeyPEM, token: "abcdefgh", ca: i.caPEM), [])
        let expiredCA = try CertificateAuthority.generate(validDays: 1)
        let later = Int(Clock.wallSeconds()) + 3 * 86_400
        XCTAssertEqual(ExporterConfig.checkSecrets(crt: nil, key: nil, token: nil, ca: expiredCA.certificatePEM, now: later).map(\.field), ["ca"])
    }
}
