import Common

/// Short human forms for ages, latencies and skews, shared by the dashboard, the check output
/// and error texts so the same number reads the same everywhere.
enum DurationText {
    /// `0s`, `42s`, `5m`, `3h`, `2d` (whole units, rounded down, so an age never reads younger).
    static func age(_ secs: Double) -> String {
        guard secs.isFinite else { return "?" }
        let s = max(0, Int(saturating: secs))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86400 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }

    /// `0.4ms`, `12ms`, `1.2s`, `15s`.
    static func latency(_ secs: Double) -> String {
        guard secs.isFinite else { return "?" }
        let ms = max(0, secs * 1000)
        if ms < 9.95 { return DecimalText.fixed(ms, 1) + "ms" }
        if ms < 999.5 { return "\(Int(saturating: ms.rounded()))ms" }
        if secs < 9.95 { return DecimalText.fixed(secs, 1) + "s" }
        return "\(Int(saturating: secs.rounded()))s"
    }

    /// Signed: `+0.2s`, `-3.1s`, `+42s`, `-5m`.
    static func skew(_ secs: Double) -> String {
        guard secs.isFinite else { return "?" }
        let sign = secs < 0 ? "-" : "+"
        let a = abs(secs)
        if a < 9.95 { return sign + DecimalText.fixed(a, 1) + "s" }
        if a < 599.5 { return sign + "\(Int(saturating: a.rounded()))s" }
        return sign + age(a)
    }

    /// `1.2s` for sweep and scrape durations.
    static func seconds(_ secs: Double) -> String {
        guard secs.isFinite else { return "?" }
        if secs < 0.0995 { return "\(Int(saturating: (secs * 1000).rounded()))ms" }
        if secs < 99.95 { return DecimalText.fixed(secs, 1) + "s" }
        return age(secs)
    }


    /// `HH:MM:SS` of an epoch time shifted by `utcOffsetSecs`.
    static func clock(_ epoch: Double, utcOffsetSecs: Int) -> String {
        guard epoch.isFinite else { return "--:--:--" }
        let t = Int(saturating: epoch.rounded(.down)) + utcOffsetSecs
        let s = ((t % 86400) + 86400) % 86400
        return String(s / 3600, zeroPaddedTo: 2) + ":" + String(s / 60 % 60, zeroPaddedTo: 2) + ":"
            + String(s % 60, zeroPaddedTo: 2)
    }
}
