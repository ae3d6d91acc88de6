import Common

/// How `fleet` reaches the exporters and checks them:
/// - shared mode: trust exactly the configured certificate, no name check, one token for all
///   (as the seed's documented Python client does);
/// - per-host mode (from the KV store): trust the fleet CA (and the previous one during a CA
///   rotation), require each host's certificate to name the host meant, send each host its own
///   derived token (the new one first, during a token rotation the previous one after it), and
///   under mutual TLS present a client certificate the CA issues for this process.
enum FleetCredentials: Sendable {
    case shared(certificatePEM: String, token: String)
    case perHost(PerHostClient)

    /// Per host, in the order of `hosts`.
    func targets(for hosts: [HostEntry], now: Double) throws(TLSError) -> [TargetCredentials] {
        switch self {
        case .shared(let certificatePEM, let token):
            let tls = try TLSContext.client(trusting: certificatePEM)
            return hosts.map { _ in TargetCredentials(tls: tls, expectedPeerName: nil, tokens: [token]) }
        case .perHost(let client):
            return try client.targets(for: hosts, now: now)
        }
    }

    /// The instant after `now` at which the credentials must be derived again (a grace period ends).
    func nextChange(after now: Double) -> Double? {
        if case .perHost(let client) = self { return client.nextChange(after: now) }
        return nil
    }
}

/// Per-host mode as `fleet` polls with it.
struct PerHostClient: Sendable {
    let authority: FleetAuthority
    let fsid: String
    let issued: IssuedHosts

    /// The name a host's credentials are for: the inventory's name (`ceph orch host ls`), else
    /// the host list's entry (a name, or an address the store knows the host's name for, or
    /// the address itself).
    func identity(of host: HostEntry) -> String {
        issued.identity(for: host.nameFromInventory ? host.displayName : host.address)
    }

    /// When the credentials built at `now` must be built again: a grace period ends, or (under
    /// mTLS) half of the client certificate's life has passed.
    func nextChange(after now: Double) -> Double? {
        let graceEnds = authority.nextExpiry(after: now)
        guard authority.mutualTLS else { return graceEnds }
        let renewal = now + Double(FleetAuthority.clientCertificateDays) * 86_400 / 2
        return min(graceEnds ?? renewal, renewal)
    }

    func targets(for hosts: [HostEntry], now: Double) throws(TLSError) -> [TargetCredentials] {
        let tls = try clientContext(now: now)
        var out: [TargetCredentials] = []
        out.reserveCapacity(hosts.count)
        for host in hosts {
            let name = identity(of: host)
            var tokens = [try authority.token(fsid: fsid, host: name)]
            if let previous = try authority.previousToken(fsid: fsid, host: name, at: now) { tokens.append(previous.token) }
            out.append(TargetCredentials(tls: tls, expectedPeerName: name, tokens: tokens))
        }
        return out
    }

    /// One context for every host: the CA bundle, and under mTLS a client certificate issued
    /// for this process (it never leaves memory).
    func clientContext(now: Double) throws(TLSError) -> TLSContext {
        var certificate: GeneratedCertificate?
        if authority.mutualTLS {
            certificate = try authority.clientCertificateIssuer(at: now).issue(
                commonName: "fleet", subjectAltNames: [], usage: .client, validDays: FleetAuthority.clientCertificateDays)
        }
        return try TLSContext.client(trustingAuthorities: authority.trustBundle(at: now),
                                     clientCertificatePEM: certificate?.certificatePEM, clientKeyPEM: certificate?.privateKeyPEM)
    }
}
