import Common

/// Which hosts the fleet's CA has issued credentials to (`mgr/cephadm/exporter_issued`): the
/// name the certificate and token are for, the addresses it names, when it expires. `fleet`
/// uses it to find the name of a host listed by address, `fleet config get` to show it. Holds
/// no secret.
struct IssuedHost: Sendable, Equatable {
    /// Canonical (`HostToken.canonicalName`).
    var name: String
    var addresses: [String]
    var issuedEpochSecs: Double
    var notAfterEpochSecs: Double
    /// SHA-256 of the certificate, so an operator can tell which one a host serves.
    var fingerprint: String
    /// SHA-256 of the CA that issued it (tells hosts left behind by a CA rotation apart).
    var caFingerprint: String

    var json: JSONValue {
        .object(JSONObject([
            ("host", .string(name)),
            ("addrs", .array(addresses.map { .string($0) })),
            ("issued_epoch_secs", .double(issuedEpochSecs)),
            ("not_after_epoch_secs", .double(notAfterEpochSecs)),
            ("fingerprint", .string(fingerprint)),
            ("ca_fingerprint", .string(caFingerprint)),
        ]))
    }

    static func decode(_ v: JSONValue) -> IssuedHost? {
        guard let name = v["host"]?.stringValue else { return nil }
        return IssuedHost(name: name, addresses: (v["addrs"]?.arrayValue ?? []).compactMap(\.stringValue),
                          issuedEpochSecs: v["issued_epoch_secs"]?.doubleValue ?? 0,
                          notAfterEpochSecs: v["not_after_epoch_secs"]?.doubleValue ?? 0,
                          fingerprint: v["fingerprint"]?.stringValue ?? "", caFingerprint: v["ca_fingerprint"]?.stringValue ?? "")
    }
}

/// Every host issued credentials, by name, in issue order.
struct IssuedHosts: Sendable, Equatable {
    private(set) var hosts: [IssuedHost] = []

    init(_ hosts: [IssuedHost] = []) { self.hosts = hosts }

    /// Records (or replaces) a host's issue.
    mutating func record(_ host: IssuedHost) {
        if let i = hosts.firstIndex(where: { $0.name == host.name }) { hosts[i] = host } else { hosts.append(host) }
    }

    func host(named name: String) -> IssuedHost? {
        let canonical = HostToken.canonicalName(name)
        return hosts.first { $0.name == canonical }
    }

    /// The name a host listed by `entry` (a name or an address) has credentials for: an issued
    /// host of that name, else the one issued for that address (when exactly one was), else
    /// the entry itself (a host issued under its address).
    func identity(for entry: String) -> String {
        let canonical = HostToken.canonicalName(entry)
        if host(named: canonical) != nil { return canonical }
        if SubjectAltName.isIPLiteral(canonical) {
            let owners = hosts.filter { $0.addresses.contains(canonical) }
            if owners.count == 1, let owner = owners.first { return owner.name }
        }
        return canonical
    }

    var json: JSONValue { .array(hosts.map(\.json)) }

    static func decode(_ text: String) -> IssuedHosts? {
        guard let items = (try? JSONParser.parse(text))?.arrayValue else { return nil }
        return IssuedHosts(items.compactMap(IssuedHost.decode))
    }
}
