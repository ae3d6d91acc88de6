import Common

/// What `fleet config get` shows in per-host mode: everything a client needs to verify the
/// exporters (the CA bundle), how they are set up, and who holds credentials; never the master
/// secret or a CA key.
enum PerHostSummary {
    static func json(_ authority: FleetAuthority, issued: IssuedHosts, now: Double) -> JSONValue {
        var o = JSONObject([
            ("mode", "per-host"),
            ("port", .int(authority.port)),
            ("mtls", .bool(authority.mutualTLS)),
            ("ca", .string(authority.trustBundle(at: now))),
        ])
        if let prev = authority.previousCA, prev.expiresEpochSecs > now {
            o["previous_ca_trusted_until_epoch_secs"] = .double(prev.expiresEpochSecs)
        }
        if let prev = authority.previousMasterSecret, prev.expiresEpochSecs > now {
            o["previous_tokens_accepted_until_epoch_secs"] = .double(prev.expiresEpochSecs)
        }
        o["issued"] = issued.json
        return .object(o)
    }
}
