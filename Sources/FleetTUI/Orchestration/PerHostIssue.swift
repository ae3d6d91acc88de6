import Common

/// Per-host configs for deploy targets: the certificate names the host's name and, when ssh
/// reaches it by another name or address, that too.
enum PerHostIssue {
    static func configs(for targets: [DeployTarget], authority: FleetAuthority, fsid: String, now: Double) throws -> [HostCredentialIssuer.Issued] {
        let issuer = HostCredentialIssuer(authority: authority, fsid: fsid, now: now)
        return try targets.map { t throws in
            try issuer.issue(name: t.name, addresses: t.isLocal || t.address == t.name ? [] : [t.address])
        }
    }
}
