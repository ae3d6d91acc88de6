import COpenSSL
import Glibc
import CShims

/// An X.509 certificate parsed from PEM. Owns its `X509*`.
/// @unchecked Sendable: the handle is immutable after parsing and OpenSSL's X509 is safe to
/// read (and reference-count) from several threads.
public final class Certificate: @unchecked Sendable {
    let handle: OpaquePointer
    public let pem: String

    private init(handle: OpaquePointer, pem: String) {
        self.handle = handle
        self.pem = pem
    }

    deinit { X509_free(handle) }

    /// Parses the first certificate of a PEM text.
    public static func parse(pem: String) throws(TLSError) -> Certificate {
        guard pem.contains("-----BEGIN CERTIFICATE-----") else {
            throw TLSError("not a PEM certificate (no '-----BEGIN CERTIFICATE-----' line)")
        }
        let bytes = Array(pem.utf8)
        let x509: OpaquePointer? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_X509(bio, nil, nil, nil)
        }
        guard let x509 else { throw TLSError.fromQueue("certificate does not parse") }
        ERR_clear_error()
        return Certificate(handle: x509, pem: pem)
    }

    /// Every certificate of a PEM bundle that parses, in order (a CA file).
    public static func parseAll(pem: String) -> [Certificate] {
        let bytes = Array(pem.utf8)
        var out: [Certificate] = []
        bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(clamping: raw.count)) else { return }
            defer { BIO_free(bio) }
            while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) { out.append(Certificate(handle: x509, pem: pemText(of: x509))) }
        }
        ERR_clear_error()  // the end of the bundle leaves "no start line" on the queue
        return out
    }

    /// One certificate as PEM (each of a bundle gets its own text).
    private static func pemText(of x509: OpaquePointer) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        PEM_write_bio_X509(bio, x509)
        return String(decoding: bioContents(bio), as: UTF8.self)
    }

    /// Seconds since the epoch at which the certificate stops being valid (nil if unreadable).
    public var notAfterEpoch: Int? { cshim_X509_get_notAfter(handle).flatMap(Self.epoch) }

    /// Seconds since the epoch from which the certificate is valid (nil if unreadable).
    public var notBeforeEpoch: Int? { cshim_X509_get_notBefore(handle).flatMap(Self.epoch) }

    /// An ASN1_TIME as epoch seconds (UTC), without reading any clock.
    private static func epoch(_ time: UnsafeMutablePointer<ASN1_TIME>) -> Int? {
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return timegm(&parts)
    }

    /// The subject in OpenSSL's one-line form (`/O=Ceph/OU=cephadm-exporter`).
    public var subject: String {
        guard let name = X509_get_subject_name(handle), let text = X509_NAME_oneline(name, nil, 0) else { return "" }
        defer { cshim_OPENSSL_free(text) }
        return String(cString: text)
    }

    /// SHA-256 fingerprint, hex, for log lines that say which certificate is in use.
    public var fingerprint: String {
        var md = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        X509_digest(handle, EVP_sha256(), &md, &len)
        return HexText.lowercase(md.prefix(Int(len)), separator: ":")
    }

    /// True when `key` is the private key of this certificate's public key.
    public func matches(_ key: PrivateKey) -> Bool {
        let ok = X509_check_private_key(handle, key.handle) == 1
        ERR_clear_error()  // a mismatch leaves errors on the queue
        return ok
    }
}

/// A private key parsed from PEM: PKCS#8 (`BEGIN PRIVATE KEY`), PKCS#1 RSA, SEC1 EC, any form
/// OpenSSL reads. Owns its `EVP_PKEY*`.
/// @unchecked Sendable: immutable after parsing; EVP_PKEY is reference counted thread-safely.
public final class PrivateKey: @unchecked Sendable {
    let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }
    deinit { EVP_PKEY_free(handle) }

    public static func parse(pem: String) throws(TLSError) -> PrivateKey {
        guard pem.contains("PRIVATE KEY-----") else {
            throw TLSError("not a PEM private key (no '-----BEGIN ... PRIVATE KEY-----' line)")
        }
        if pem.contains("ENCRYPTED") {
            throw TLSError("the private key is encrypted; a key without a passphrase is needed")
        }
        let bytes = Array(pem.utf8)
        let key: OpaquePointer? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else { throw TLSError.fromQueue("private key does not parse") }
        ERR_clear_error()
        return PrivateKey(handle: key)
    }

    /// `EC` or `RSA` (or OpenSSL's short name for other types).
    public var typeName: String {
        switch EVP_PKEY_get_base_id(handle) {
        case EVP_PKEY_EC: return "EC"
        case EVP_PKEY_RSA: return "RSA"
        case EVP_PKEY_ED25519: return "ED25519"
        default: return "other"
        }
    }

    /// The key as PKCS#8 PEM.
    public var pkcs8PEM: String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        PEM_write_bio_PrivateKey(bio, handle, nil, nil, 0, nil, nil)
        return String(decoding: bioContents(bio), as: UTF8.self)
    }
}
