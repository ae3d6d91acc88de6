import COpenSSL
import CShims

/// A configured `SSL_CTX`: TLS 1.2 and 1.3 only. A server context carries the certificate and
/// key; a client context trusts exactly one certificate, without a hostname check, as the
/// documented Python client of the exporter does.
/// @unchecked Sendable: the SSL_CTX is fully configured in `init` and only read afterwards
/// (`SSL_new` on it is thread-safe).
public final class TLSContext: @unchecked Sendable {
    let handle: OpaquePointer
    public let certificate: Certificate?

    private init(handle: OpaquePointer, certificate: Certificate?) {
        self.handle = handle
        self.certificate = certificate
    }

    deinit { SSL_CTX_free(handle) }

    /// A server context. `resumption: false` disables tickets and the session cache, so every
    /// connection pays a full handshake (what benchmarks of handshakes need).
    public static func server(certificatePEM: String, keyPEM: String, resumption: Bool = true) throws(TLSError) -> TLSContext {
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
        if resumption {
            _ = cshim_SSL_CTX_set_session_cache_mode(ctx, cshim_SSL_SESS_CACHE_SERVER())
            var sid: [UInt8] = Array("cephadm-exporter".utf8)
            SSL_CTX_set_session_id_context(ctx, &sid, UInt32(sid.count))
        } else {
            _ = cshim_SSL_CTX_set_session_cache_mode(ctx, cshim_SSL_SESS_CACHE_OFF())
            SSL_CTX_set_options(ctx, cshim_SSL_OP_NO_TICKET())
            SSL_CTX_set_num_tickets(ctx, 0)
        }
        return TLSContext(handle: ctx, certificate: cert)
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
        return TLSContext(handle: ctx, certificate: cert)
    }

    /// A client context that verifies servers the usual way, against certificate authorities:
    /// those of a PEM bundle (every certificate in it), or the system's when nil. Connections
    /// made with it also check the server's name (`TLSStream.expectServerName`). For services
    /// other than the exporters (a Prometheus server).
    public static func client(authorities bundlePEM: String?) throws(TLSError) -> TLSContext {
        let ctx = try newContext(server: false)
        if let bundlePEM {
            let certificates = Certificate.parseAll(pem: bundlePEM)
            guard !certificates.isEmpty else {
                SSL_CTX_free(ctx)
                throw TLSError("no PEM certificate in the CA file (no '-----BEGIN CERTIFICATE-----' block that parses)")
            }
            guard let store = SSL_CTX_get_cert_store(ctx) else {
                SSL_CTX_free(ctx)
                throw TLSError.fromQueue("no certificate store")
            }
            for c in certificates where X509_STORE_add_cert(store, c.handle) != 1 {
                SSL_CTX_free(ctx)
                throw TLSError.fromQueue("trusting a certificate of the CA file failed")
            }
            // Any certificate of the file anchors a chain, a self-signed server certificate
            // included (as curl does): the file is what the operator chose to trust.
            X509_STORE_set_flags(store, UInt(X509_V_FLAG_PARTIAL_CHAIN))
        } else if SSL_CTX_set_default_verify_paths(ctx) != 1 {
            SSL_CTX_free(ctx)
            throw TLSError.fromQueue("the system's certificate authorities cannot be loaded")
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        _ = cshim_SSL_CTX_set_session_cache_mode(ctx, cshim_SSL_SESS_CACHE_OFF())
        return TLSContext(handle: ctx, certificate: nil)
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
        return ctx
    }
}
