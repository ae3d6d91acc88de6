import COpenSSL
import CShims

/// Builds and signs one X.509 v3 certificate: the steps a self-signed certificate, a fleet CA
/// and the certificates it issues share (random serial, validity, subject, extensions, SHA-256
/// signature, PEM).
struct CertificateBuilder {
    let subjectKey: PrivateKey
    var commonName: String?
    var validDays: Int
    /// `critical,CA:FALSE`, `keyUsage`, `extendedKeyUsage`, `subjectAltName` ... in order.
    var extensions: [(nid: Int32, value: String)] = []

    /// Signs with `issuerKey` under `issuer`'s name, or self-signs when `issuer` is nil.
    /// `notAfterCap`: the issuer's own end of validity, which an issued certificate never passes.
    func sign(issuer: Certificate?, issuerKey: PrivateKey, notAfterCap: Int? = nil) throws(TLSError) -> String {
        guard let x509 = X509_new() else { throw TLSError.fromQueue("X509_new failed") }
        defer { X509_free(x509) }

        X509_set_version(x509, 2)  // v3
        try Self.setRandomSerial(x509)
        X509_gmtime_adj(cshim_X509_get_notBefore(x509), 0)
        X509_gmtime_adj(cshim_X509_get_notAfter(x509), validDays * 86_400)
        if let cap = notAfterCap, let notAfter = Certificate.epoch(cshim_X509_get_notAfter(x509)), notAfter > cap {
            ASN1_TIME_set(cshim_X509_get_notAfter(x509), time_t(cap))
        }
        X509_set_pubkey(x509, subjectKey.handle)

        guard let name = X509_get_subject_name(x509) else { throw TLSError.fromQueue("no subject name") }
        Self.addEntry(name, "O", "Ceph")
        Self.addEntry(name, "OU", "cephadm-exporter")
        if let commonName { Self.addEntry(name, "CN", commonName) }
        if let issuer {
            X509_set_issuer_name(x509, X509_get_subject_name(issuer.handle))
        } else {
            X509_set_issuer_name(x509, name)
        }
        for (nid, value) in extensions {
            try Self.addExtension(x509, issuer: issuer?.handle ?? x509, nid, value)
        }
        guard X509_sign(x509, issuerKey.handle, EVP_sha256()) > 0 else {
            throw TLSError.fromQueue("signing the certificate failed")
        }
        guard let bio = BIO_new(BIO_s_mem()) else { throw TLSError.fromQueue("BIO_new failed") }
        defer { BIO_free(bio) }
        PEM_write_bio_X509(bio, x509)
        return String(decoding: bioContents(bio), as: UTF8.self)
    }

    private static func setRandomSerial(_ x509: OpaquePointer) throws(TLSError) {
        var bytes = try SecureRandom.bytes(16)
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

    /// `issuer` is the issuing certificate (for the authority key identifier), or the
    /// certificate itself when self-signed.
    private static func addExtension(_ x509: OpaquePointer, issuer: OpaquePointer, _ nid: Int32, _ value: String) throws(TLSError) {
        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, issuer, x509, nil, nil, 0)
        guard let ext = X509V3_EXT_conf_nid(nil, &ctx, nid, value) else {
            throw TLSError.fromQueue("certificate extension '\(value)' rejected")
        }
        defer { X509_EXTENSION_free(ext) }
        X509_add_ext(x509, ext, -1)
    }
}
