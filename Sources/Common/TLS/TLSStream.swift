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
    public private(set) var handshakeDone = false

    public init(context: TLSContext, fd: Int32, isServer: Bool) throws(TLSError) {
        guard let ssl = SSL_new(context.handle) else { throw TLSError.fromQueue("SSL_new failed") }
        SSL_set_fd(ssl, fd)
        if isServer { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
        self.ssl = ssl
    }

    deinit { SSL_free(ssl) }

    /// A client connection: send `name` as SNI (unless it is an IP address) and accept only a
    /// certificate issued for it (a DNS name, or an IP address in its subjectAltName). Call
    /// before the handshake.
    public func expectServerName(_ name: String) {
        if SocketAddress(ip: name, port: 0) != nil {
            _ = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name)
        } else {
            _ = cshim_SSL_set_tlsext_host_name(ssl, name)
            _ = SSL_set1_host(ssl, name)
        }
    }

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

    /// Frees OpenSSL's record buffers while the connection sits idle (thousands of kept-alive
    /// client connections would otherwise hold their read and write buffers between polls).
    public func releaseBuffers() {
        _ = SSL_free_buffers(ssl)
    }

    /// The reason a client's certificate verification failed, if it did.
    public var verifyError: String? {
        let r = SSL_get_verify_result(ssl)
        guard r != X509_V_OK else { return nil }
        return String(cString: X509_verify_cert_error_string(r))
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
