import COpenSSL
import CShims

/// Lets kept-alive client connections share one decoded copy of a server certificate the
/// context trusts as it is (shared mode's pinned certificate, a CA a server sends along).
///
/// OpenSSL decodes the server's certificates on every handshake and keeps the decoded objects
/// (with their public key) for the life of the connection: about 5 KB a connection, 50 MB for a
/// dashboard of 10,000 hosts that all present the same certificate. The chain is verified
/// exactly as without this, by `X509_verify_cert` on the received certificates with the
/// connection's parameters (name checks included); only after it succeeded is each received
/// certificate whose DER encoding equals one the context trusts replaced by the context's own
/// object, so the connection keeps that one instead of its private copy. The same bytes decode
/// to the same key, so the CertificateVerify check that follows (made with the session's peer
/// key) and everything read from the peer certificate later see the same values.
enum PeerCertificateSharing {
    /// Installs the verification callback; `context` must stay alive while `ctx` handshakes
    /// (every `TLSStream` keeps its context).
    static func install(on ctx: OpaquePointer, for context: TLSContext) {
        SSL_CTX_set_cert_verify_callback(ctx, verifyThenShare, Unmanaged.passUnretained(context).toOpaque())
    }

    /// What OpenSSL calls instead of `X509_verify_cert` (1: verified, 0: not).
    private static let verifyThenShare: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = { storeContext, arg in
        guard let storeContext else { return 0 }
        guard X509_verify_cert(storeContext) == 1 else { return 0 }
        guard let arg, let received = X509_STORE_CTX_get0_untrusted(storeContext) else { return 1 }
        let context = Unmanaged<TLSContext>.fromOpaque(arg).takeUnretainedValue()
        replaceTrustedCopies(in: received, of: storeContext, with: context.sharedPeerCertificates)
        return 1
    }

    /// Swaps every certificate of `chain` (the connection's received chain) that is byte for
    /// byte one of `trusted` for the trusted object. Returns how many it swapped.
    @discardableResult
    static func replaceTrustedCopies(in chain: OpaquePointer, of storeContext: OpaquePointer?, with trusted: [Certificate]) -> Int {
        guard !trusted.isEmpty else { return 0 }
        var swapped = 0
        for i in 0..<cshim_sk_X509_num(chain) {
            guard let copy = cshim_sk_X509_value(chain, i),
                  let own = trusted.first(where: { $0.handle != copy && X509_cmp($0.handle, copy) == 0 })?.handle
            else { continue }
            X509_up_ref(own)
            cshim_sk_X509_set(chain, i, own)
            // The store context still names the leaf it verified: point it at the object kept.
            if i == 0, let storeContext { X509_STORE_CTX_set_cert(storeContext, own) }
            X509_free(copy)
            swapped += 1
        }
        return swapped
    }
}
