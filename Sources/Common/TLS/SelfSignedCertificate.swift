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
        var builder = CertificateBuilder(subjectKey: key, commonName: commonName, validDays: validDays)
        builder.extensions = [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature,keyEncipherment"),
            (NID_ext_key_usage, "serverAuth"),
        ]
        if !subjectAltNames.isEmpty { builder.extensions.append((NID_subject_alt_name, subjectAltNames.joined(separator: ","))) }
        let certPEM = try builder.sign(issuer: nil, issuerKey: key)
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
