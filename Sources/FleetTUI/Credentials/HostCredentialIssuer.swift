import Common

/// Makes one host's per-host exporter config from the fleet's authority: a new key, a
/// certificate from the CA naming the host (and its addresses) as subjectAltNames, the host's
/// derived token (and, during a token rotation, the previous one with its expiry), the port,
/// the CA bundle, and the mutual-TLS requirement.
struct HostCredentialIssuer {
    let authority: FleetAuthority
    let fsid: String
    let now: Double

    struct Issued {
        let config: ExporterConfig
        let record: IssuedHost
    }

    /// `name`: the host's name (or its address, for a host known only by it); `addresses`: more
    /// names or addresses the certificate should cover (duplicates are dropped).
    func issue(name: String, addresses: [String] = []) throws(IssueError) -> Issued {
        var sans: [SubjectAltName] = []
        for text in [name] + addresses {
            switch SubjectAltName.parse(text) {
            case .success(let san): if !sans.contains(san) { sans.append(san) }
            case .failure(let e): throw .badName(e.description)
            }
        }
        let canonical = HostToken.canonicalName(sans[0].value)
        do {
            let ca = try authority.authority()
            let pair = try ca.issue(commonName: canonical, subjectAltNames: sans, usage: .server, validDays: FleetAuthority.hostCertificateDays)
            let certificate = try Certificate.parse(pem: pair.certificatePEM)
            let config = try ExporterConfig.validate(
                Self.document(pair, token: try authority.token(fsid: fsid, host: canonical), port: authority.port,
                              ca: authority.trustBundle(at: now), mutualTLS: authority.mutualTLS,
                              previous: try authority.previousToken(fsid: fsid, host: canonical, at: now)),
                source: "issued config for \(canonical)")
            let record = IssuedHost(name: canonical, addresses: sans.dropFirst().map(\.value), issuedEpochSecs: now,
                                    notAfterEpochSecs: Double(certificate.notAfterEpoch ?? 0), fingerprint: certificate.fingerprint,
                                    caFingerprint: ca.certificate.fingerprint)
            return Issued(config: config, record: record)
        } catch let e as TLSError {
            throw .crypto(e.message)
        } catch {
            throw .crypto("\(error)")
        }
    }

    private static func document(_ pair: GeneratedCertificate, token: String, port: Int, ca: String, mutualTLS: Bool,
                                 previous: PreviousToken?) -> JSONValue {
        var o = JSONObject([("crt", .string(pair.certificatePEM)), ("key", .string(pair.privateKeyPEM)), ("token", .string(token)),
                            ("port", .int(port)), ("ca", .string(ca))])
        if mutualTLS { o["require_client_cert"] = .bool(true) }
        if let previous { o["token_prev"] = previous.json }
        return .object(o)
    }
}

enum IssueError: Error, Equatable, CustomStringConvertible {
    case badName(String)
    case crypto(String)

    var description: String {
        switch self {
        case .badName(let m): return m
        case .crypto(let m): return "cannot issue the host's credentials: \(m)"
        }
    }
}
