import COpenSSL
import CShims

/// A configured `SSL_CTX`: TLS 1.2 and 1.3 only. A server context carries the certificate and
/// key (and, under mutual TLS, the CAs a client certificate must come from). A client context
/// either trusts exactly one certificate, without a hostname check, as the documented Python
/// client of the exporter does (shared mode), or trusts the fleet's CAs and then every
/// connection must name the host it expects (`checksPeerName`; per-host mode). A client context
/// for other services (a Prometheus server) verifies against CAs and checks names the usual way.
/// @unchecked Sendable: the SSL_CTX is fully configured in `init` and only read afterwards
/// (`SSL_new` on it is thread-safe).
public final class TLSContext: @unchecked Sendable {
    let handle: OpaquePointer
    public let certificate: Certificate?
    /// A client context trusting CAs: each connection checks the peer's subjectAltName against
    /// the name it was opened for (`TLSStream(expectedPeerName:)`), which it must give.
    public let checksPeerName: Bool
    /// The peers are the fleet's exporters (a name mismatch then means a host serving another
    /// host's credentials), not some other service such as a Prometheus server.
    public let peersAreFleetHosts: Bool
    /// A server context that requires a client certificate issued by its CAs.
    public let requiresClientCertificate: Bool
    /// Certificates a server may present that a client context trusts as they are: its
    /// connections keep these decoded objects instead of their own copies
    /// (`PeerCertificateSharing`).
    let sharedPeerCertificates: [Certificate]

    private init(handle: OpaquePointer, certificate: Certificate?, checksPeerName: Bool = false,
                 peersAreFleetHosts: Bool = true, requiresClientCertificate: Bool = false,
                 sharedPeerCertificates: [Certificate] = []) {
        self.handle = handle
        self.sharedPeerCertificates = sharedPeerCertificates
        self.certificate = certificate
        self.checksPeerName = checksPeerName
        self.peersAreFleetHosts = peersAreFleetHosts
        self.requiresClientCertificate = requiresClientCertificate
    }

    deinit { SSL_CTX_free(handle) }

    /// A server context. `resumption: false` disables tickets and the session cache, so every
    /// connection pays a full handshake (what benchmarks of handshakes need).
    /// `clientAuthorities`: a PEM bundle of CA certificates; when given, a client must present a
    /// certificate issued by one of them or the handshake fails (mutual TLS).
    public static func server(certificatePEM: String, keyPEM: String, resumption: Bool = true,
                              clientAuthorities: String? = nil) throws(TLSError) -> TLSContext {
        let cert = try Certificate.parse(pem: certificatePEM)
        let key = try PrivateKey.parse(pem: keyPEM)
        guard cert.matches(key) else { throw TLSError("the private key does not match the certificate") }
        let ctx = try newContext(server: true)
        guard SSL_CTX_use_certificate(ctx, cert.handle) == 1 else {
            SSL_CTX_free(ctx)
            throw TLSError.fromQueue("loading the certificate failed")
        }
        guard SSL_CTX_use_PrivateKey(ctx, key.handle) == 1, SSL_CTX_check_private_key(ctx) == 1 else {
            SSL_CTX_free(ctx)
            throw TLSError.fromQueue("loading the private key failed")
        }
        try preferAES128UnderTLS13(ctx)
        if resumption {
            _ = cshim_SSL_CTX_set_session_cache_mode(ctx, cshim_SSL_SESS_CACHE_SERVER())
            var sid: [UInt8] = Array("cephadm-exporter".utf8)
            SSL_CTX_set_session_id_context(ctx, &sid, UInt32(sid.count))
        } else {
            _ = cshim_SSL_CTX_set_session_cache_mode(ctx, cshim_SSL_SESS_CACHE_OFF())
            SSL_CTX_set_options(ctx, cshim_SSL_OP_NO_TICKET())
            SSL_CTX_set_num_tickets(ctx, 0)
        }
        if let clientAuthorities {
            let authorities: [Certificate]
            do { authorities = try Certificate.parseAll(pem: clientAuthorities) } catch {
                SSL_CTX_free(ctx)
                throw TLSError("the client CA bundle: \(error.message)")
            }
            // The CertificateRequest names the acceptable CAs, so a client holding several
            // certificates can pick the right one.
            try trust(authorities, in: ctx, namingClientCAs: true, failure: "trusting the client CA failed")
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        }
        return TLSContext(handle: ctx, certificate: cert, requiresClientCertificate: clientAuthorities != nil)
    }

