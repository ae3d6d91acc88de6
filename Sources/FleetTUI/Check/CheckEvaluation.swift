import Common

/// One host judged for `fleet check`: its dashboard status plus the age thresholds.
struct CheckedHost: Sendable {
    let index: Int
    /// `.pending` never appears: a host with no result in the sweep is DOWN.
    let status: HostStatus
    let state: NagiosState
    /// Oldest task data at check time (exporter clock), nil without data.
    let maxAgeSecs: Double?
    let overCritAge: Bool
    let overWarnAge: Bool
    let error: String?
    /// The certificate expires within `--cert-warn-days` (or has expired): a warning.
    let certificateNotice: String?
}

/// The whole fleet judged once; the summary, table and JSON are all printed from this.
struct CheckEvaluation: Sendable {
    let hosts: [CheckedHost]
    let counts: StatusTotals
    let overCritAge: Int
    let overWarnAge: Int
    let certificatesExpiring: Int
    let latencyP99Secs: Double?
    let staleMaxSecs: Double?
    let state: NagiosState

    static let noResultError = "no result during the sweep"

    init(_ fleet: FleetState, now: Double) {
        let t = fleet.thresholds
        var hosts: [CheckedHost] = []
        var counts = StatusTotals()
        var latencies: [Double] = []
        var staleMax: Double?
        var crit = 0, warn = 0, expiring = 0
        for (i, record) in fleet.records.enumerated() {
            let status = record.status == .pending ? .down : record.status
            counts[status] += 1
            let sample = record.sample
            if let s = sample, s.httpStatus != nil { latencies.append(s.latencySecs) }
            let maxAge = sample.flatMap { s in CheckEvaluation.currentMaxAge(s, now: now) }
            if let a = maxAge { staleMax = max(staleMax ?? a, a) }
            let overCrit = maxAge.map { a in t.critAgeSecs.map { a > $0 } ?? false } ?? false
            let overWarn = !overCrit && (maxAge.map { a in t.warnAgeSecs.map { a > $0 } ?? false } ?? false)
            if overCrit { crit += 1 } else if overWarn { warn += 1 }
            var state: NagiosState
            switch status {
            case .ok, .pending: state = .ok
            case .degraded: state = .warning
            case .down, .auth, .tls, .bad: state = .critical
            }
            if overCrit { state = max(state, .critical) } else if overWarn { state = max(state, .warning) }
            let certificate = t.certificateNotice(sample, now: now)
            if certificate != nil {
                expiring += 1
                state = max(state, .warning)
            }
            hosts.append(CheckedHost(index: i, status: status, state: state, maxAgeSecs: maxAge, overCritAge: overCrit,
                                     overWarnAge: overWarn, error: sample == nil ? CheckEvaluation.noResultError : sample?.error,
                                     certificateNotice: certificate))
        }
        self.hosts = hosts
        self.counts = counts
        self.overCritAge = crit
        self.overWarnAge = warn
        self.certificatesExpiring = expiring
        self.latencyP99Secs = LatencyWindow.percentile(0.99, of: latencies)
        self.staleMaxSecs = staleMax
        self.state = hosts.isEmpty ? .unknown : hosts.map(\.state).max() ?? .ok
    }

    /// Data ages keep growing after the response: age at the response plus the time since.
    static func currentAge(_ t: TaskHealth, sample: HostSample, now: Double) -> Double? {
        t.ageSecs.map { $0 + max(0, now - sample.receivedAt) }
    }

    static func currentMaxAge(_ s: HostSample, now: Double) -> Double? {
        s.tasks.compactMap { currentAge($0, sample: s, now: now) }.max()
    }
}
