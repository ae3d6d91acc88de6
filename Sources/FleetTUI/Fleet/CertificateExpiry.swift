import Common

/// A host's certificate close to its end (or past it), as the health object reports it
/// (`certificate_expiry_epoch_secs`): `fleet check` warns, the dashboard says so in the row.
enum CertificateExpiry {
    /// 30 days: enough for a `fleet rotate --certs` at leisure.
    static let defaultWarnSecs: Double = 30 * 86_400

    /// nil when the expiry is unknown (Pacific sends none) or further away than `warnSecs`.
    static func notice(expiry: Double?, now: Double, warnSecs: Double) -> String? {
        guard let expiry, expiry - now <= warnSecs else { return nil }
        let left = expiry - now
        if left <= 0 { return "certificate expired \(DurationText.age(-left)) ago (\(UTCDate.text(expiry)))" }
        return "certificate expires in \(DurationText.age(left)) (\(UTCDate.text(expiry)))"
    }
}
