import XCTest
@testable import Common

final class CertificateTests: XCTestCase {
    func test_generated_ec_certificate_parses_matches_its_key_and_has_the_ceph_subject() throws {
        let g = try SelfSignedCertificate.generate()
        let cert = try Certificate.parse(pem: g.certificatePEM)
        let key = try PrivateKey.parse(pem: g.privateKeyPEM)
        XCTAssertTrue(g.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"), "key must be PKCS#8")
        XCTAssertTrue(cert.matches(key))
        XCTAssertEqual(key.typeName, "EC")
        XCTAssertEqual(cert.subject, "/O=Ceph/OU=cephadm-exporter")
        let tenYears = 3650 * 86_400
        let notAfter = try XCTUnwrap(cert.notAfterEpoch)
        let now = Int(Date().timeIntervalSince1970)
        XCTAssertLessThan(abs(notAfter - now - tenYears), 120)
    }

    func test_key_of_another_certificate_does_not_match() throws {
        let a = try SelfSignedCertificate.generate()
        let b = try SelfSignedCertificate.generate()
        XCTAssertFalse(try Certificate.parse(pem: a.certificatePEM).matches(PrivateKey.parse(pem: b.privateKeyPEM)))
    }

    func test_rsa_generation_gives_an_rsa_key() throws {
        let g = try SelfSignedCertificate.generate(keyType: .rsa)
        XCTAssertEqual(try PrivateKey.parse(pem: g.privateKeyPEM).typeName, "RSA")
    }

    func test_garbage_pem_is_rejected_with_a_message() {
        XCTAssertThrowsError(try Certificate.parse(pem: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")) {
            XCTAssertTrue("\($0)".contains("certificate does not parse"))
        }
        XCTAssertThrowsError(try PrivateKey.parse(pem: "hello"))
    }

    func test_hex_token_is_64_lowercase_hex_characters_and_random() throws {
        let t = try SecureRandom.hexToken()
        XCTAssertEqual(t.count, 64)
        XCTAssertTrue(t.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        XCTAssertNotEqual(t, try SecureRandom.hexToken())
    }
}
