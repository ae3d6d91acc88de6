import Common

/// Per-host mode's secrets, kept in the KV store only (`mgr/cephadm/exporter_per_host`): the
/// fleet's CA (which signs each host's certificate) and the master secret each host's token is
/// derived from; during a rotation also the previous CA and secret, each with the end of its
/// grace period. Hosts never see any of it: each gets its own certificate and token.
struct FleetAuthority: Sendable, Equatable {
    struct StoredCA: Sendable, Equatable {
        var certificatePEM: String
        var keyPEM: String
    }

    /// A secret or CA being rotated out, and until when (epoch seconds) it is still honoured.
    struct Retiring<Value: Sendable & Equatable>: Sendable, Equatable {
        var value: Value
        var expiresEpochSecs: Double

        func live(at now: Double) -> Value? { now < expiresEpochSecs ? value : nil }
    }

    var ca: StoredCA
    var previousCA: Retiring<StoredCA>?
    var masterSecret: [UInt8]
    var previousMasterSecret: Retiring<[UInt8]>?
    var port: Int
    /// Exporters require a client certificate issued by the CA; `fleet` presents one.
    var mutualTLS: Bool

    static let masterSecretBytes = 32
    /// Certificates issued to hosts: a year, renewed by `fleet rotate --certs` (and by every
    /// `fleet apply`), with `fleet check` warning 30 days ahead.
    static let hostCertificateDays = 365
    /// `fleet`'s own client certificate, issued afresh by every process that polls under mTLS.
    static let clientCertificateDays = 30

    static func generate(port: Int, mutualTLS: Bool) throws(TLSError) -> FleetAuthority {
        let ca = try CertificateAuthority.generate()
        return FleetAuthority(ca: StoredCA(certificatePEM: ca.certificatePEM, keyPEM: ca.privateKeyPEM), previousCA: nil,
                              masterSecret: try SecureRandom.bytes(masterSecretBytes), previousMasterSecret: nil,
                              port: port, mutualTLS: mutualTLS)
    }

    func authority() throws(TLSError) -> CertificateAuthority {
        try CertificateAuthority(certificatePEM: ca.certificatePEM, keyPEM: ca.keyPEM)
    }

    /// The CA certificates a host or `fleet` trusts at `now`: the current one, and the previous
    /// one during its grace period. A host's `ca` gets this bundle.
    func trustBundle(at now: Double) -> String {
        ca.certificatePEM + (previousCA?.live(at: now).map(\.certificatePEM) ?? "")
    }

    /// A host's token: derived from the current secret. `previousToken`: from the previous
    /// secret, while it is honoured.
    func token(fsid: String, host: String) throws(TLSError) -> String {
        try HostToken.derive(masterSecret: masterSecret, fsid: fsid, hostName: host)
    }

    func previousToken(fsid: String, host: String, at now: Double) throws(TLSError) -> PreviousToken? {
        guard let prev = previousMasterSecret, let secret = prev.live(at: now) else { return nil }
        return PreviousToken(token: try HostToken.derive(masterSecret: secret, fsid: fsid, hostName: host),
                             expiresEpochSecs: prev.expiresEpochSecs)
    }

    /// The CA that signs `fleet`'s client certificate: the previous one while it is honoured
    /// (hosts not yet given the new CA trust only it; hosts given the new one trust both),
    /// else the current one.
    func clientCertificateIssuer(at now: Double) throws(TLSError) -> CertificateAuthority {
        if let prev = previousCA?.live(at: now) {
            return try CertificateAuthority(certificatePEM: prev.certificatePEM, keyPEM: prev.keyPEM)
        }
        return try authority()
    }

    /// The first instant after `now` at which a grace period ends (what `fleet` must re-derive at).
    func nextExpiry(after now: Double) -> Double? {
        [previousCA?.expiresEpochSecs, previousMasterSecret?.expiresEpochSecs].compactMap { $0 }.filter { $0 > now }.min()
    }

    // MARK: rotation

    /// A new master secret; the current one honoured until `graceEnds`.
    mutating func rotateMasterSecret(graceEnds: Double) throws(TLSError) {
        previousMasterSecret = Retiring(value: masterSecret, expiresEpochSecs: graceEnds)
        masterSecret = try SecureRandom.bytes(Self.masterSecretBytes)
    }

