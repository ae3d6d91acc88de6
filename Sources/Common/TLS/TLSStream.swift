import COpenSSL
import CShims
import Glibc

/// The outcome of one non-blocking TLS operation.
public enum TLSIOResult: Equatable {
    case done(Int)
    case wantRead
    case wantWrite
    /// The peer closed (or reset) the connection, cleanly or not, without a TLS alert; during
    /// the handshake this tells "closed on us" apart from a handshake that failed for a reason.
    case closed
    case failed(String)
}

/// One TLS session over a non-blocking socket. Owns the `SSL*`, not the descriptor.
/// Not Sendable: it lives on its event loop's thread.
public final class TLSStream {
    let ssl: OpaquePointer
    /// Kept for the life of the `SSL`: its verification callback reads the context's shared
    /// certificates (`PeerCertificateSharing`).
    private let context: TLSContext
    public private(set) var handshakeDone = false
    /// The host name or address the peer's certificate must name (per-host mode), for messages.
    private let expectedPeerName: String?
    private let peersAreFleetHosts: Bool

    /// `expectedPeerName`: for a client context that `checksPeerName`, the host this connection
    /// means to reach (a name is matched against DNS subjectAltNames, an IP literal against IP
    /// ones); required there, ignored otherwise.
    public init(context: TLSContext, fd: Int32, isServer: Bool, expectedPeerName: String? = nil) throws(TLSError) {
        guard let ssl = SSL_new(context.handle) else { throw TLSError.fromQueue("SSL_new failed") }
        // Owned from here: freed by deinit, including when the checks below throw.
        self.ssl = ssl
        self.context = context
        self.expectedPeerName = context.checksPeerName ? expectedPeerName : nil
        SSL_set_fd(ssl, fd)
        if isServer { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
        if !isServer && context.checksPeerName {
            guard let name = expectedPeerName, !name.isEmpty else {
                throw TLSError("no host name to check the certificate against (per-host mode needs one per connection)")
            }
            try Self.expect(name, on: ssl)
        }
        peersAreFleetHosts = context.peersAreFleetHosts
    }

    /// Makes verification require a subjectAltName naming `name`: an IP entry for an IP literal,
    /// else a DNS entry (no partial wildcards; the subject's CN never counts), which is also sent
    /// as SNI (a server behind a proxy that routes by name needs it).
    private static func expect(_ name: String, on ssl: OpaquePointer) throws(TLSError) {
        guard let param = SSL_get0_param(ssl) else { throw TLSError.fromQueue("no verification parameters") }
        let ok: Int32
        if SubjectAltName.isIPLiteral(name) {
            ok = X509_VERIFY_PARAM_set1_ip_asc(param, name)
        } else {
            X509_VERIFY_PARAM_set_hostflags(param, UInt32(X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            ok = X509_VERIFY_PARAM_set1_host(param, name, 0)
            _ = cshim_SSL_set_tlsext_host_name(ssl, name)
        }
        guard ok == 1 else { throw TLSError.fromQueue("cannot check certificates against '\(name)'") }
    }

    deinit { SSL_free(ssl) }

    public func handshake() -> TLSIOResult {
        ERR_clear_error()
        let rc = SSL_do_handshake(ssl)
        if rc == 1 {
            handshakeDone = true
            return .done(0)
        }
        return classify(rc, during: "handshake")
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSIOResult {
        ERR_clear_error()
        var n = 0
        let rc = SSL_read_ex(ssl, buffer.baseAddress, buffer.count, &n)
        if rc == 1 { return .done(n) }
        return classify(rc, during: "read")
    }

    public func write(_ bytes: UnsafeRawBufferPointer) -> TLSIOResult {
        ERR_clear_error()
        var n = 0
        let rc = SSL_write_ex(ssl, bytes.baseAddress, bytes.count, &n)
        if rc == 1 { return .done(n) }
        return classify(rc, during: "write")
    }

    /// Sends close_notify once, without waiting for the peer's.
    public func shutdown() {
        ERR_clear_error()
        if handshakeDone { SSL_shutdown(ssl) }
        ERR_clear_error()
    }

    /// Whether OpenSSL holds bytes it has read from the socket and not yet handed out (a whole
    /// or partial record in its read-ahead buffer, or decrypted plaintext).
    public var holdsUnreadInput: Bool { SSL_has_pending(ssl) == 1 }

    /// Frees OpenSSL's record buffers while the connection sits idle (thousands of kept-alive
    /// client connections would otherwise hold their read and write buffers between polls).
    public func releaseBuffers() {
        _ = SSL_free_buffers(ssl)
    }

    /// The reason a client's certificate verification failed, if it did. A certificate for
    /// another host says whose it is (the CN the fleet's CA puts there), so an exporter serving
    /// a copy of another host's credentials is recognisable as such.
    public var verifyError: String? {
        let r = SSL_get_verify_result(ssl)
        guard r != X509_V_OK else { return nil }
        let reason = String(cString: X509_verify_cert_error_string(r))
        guard let expected = expectedPeerName,
              r == Int(X509_V_ERR_HOSTNAME_MISMATCH) || r == Int(X509_V_ERR_IP_ADDRESS_MISMATCH) else { return reason }
        guard peersAreFleetHosts else { return "\(reason) (it does not name \(expected))" }
        let owner = peerLeafCommonName.map { "'\($0)'" } ?? "another host"
        return "\(reason): the certificate was issued for \(owner), not for \(expected) (this exporter serves another host's credentials)"
    }

    /// The CN of the certificate the peer sent, even when it failed verification.
    private var peerLeafCommonName: String? {
        guard let chain = SSL_get_peer_cert_chain(ssl), cshim_sk_X509_num(chain) > 0,
              let leaf = cshim_sk_X509_value(chain, 0) else { return nil }
        X509_up_ref(leaf)
        return Certificate.adopting(leaf)?.commonName
    }

    private func classify(_ rc: Int32, during what: String) -> TLSIOResult {
        let err = SSL_get_error(ssl, rc)
        switch err {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            let e = errno
            let queued = OpenSSLErrorQueue.drain()
            if !queued.isEmpty { return .failed("TLS \(what): \(queued)") }
            if e == 0 || e == ECONNRESET || e == EPIPE { return .closed }
            return .failed("TLS \(what): \(String(cString: strerror(e)))")
        default:
            var detail = OpenSSLErrorQueue.drain()
            if let v = verifyError, what == "handshake" { detail = "certificate verify failed: \(v)" }
            // No reason on the queue: the peer closed mid-handshake (a port scanner, a server at
            // its connection limit), which is not a TLS failure with a reason to report.
            if detail.isEmpty { return .closed }
            return .failed("TLS \(what): \(detail)")
        }
    }
}