    /// A client context that accepts exactly the given certificate (and nothing else).
    public static func client(trusting certificatePEM: String) throws(TLSError) -> TLSContext {
        let cert = try Certificate.parse(pem: certificatePEM)
        let ctx = try newContext(server: false)
        guard let store = SSL_CTX_get_cert_store(ctx), X509_STORE_add_cert(store, cert.handle) == 1 else {
            SSL_CTX_free(ctx)
            throw TLSError.fromQueue("trusting the certificate failed")
        }
        // The trusted certificate is a self-signed leaf: let it anchor the chain by itself.
        X509_STORE_set_flags(store, UInt(X509_V_FLAG_PARTIAL_CHAIN))
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        _ = cshim_SSL_CTX_set_session_cache_mode(ctx, cshim_SSL_SESS_CACHE_OFF())
        let context = TLSContext(handle: ctx, certificate: cert, sharedPeerCertificates: [cert])
        PeerCertificateSharing.install(on: ctx, for: context)
        return context
    }

    /// A client context that trusts certificates issued by the CAs of a PEM bundle (the fleet's
    /// CA, and during a CA rotation the previous one too). Every connection must then say which
    /// host it expects (`TLSStream(expectedPeerName:)`): a certificate the CA issued for another
    /// host fails verification. `clientCertificatePEM`/`clientKeyPEM`: presented when a server
    /// asks for a client certificate (mutual TLS).
    public static func client(trustingAuthorities bundlePEM: String, clientCertificatePEM: String? = nil,
                              clientKeyPEM: String? = nil) throws(TLSError) -> TLSContext {
        let authorities = try Certificate.parseAll(pem: bundlePEM)
        for ca in authorities where !ca.isCertificateAuthority {
            throw TLSError("'\(ca.subject)' in the CA bundle is not a certificate authority")
        }
        var clientCert: Certificate?, clientKey: PrivateKey?
        if let clientCertificatePEM, let clientKeyPEM {
            let c = try Certificate.parse(pem: clientCertificatePEM)
            let k = try PrivateKey.parse(pem: clientKeyPEM)
            guard c.matches(k) else { throw TLSError("the client key does not match the client certificate") }
            clientCert = c
            clientKey = k
        }
        let ctx = try newContext(server: false)
        try trust(authorities, in: ctx, failure: "trusting the CA failed")
        if let clientCert, let clientKey {
            guard SSL_CTX_use_certificate(ctx, clientCert.handle) == 1, SSL_CTX_use_PrivateKey(ctx, clientKey.handle) == 1 else {
                SSL_CTX_free(ctx)
                throw TLSError.fromQueue("loading the client certificate failed")
            }
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        _ = cshim_SSL_CTX_set_session_cache_mode(ctx, cshim_SSL_SESS_CACHE_OFF())
        // Each host has its own certificate here: only a CA a server sends along is shared.
        let context = TLSContext(handle: ctx, certificate: clientCert, checksPeerName: true, sharedPeerCertificates: authorities)
        PeerCertificateSharing.install(on: ctx, for: context)
        return context
    }

    /// A client context that verifies servers the usual way, against certificate authorities:
    /// those of a PEM bundle (every certificate in it), or the system's when nil. Connections
    /// made with it must say which name they expect (`TLSStream(expectedPeerName:)`). For
    /// services other than the exporters (a Prometheus server).
    public static func client(authorities bundlePEM: String?) throws(TLSError) -> TLSContext {
        let ctx = try newContext(server: false)
        if let bundlePEM {
            let certificates: [Certificate]
            do { certificates = try Certificate.parseAll(pem: bundlePEM) } catch {
                SSL_CTX_free(ctx)
                throw TLSError("the CA file: \(error.message)")
            }
            try trust(certificates, in: ctx, failure: "trusting a certificate of the CA file failed")
            // Any certificate of the file anchors a chain, a self-signed server certificate
            // included (as curl does): the file is what the operator chose to trust.
            X509_STORE_set_flags(SSL_CTX_get_cert_store(ctx), UInt(X509_V_FLAG_PARTIAL_CHAIN))
        } else if SSL_CTX_set_default_verify_paths(ctx) != 1 {
            SSL_CTX_free(ctx)
            throw TLSError.fromQueue("the system's certificate authorities cannot be loaded")
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        _ = cshim_SSL_CTX_set_session_cache_mode(ctx, cshim_SSL_SESS_CACHE_OFF())
        return TLSContext(handle: ctx, certificate: nil, checksPeerName: true, peersAreFleetHosts: false)
    }

    /// A server's TLS 1.3 suites, in the order it picks them (it prefers its own order): the
    /// AES-128-GCM suite every TLS 1.3 client offers first, then OpenSSL's other two. OpenSSL's
    /// default order picks AES-256-GCM with SHA-384, whose cipher and transcript state cost a
    /// kept-alive connection about 0.4 KB more on both ends (a dashboard of 10,000 hosts feels
    /// it), and four more AES rounds a block. A client that offers only AES-256 still gets it.
    /// On failure frees `ctx` and throws.
    private static func preferAES128UnderTLS13(_ ctx: OpaquePointer) throws(TLSError) {
        guard SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256") == 1 else {
            SSL_CTX_free(ctx)
            throw TLSError.fromQueue("setting the TLS 1.3 cipher suites failed")
        }
    }

    /// Adds `certificates` to the context's trust store (and, for a server asking for client
    /// certificates, to the CA names it sends). On failure frees `ctx` and throws.
    private static func trust(_ certificates: [Certificate], in ctx: OpaquePointer, namingClientCAs: Bool = false,
                              failure: String) throws(TLSError) {
        guard let store = SSL_CTX_get_cert_store(ctx) else {
            SSL_CTX_free(ctx)
            throw TLSError.fromQueue("no certificate store")
        }
        for c in certificates {
            guard X509_STORE_add_cert(store, c.handle) == 1, !namingClientCAs || SSL_CTX_add_client_CA(ctx, c.handle) == 1 else {
                SSL_CTX_free(ctx)
                throw TLSError.fromQueue(failure)
            }
        }
    }

    private static func newContext(server: Bool) throws(TLSError) -> OpaquePointer {
        guard let ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()) else {
            throw TLSError.fromQueue("SSL_CTX_new failed")
        }
        _ = cshim_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)
        SSL_CTX_set_options(
            ctx,
            cshim_SSL_OP_NO_COMPRESSION() | cshim_SSL_OP_NO_RENEGOTIATION() | cshim_SSL_OP_CIPHER_SERVER_PREFERENCE()
                | cshim_SSL_OP_IGNORE_UNEXPECTED_EOF())
        // Non-blocking I/O retries may pass a buffer at a different address; partial writes let a
        // large response drain as the socket allows.
        _ = cshim_SSL_CTX_set_mode(
            ctx, Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_RELEASE_BUFFERS))
        if !server {
            // A poll's answer is several 16 KB records: reading ahead into a buffer that holds a
            // few of them takes one read(2) where record-sized reads took two a record (header,
            // then body). The buffer is released with the others while the connection is idle.
            _ = SSL_CTX_ctrl(ctx, SSL_CTRL_SET_READ_AHEAD, 1, nil)
            SSL_CTX_set_default_read_buffer_len(ctx, 64 * 1024)
        }
        return ctx
    }
}