    /// A new CA; the current one trusted until `graceEnds`.
    mutating func rotateCA(graceEnds: Double) throws(TLSError) {
        let fresh = try CertificateAuthority.generate()
        previousCA = Retiring(value: ca, expiresEpochSecs: graceEnds)
        ca = StoredCA(certificatePEM: fresh.certificatePEM, keyPEM: fresh.privateKeyPEM)
    }

    // MARK: JSON

    var json: JSONValue {
        var o = JSONObject([
            ("mode", "per-host"),
            ("port", .int(port)),
            ("mtls", .bool(mutualTLS)),
            ("ca", ["crt": .string(ca.certificatePEM), "key": .string(ca.keyPEM)]),
            ("master_secret", .string(HexText.lowercase(masterSecret))),
        ])
        if let prev = previousCA {
            o["ca_prev"] = ["crt": .string(prev.value.certificatePEM), "key": .string(prev.value.keyPEM),
                            "expires_epoch_secs": .double(prev.expiresEpochSecs)]
        }
        if let prev = previousMasterSecret {
            o["master_secret_prev"] = ["secret": .string(HexText.lowercase(prev.value)), "expires_epoch_secs": .double(prev.expiresEpochSecs)]
        }
        return .object(o)
    }

    /// Reads the stored value; the reason names the first field that is wrong.
    static func decode(_ text: String) -> Result<FleetAuthority, AuthorityDecodeError> {
        let d: JSONValue
        do { d = try JSONParser.parse(text) } catch { return .failure(AuthorityDecodeError("not JSON: \(error)")) }
        guard d["mode"]?.stringValue == "per-host" else { return .failure(AuthorityDecodeError("\"mode\" is not \"per-host\"")) }
        guard let port = d["port"]?.intValue, ExporterConfig.portRange.contains(port) else {
            return .failure(AuthorityDecodeError("no usable \"port\""))
        }
        guard let caCrt = d["ca"]?["crt"]?.stringValue, let caKey = d["ca"]?["key"]?.stringValue else {
            return .failure(AuthorityDecodeError("no \"ca\" with \"crt\" and \"key\""))
        }
        guard let secret = d["master_secret"]?.stringValue.flatMap(hexBytes), secret.count >= 16 else {
            return .failure(AuthorityDecodeError("no usable \"master_secret\""))
        }
        var authority = FleetAuthority(ca: StoredCA(certificatePEM: caCrt, keyPEM: caKey), previousCA: nil, masterSecret: secret,
                                       previousMasterSecret: nil, port: port, mutualTLS: d["mtls"]?.boolValue ?? false)
        if let prev = d["ca_prev"], !prev.isNull {
            guard let crt = prev["crt"]?.stringValue, let key = prev["key"]?.stringValue, let until = prev["expires_epoch_secs"]?.doubleValue else {
                return .failure(AuthorityDecodeError("\"ca_prev\" lacks \"crt\", \"key\" or \"expires_epoch_secs\""))
            }
            authority.previousCA = Retiring(value: StoredCA(certificatePEM: crt, keyPEM: key), expiresEpochSecs: until)
        }
        if let prev = d["master_secret_prev"], !prev.isNull {
            guard let s = prev["secret"]?.stringValue.flatMap(hexBytes), let until = prev["expires_epoch_secs"]?.doubleValue else {
                return .failure(AuthorityDecodeError("\"master_secret_prev\" lacks \"secret\" or \"expires_epoch_secs\""))
            }
            authority.previousMasterSecret = Retiring(value: s, expiresEpochSecs: until)
        }
        do { _ = try authority.authority() } catch { return .failure(AuthorityDecodeError("\"ca\": \(error)")) }
        return .success(authority)
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let hi = nibble(digits[i]), let lo = nibble(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}

struct AuthorityDecodeError: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension FleetAuthority: CustomStringConvertible {
    /// Never the secrets or the CA key: this is what could end up in a message.
    var description: String {
        "FleetAuthority(port: \(port), mtls: \(mutualTLS), ca: \((try? Certificate.parse(pem: ca.certificatePEM))?.fingerprint.prefix(11) ?? "?")…)"
    }
}
