import COpenSSL
import CShims
import Glibc
import XCTest

@testable import Common

/// Client connections keep the context's own decoded copy of a certificate it trusts as it is,
/// and only once the received chain verified (`PeerCertificateSharing`).
final class PeerCertificateSharingTests: XCTestCase {
    private var pairs: [(Int32, Int32)] = []

    override func tearDown() {
        for (a, b) in pairs { close(a); close(b) }
        pairs = []
    }

    /// Drives both ends of a non-blocking socket pair until neither wants more; the client's
    /// handshake result.
    private func handshake(server: TLSContext, client: TLSContext, expecting name: String? = nil) throws -> (TLSStream, TLSIOResult) {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &fds), 0)
        pairs.append((fds[0], fds[1]))
        let s = try TLSStream(context: server, fd: fds[0], isServer: true)
        let c = try TLSStream(context: client, fd: fds[1], isServer: false, expectedPeerName: name)
        var clientResult = TLSIOResult.wantRead
        for _ in 0..<50 {
            clientResult = c.handshake()
            let serverResult = s.handshake()
            if case .done = clientResult, case .done = serverResult { break }
            if case .failed = clientResult { break }
        }
        return (c, clientResult)
    }

    private func peer(of stream: TLSStream) -> OpaquePointer? { SSL_get0_peer_certificate(stream.ssl) }

    func test_a_connection_to_the_pinned_certificate_keeps_the_contexts_copy() throws {
        let pair = try SelfSignedCertificate.generate()
        let server = try TLSContext.server(certificatePEM: pair.certificatePEM, keyPEM: pair.privateKeyPEM)
        let client = try TLSContext.client(trusting: pair.certificatePEM)
        let pinned = try XCTUnwrap(client.certificate)
        for _ in 0..<3 {
            let (c, result) = try handshake(server: server, client: client)
            guard case .done = result else { return XCTFail("handshake: \(result)") }
            XCTAssertNil(c.verifyError)
            XCTAssertTrue(peer(of: c) == pinned.handle, "the session keeps the context's certificate, not a copy")
            let chain = try XCTUnwrap(SSL_get_peer_cert_chain(c.ssl))
            XCTAssertTrue(cshim_sk_X509_value(chain, 0) == pinned.handle)
        }
    }

    func test_a_server_context_picks_aes128_gcm_and_still_serves_a_client_offering_only_aes256() throws {
        let pair = try SelfSignedCertificate.generate(subjectAltNames: ["DNS:exporter"])
        let server = try TLSContext.server(certificatePEM: pair.certificatePEM, keyPEM: pair.privateKeyPEM)
        // A client offering OpenSSL's default suites (AES-256 first) gets the server's choice.
        for client in [try TLSContext.client(trusting: pair.certificatePEM), try TLSContext.client(authorities: pair.certificatePEM)] {
            let (c, result) = try handshake(server: server, client: client, expecting: "exporter")
            guard case .done = result else { return XCTFail("handshake: \(result)") }
            XCTAssertEqual(String(cString: SSL_CIPHER_get_name(SSL_get_current_cipher(c.ssl))), "TLS_AES_128_GCM_SHA256")
        }
        // A client whose policy allows only AES-256 still connects, with AES-256.
        let strict = try TLSContext.client(trusting: pair.certificatePEM)
        XCTAssertEqual(SSL_CTX_set_ciphersuites(strict.handle, "TLS_AES_256_GCM_SHA384"), 1)
        let (d, other) = try handshake(server: server, client: strict)
        guard case .done = other else { return XCTFail("handshake: \(other)") }
        XCTAssertEqual(String(cString: SSL_CIPHER_get_name(SSL_get_current_cipher(d.ssl))), "TLS_AES_256_GCM_SHA384")
    }

    func test_another_certificate_still_fails_verification_and_is_not_replaced() throws {
        let pinned = try SelfSignedCertificate.generate()
        let other = try SelfSignedCertificate.generate()
        let server = try TLSContext.server(certificatePEM: other.certificatePEM, keyPEM: other.privateKeyPEM)
        let client = try TLSContext.client(trusting: pinned.certificatePEM)
        let (c, result) = try handshake(server: server, client: client)
        guard case .failed(let message) = result else { return XCTFail("handshake: \(result)") }
        XCTAssertTrue(message.contains("certificate verify failed"), message)
        XCTAssertNotNil(c.verifyError)
        let chain = try XCTUnwrap(SSL_get_peer_cert_chain(c.ssl))
        XCTAssertFalse(cshim_sk_X509_value(chain, 0) == client.certificate?.handle)
    }

    func test_per_host_certificates_are_verified_with_their_names_and_kept_as_received() throws {
        let caPair = try CertificateAuthority.generate()
        let ca = try CertificateAuthority(certificatePEM: caPair.certificatePEM, keyPEM: caPair.privateKeyPEM)
        let host = try ca.issue(commonName: "node1", subjectAltNames: [.dns("node1")], usage: .server, validDays: 30)
        let server = try TLSContext.server(certificatePEM: host.certificatePEM, keyPEM: host.privateKeyPEM)
        let client = try TLSContext.client(trustingAuthorities: caPair.certificatePEM)
        let (good, ok) = try handshake(server: server, client: client, expecting: "node1")
        guard case .done = ok else { return XCTFail("handshake: \(ok)") }
        XCTAssertEqual(Certificate.adopting(try XCTUnwrap(SSL_get1_peer_certificate(good.ssl)))?.commonName, "node1")
        let (_, wrongName) = try handshake(server: server, client: client, expecting: "node2")
        guard case .failed(let message) = wrongName else { return XCTFail("handshake: \(wrongName)") }
        XCTAssertTrue(message.contains("node2"), message)
    }

    func test_only_a_byte_identical_certificate_is_swapped_for_the_trusted_object() throws {
        let a = try Certificate.parse(pem: try SelfSignedCertificate.generate().certificatePEM)
        let b = try Certificate.parse(pem: try SelfSignedCertificate.generate().certificatePEM)
        let pem = try SelfSignedCertificate.generate().certificatePEM
        let trusted = try Certificate.parse(pem: pem)
        let receivedCopy = try Certificate.parse(pem: pem)  // the same bytes, decoded again
        let chain = try XCTUnwrap(OPENSSL_sk_new_null())
        defer { OPENSSL_sk_pop_free(chain) { X509_free(OpaquePointer($0)) } }
        for c in [a, receivedCopy, b] {
            X509_up_ref(c.handle)
            OPENSSL_sk_push(chain, UnsafeRawPointer(c.handle))
        }
        XCTAssertEqual(PeerCertificateSharing.replaceTrustedCopies(in: chain, of: nil, with: [trusted]), 1)
        XCTAssertTrue(cshim_sk_X509_value(chain, 0) == a.handle)
        XCTAssertTrue(cshim_sk_X509_value(chain, 1) == trusted.handle)
        XCTAssertTrue(cshim_sk_X509_value(chain, 2) == b.handle)
        XCTAssertEqual(PeerCertificateSharing.replaceTrustedCopies(in: chain, of: nil, with: [trusted]), 0, "already the trusted object")
    }
}
