import COpenSSL

/// What a certificate issued by the fleet's CA may be used for.
public enum CertificateUsage: Sendable {
    /// An exporter's certificate (extendedKeyUsage serverAuth).
    case server
    /// The certificate `fleet` presents under mutual TLS (extendedKeyUsage clientAuth).
    case client
}

/// The fleet's certificate authority: an EC P-256 key and a self-signed CA certificate
/// (10 years) that signs each host's certificate, so `fleet` can check that a host presents a
/// certificate the fleet issued for that very host.
/// Sendable: both parts are immutable after parsing.
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    let key: PrivateKey

    public static let defaultValidDays = 3650
    public static let commonName = "cephadm-exporter fleet CA"

    /// A new CA: subject `O=Ceph, OU=cephadm-exporter, CN=<commonName>`, CA:TRUE with no
    /// intermediate allowed, allowed to sign certificates (and CRLs) only.
    public static func generate(commonName: String = commonName, validDays: Int = defaultValidDays) throws(TLSError) -> GeneratedCertificate {
        let key = try SelfSignedCertificate.generateKey(.ec)
        var builder = CertificateBuilder(subjectKey: key, commonName: commonName, validDays: validDays)
        builder.extensions = [
            (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
            (NID_key_usage, "critical,keyCertSign,cRLSign"),
            (NID_subject_key_identifier, "hash"),
        ]
        let pem = try builder.sign(issuer: nil, issuerKey: key)
        return GeneratedCertificate(certificatePEM: pem, privateKeyPEM: key.pkcs8PEM)
    }

    /// A stored CA: the certificate must be a CA and the key must be its key.
    public init(certificatePEM: String, keyPEM: String) throws(TLSError) {
        let certificate = try Certificate.parse(pem: certificatePEM)
        let key = try PrivateKey.parse(pem: keyPEM)
        guard certificate.isCertificateAuthority else { throw TLSError("the CA certificate is not a certificate authority (no basicConstraints CA:TRUE)") }
        guard certificate.matches(key) else { throw TLSError("the CA key does not match the CA certificate") }
        self.certificate = certificate
        self.key = key
    }

    /// A new key and a certificate for it, signed by this CA: subject CN `commonName`, the
    /// given subjectAltNames, `validDays` (never past the CA's own end), EC P-256 by default.
    public func issue(commonName: String, subjectAltNames: [SubjectAltName], usage: CertificateUsage,
                      validDays: Int, keyType: KeyType = .ec) throws(TLSError) -> GeneratedCertificate {
        let leafKey = try SelfSignedCertificate.generateKey(keyType)
        var builder = CertificateBuilder(subjectKey: leafKey, commonName: commonName, validDays: validDays)
        builder.extensions = [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature,keyEncipherment"),
            (NID_ext_key_usage, usage == .server ? "serverAuth" : "clientAuth"),
            (NID_authority_key_identifier, "keyid:always"),
        ]
        if !subjectAltNames.isEmpty {
            builder.extensions.append((NID_subject_alt_name, subjectAltNames.map(\.opensslForm).joined(separator: ",")))
        }
        let pem = try builder.sign(issuer: certificate, issuerKey: key, notAfterCap: certificate.notAfterEpoch)
        return GeneratedCertificate(certificatePEM: pem, privateKeyPEM: leafKey.pkcs8PEM)
    }
}
