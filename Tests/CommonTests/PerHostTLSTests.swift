import XCTest
@testable import Common

/// The per-host building blocks: HMAC and token derivation (known vectors), the fleet CA and the
/// certificates it issues, subjectAltName checks, chains, and the previous token's grace period.
final class PerHostTLSTests: XCTestCase {
    func test_hmac_sha256_matches_rfc4231_vectors() throws {
        XCTAssertEqual(HexText.lowercase(try HMACSHA256.mac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))),
                       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        XCTAssertEqual(HexText.lowercase(try HMACSHA256.mac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    func test_host_token_derivation_matches_known_vectors_and_canonicalizes_the_name() throws {
        let secret = (0..<32).map { UInt8($0) }
        let fsid = "4f1e7c52-7a5b-11ee-9c3e-0242ac110002"
        // Computed independently: python3 hmac.new(bytes(range(32)), b"cephadm-exporter token v1\0" + fsid + b"\0" + host, sha256)
        XCTAssertEqual(try HostToken.derive(masterSecret: secret, fsid: fsid, hostName: "node1.example.com"),
                       "4f4b477c7de88cbe9b05c6048f7e82a0f7144d5e87323d1e89169d83b02fa889")
        XCTAssertEqual(try HostToken.derive(masterSecret: secret, fsid: fsid, hostName: "Node1.Example.COM."),
                       "4f4b477c7de88cbe9b05c6048f7e82a0f7144d5e87323d1e89169d83b02fa889")
        XCTAssertEqual(try HostToken.derive(masterSecret: secret, fsid: fsid, hostName: "10.0.0.12"),
                       "6791efd0b850916728a732ed3087ec48f41516f70bd51e5afe2888d8894880a1")
        // Another host, another cluster, another secret: another token.
        let base = try HostToken.derive(masterSecret: secret, fsid: fsid, hostName: "node1")
        XCTAssertNotEqual(base, try HostToken.derive(masterSecret: secret, fsid: fsid, hostName: "node2"))
        XCTAssertNotEqual(base, try HostToken.derive(masterSecret: secret, fsid: "other", hostName: "node1"))
        XCTAssertNotEqual(base, try HostToken.derive(masterSecret: secret.reversed(), fsid: fsid, hostName: "node1"))
        // The separator keeps (fsid "a", host "bc") apart from (fsid "ab", host "c").
        XCTAssertNotEqual(try HostToken.derive(masterSecret: secret, fsid: "a", hostName: "bc"),
                          try HostToken.derive(masterSecret: secret, fsid: "ab", hostName: "c"))
    }

    func test_subject_alt_names_are_checked_before_they_reach_openssl() {
        XCTAssertEqual(try SubjectAltName.parse("Node1.Example.com.").get(), .dns("node1.example.com"))
        XCTAssertEqual(try SubjectAltName.parse("10.0.0.1").get(), .ip("10.0.0.1"))
        XCTAssertEqual(try SubjectAltName.parse("[2001:db8::1]").get(), .ip("2001:db8::1"))
        for bad in ["a,IP:1.2.3.4", "", "a..b", "-a", "a b", "x\u{1b}y", "*.example.com", String(repeating: "a", count: 64)] {
            XCTAssertThrowsError(try SubjectAltName.parse(bad).get(), bad)
        }
    }

    func test_the_ca_issues_certificates_that_chain_to_it_and_name_exactly_their_host() throws {
        let caPair = try CertificateAuthority.generate()
        let ca = try CertificateAuthority(certificatePEM: caPair.certificatePEM, keyPEM: caPair.privateKeyPEM)
        XCTAssertTrue(ca.certificate.isCertificateAuthority)
        XCTAssertEqual(ca.certificate.commonName, CertificateAuthority.commonName)
        let host = try ca.issue(commonName: "node1", subjectAltNames: [.dns("node1"), .ip("127.0.0.11")], usage: .server, validDays: 365)
        let cert = try Certificate.parse(pem: host.certificatePEM)
        XCTAssertFalse(cert.isCertificateAuthority)
        XCTAssertEqual(cert.commonName, "node1")
        XCTAssertTrue(cert.matches(try PrivateKey.parse(pem: host.privateKeyPEM)))
        XCTAssertNil(cert.chainProblem(to: [ca.certificate]))
        XCTAssertTrue(cert.names("node1"))
        XCTAssertTrue(cert.names("NODE1"))
        XCTAssertTrue(cert.names("127.0.0.11"))
        XCTAssertFalse(cert.names("127.0.0.12"))
        XCTAssertFalse(cert.names("node2"))
        XCTAssertFalse(cert.names("node1.example.com"))

        let other = try CertificateAuthority.generate()
        XCTAssertNotNil(cert.chainProblem(to: [try Certificate.parse(pem: other.certificatePEM)]))
        // A self-signed leaf is not a CA and cannot act as one.
        let selfSigned = try SelfSignedCertificate.generate()
        XCTAssertThrowsError(try CertificateAuthority(certificatePEM: selfSigned.certificatePEM, keyPEM: selfSigned.privateKeyPEM))
        XCTAssertThrowsError(try CertificateAuthority(certificatePEM: caPair.certificatePEM, keyPEM: other.privateKeyPEM))
    }

    func test_an_issued_certificate_never_outlives_its_ca() throws {
        let caPair = try CertificateAuthority.generate(validDays: 10)
        let ca = try CertificateAuthority(certificatePEM: caPair.certificatePEM, keyPEM: caPair.privateKeyPEM)
        let leaf = try Certificate.parse(pem: try ca.issue(commonName: "h", subjectAltNames: [.dns("h")], usage: .server, validDays: 365).certificatePEM)
        XCTAssertLessThanOrEqual(try XCTUnwrap(leaf.notAfterEpoch), try XCTUnwrap(ca.certificate.notAfterEpoch))
    }

    func test_a_bundle_parses_into_each_certificate() throws {
        let a = try CertificateAuthority.generate(), b = try CertificateAuthority.generate()
        let bundle = try Certificate.parseAll(pem: a.certificatePEM + b.certificatePEM)
        XCTAssertEqual(bundle.map(\.fingerprint), [try Certificate.parse(pem: a.certificatePEM).fingerprint,
                                                   try Certificate.parse(pem: b.certificatePEM).fingerprint])
        XCTAssertThrowsError(try Certificate.parseAll(pem: "nothing here"))
    }

    func test_the_previous_token_is_accepted_only_until_its_expiry_on_a_test_clock() {
        let clock = TestClock(wallSeconds: 1_000)
        let verifier = TokenVerifier(token: "new-token-123", previous: PreviousToken(token: "old-token-123", expiresEpochSecs: 1_060),
                                     clock: { clock.wallSeconds() })
        XCTAssertTrue(verifier.accepts(authorizationHeader: "Bearer new-token-123"))
        XCTAssertTrue(verifier.accepts(authorizationHeader: "Bearer old-token-123"))
        XCTAssertFalse(verifier.accepts(authorizationHeader: "Bearer other-token-1"))
        XCTAssertFalse(verifier.accepts(authorizationHeader: "old-token-123"), "the scheme is still required")
        clock.advance(bySeconds: 59.9)
        XCTAssertTrue(verifier.accepts(authorizationHeader: "Bearer old-token-123"))
        clock.advance(bySeconds: 0.1)
        XCTAssertFalse(verifier.accepts(authorizationHeader: "Bearer old-token-123"), "refused from the expiry on")
        XCTAssertTrue(verifier.accepts(authorizationHeader: "Bearer new-token-123"))
    }
}
