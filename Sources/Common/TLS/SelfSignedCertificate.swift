import COpenSSL
import CShims

/// The kind of key a generated certificate gets. EC P-256 is the default: a TLS handshake with
/// it costs the server about half the CPU of RSA-2048.
public enum KeyType: String, Sendable, CaseIterable {
    case ec
    case rsa
}

/// A freshly generated self-signed certificate with its PKCS#8 key, both PEM.
public struct GeneratedCertificate: Sendable {
    public let certificatePEM: String
    public let privateKeyPEM: String
}

/// Generates the exporter's self-signed certificate: subject `O=Ceph, OU=cephadm-exporter`,
/// 10 years, random 128-bit serial, as Pacific's mgr does (but EC by default).
public enum SelfSignedCertificate {
    public static func generate(
        keyType: KeyType = .ec,
        commonName: String? = nil,
        subjectAltNames: [String] = [],
        validDays: Int = 3650
    ) throws(TLSError) -> GeneratedCertificate {
        let key = try generateKey(keyType)
        guard let x509 = X509_new() else { throw TLSError.fromQueue("X509_new failed") }
        defer { X509_free(x509) }

        X509_set_version(x509, 2)  // v3
        try setRandomSerial(x509)
        X509_gmtime_adj(cshim_X509_get_notBefore(x509), 0)
        X509_gmtime_adj(cshim_X509_get_notAfter(x509), validDays * 86_400)
        X509_set_pubkey(x509, key.handle)

        guard let name = X509_get_subject_name(x509) else { throw TLSError.fromQueue("no subject name") }
        addEntry(name, "O", "Ceph")
        addEntry(name, "OU", "cephadm-exporter")
        if let commonName { addEntry(name, "CN", commonName) }
        X509_set_issuer_name(x509, name)

        try addExtension(x509, NID_basic_constraints, "critical,CA:FALSE")
        try addExtension(x509, NID_key_usage, "critical,digitalSignature,keyEncipherment")
        try addExtension(x509, NID_ext_key_usage, "serverAuth")
        if !subjectAltNames.isEmpty {
            try addExtension(x509, NID_subject_alt_name, subjectAltNames.joined(separator: ","))
        }

        guard X509_sign(x509, key.handle, EVP_sha256()) > 0 else {
            throw TLSError.fromQueue("signing the certificate failed")
        }
        guard let bio = BIO_new(BIO_s_mem()) else { throw TLSError.fromQueue("BIO_new failed") }
        defer { BIO_free(bio) }
        PEM_write_bio_X509(bio, x509)
        let certPEM = String(decoding: bioContents(bio), as: UTF8.self)
        return GeneratedCertificate(certificatePEM: certPEM, privateKeyPEM: key.pkcs8PEM)
    }

    static func generateKey(_ type: KeyType) throws(TLSError) -> PrivateKey {
        let id = type == .ec ? EVP_PKEY_EC : EVP_PKEY_RSA
        guard let ctx = EVP_PKEY_CTX_new_id(id, nil) else { throw TLSError.fromQueue("EVP_PKEY_CTX_new_id failed") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) > 0 else { throw TLSError.fromQueue("key generation init failed") }
        switch type {
        case .ec:
            guard EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) > 0 else {
                throw TLSError.fromQueue("selecting curve P-256 failed")
            }
        case .rsa:
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048) > 0 else {
                throw TLSError.fromQueue("selecting RSA-2048 failed")
            }
        }
        var pkey: OpaquePointer? = nil
        guard EVP_PKEY_generate(ctx, &pkey) > 0, let pkey else { throw TLSError.fromQueue("key generation failed") }
        return PrivateKey(handle: pkey)
    }

    private static func setRandomSerial(_ x509: OpaquePointer) throws(TLSError) {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&bytes, 16) == 1 else { throw TLSError.fromQueue("RAND_bytes failed") }
        bytes[0] &= 0x7F  // keep the serial positive
        guard let bn = BN_bin2bn(bytes, 16, nil) else { throw TLSError.fromQueue("BN_bin2bn failed") }
        defer { BN_free(bn) }
        guard let serial = X509_get_serialNumber(x509), BN_to_ASN1_INTEGER(bn, serial) != nil else {
            throw TLSError.fromQueue("setting the serial number failed")
        }
    }

    private static func addEntry(_ name: OpaquePointer, _ field: String, _ value: String) {
        X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, value, -1, -1, 0)
    }

    private static func addExtension(_ x509: OpaquePointer, _ nid: Int32, _ value: String) throws(TLSError) {
        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, x509, x509, nil, nil, 0)
        guard let ext = X509V3_EXT_conf_nid(nil, &ctx, nid, value) else {
            throw TLSError.fromQueue("certificate extension '\(value)' rejected")
        }
        defer { X509_EXTENSION_free(ext) }
        X509_add_ext(x509, ext, -1)
    }
}

/// Cryptographically secure random bytes from OpenSSL's CSPRNG.
public enum SecureRandom {
    public static func bytes(_ count: Int) throws(TLSError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&out, Int32(count)) == 1 else { throw TLSError.fromQueue("RAND_bytes failed") }
        return out
    }

    /// A token of `byteCount` random bytes as lower-case hex (64 characters for 32 bytes).
    public static func hexToken(byteCount: Int = 32) throws(TLSError) -> String {
        HexText.lowercase(try bytes(byteCount))
    }
}
