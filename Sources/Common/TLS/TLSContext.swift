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
