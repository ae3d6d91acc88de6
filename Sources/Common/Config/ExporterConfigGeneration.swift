extension ExporterConfig {
    /// A fresh self-signed certificate (EC P-256 unless asked for RSA), a 64-hex-character token
    /// from OpenSSL's CSPRNG, and the given port: what `fleet config generate` stores.
    /// The certificate names `serverName` (a SAN): clients that check names, such as Prometheus,
    /// verify it with `tls_config.server_name` (the fleet itself trusts the certificate as is).
    public static func generate(keyType: KeyType = .ec, port: Int = defaultPort) throws(TLSError) -> ExporterConfig {
        let certificate = try SelfSignedCertificate.generate(keyType: keyType, subjectAltNames: ["DNS:" + serverName])
        let token = try SecureRandom.hexToken()
        return ExporterConfig(crt: certificate.certificatePEM, key: certificate.privateKeyPEM, token: token, port: port)
    }

    /// The name in every generated certificate.
    public static let serverName = "cephadm-exporter"
}
