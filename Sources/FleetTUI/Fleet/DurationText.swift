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
        if ms < 9.95 { return fixed1(ms) + "ms" }
        if ms < 999.5 { return "\(Int(saturating: ms.rounded()))ms" }
        if secs < 9.95 { return fixed1(secs) + "s" }
        return "\(Int(saturating: secs.rounded()))s"
    }

    /// Signed: `+0.2s`, `-3.1s`, `+42s`, `-5m`.
    static func skew(_ secs: Double) -> String {
        guard secs.isFinite else { return "?" }
        let sign = secs < 0 ? "-" : "+"
        let a = abs(secs)
        if a < 9.95 { return sign + fixed1(a) + "s" }
        if a < 599.5 { return sign + "\(Int(saturating: a.rounded()))s" }
        return sign + age(a)
    }

    /// `1.2s` for sweep and scrape durations.
    static func seconds(_ secs: Double) -> String {
        guard secs.isFinite else { return "?" }
        if secs < 0.0995 { return "\(Int(saturating: (secs * 1000).rounded()))ms" }
        if secs < 99.95 { return fixed1(secs) + "s" }
        return age(secs)
    }

    /// One decimal place without Foundation's locale-dependent formatting.
    static func fixed1(_ v: Double) -> String {
        let tenths = Int(saturating: (v * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }

    /// Two decimal places, for load averages.
    static func fixed2(_ v: Double) -> String {
        let hundredths = Int(saturating: (v * 100).rounded())
        let frac = abs(hundredths % 100)
        return "\(hundredths / 100)." + (frac < 10 ? "0\(frac)" : "\(frac)")
    }

    /// `HH:MM:SS` of an epoch time shifted by `utcOffsetSecs`.
    static func clock(_ epoch: Double, utcOffsetSecs: Int) -> String {
        guard epoch.isFinite else { return "--:--:--" }
        let t = Int(saturating: epoch.rounded(.down)) + utcOffsetSecs
        let s = ((t % 86400) + 86400) % 86400
        return pad2(s / 3600) + ":" + pad2(s / 60 % 60) + ":" + pad2(s % 60)
    }

    private static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
