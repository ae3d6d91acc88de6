extension ExporterConfig {
    /// A fresh self-signed certificate (EC P-256 unless asked for RSA), a 64-hex-character token
    /// from OpenSSL's CSPRNG, and the given port: what `fleet config generate` stores.
    public static func generate(keyType: KeyType = .ec, port: Int = defaultPort) throws(TLSError) -> ExporterConfig {
        let certificate = try SelfSignedCertificate.generate(keyType: keyType)
        let token = try SecureRandom.hexToken()
        return ExporterConfig(crt: certificate.certificatePEM, key: certificate.privateKeyPEM, token: token, port: port)
    }
}
