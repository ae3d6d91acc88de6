/// When data counts as stale and when numbers turn yellow or red.
struct Thresholds: Sendable, Equatable {
    /// Data older than this many refresh intervals of its task is stale (host DEGRADED).
    var staleAfterFactor: Double = 3
    /// An absolute stale limit (`--stale-after SECS`), overriding the factor.
    var staleAfterSecs: Double?
    /// Absolute data-age limits (`--warn-age`, `--crit-age`); nil leaves only the stale rule.
    var warnAgeSecs: Double?
    var critAgeSecs: Double?
    var latencyWarnSecs: Double = 0.5
    var latencyCritSecs: Double = 2
    var skewWarnSecs: Double = 2
    var skewCritSecs: Double = 30
    /// A certificate expiring sooner than this is a warning (`--cert-warn-days`).
    var certificateWarnSecs: Double = CertificateExpiry.defaultWarnSecs

    init(staleAfterFactor: Double = 3, warnAgeSecs: Double? = nil, critAgeSecs: Double? = nil) {
        self.staleAfterFactor = staleAfterFactor
        self.warnAgeSecs = warnAgeSecs
        self.critAgeSecs = critAgeSecs
    }

    func staleAfter(intervalSecs: Double) -> Double { staleAfterSecs ?? staleAfterFactor * intervalSecs }

    func ageLevel(_ age: Double, intervalSecs: Double) -> ThresholdLevel {
        if let crit = critAgeSecs, age > crit { return .crit }
        if let warn = warnAgeSecs, age > warn { return .warn }
        return age > staleAfter(intervalSecs: intervalSecs) ? .warn : .ok
    }

    func latencyLevel(_ secs: Double) -> ThresholdLevel {
        secs > latencyCritSecs ? .crit : secs > latencyWarnSecs ? .warn : .ok
    }

    /// What to say about a host's certificate expiry at `now`; nil when it is not close.
    func certificateNotice(_ sample: HostSample?, now: Double) -> String? {
        CertificateExpiry.notice(expiry: sample?.certificateExpiryEpochSecs, now: now, warnSecs: certificateWarnSecs)
    }

    func skewLevel(_ secs: Double) -> ThresholdLevel {
        abs(secs) > skewCritSecs ? .crit : abs(secs) > skewWarnSecs ? .warn : .ok
    }
}

enum ThresholdLevel: Int, Sendable, Comparable {
    case ok, warn, crit
    static func < (a: ThresholdLevel, b: ThresholdLevel) -> Bool { a.rawValue < b.rawValue }
}
