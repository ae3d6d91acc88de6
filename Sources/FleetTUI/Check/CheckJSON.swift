import Common

/// The `--json` document. Key names and order are part of the interface: scripts parse this.
enum CheckJSON {
    static func document(_ fleet: FleetState, _ eval: CheckEvaluation, summary: String, now: Double) -> JSONValue {
        let t = fleet.thresholds
        var totals = JSONObject()
        totals["hosts"] = .int(eval.hosts.count)
        for status in HostStatus.reported { totals[status.label.lowercased()] = .int(eval.counts[status]) }

        let hosts: [JSONValue] = eval.hosts.map { host in
            let entry = fleet.hosts[host.index]
            let sample = fleet.records[host.index].sample
            var tasks = JSONObject()
            for task in sample?.tasks ?? [] {
                let state: String
                switch task.state {
                case .active: state = "active"
                case .inactive: state = "inactive"
                case .pending: state = "pending"
                }
                let age = sample.flatMap { CheckEvaluation.currentAge(task, sample: $0, now: now) }
                tasks[task.task.rawValue] = [
                    "state": .string(state),
                    "age_secs": number(age),
                    "scrape_errors": .int(task.scrapeErrorCount),
                ]
            }
            let latency = sample.flatMap { $0.httpStatus != nil ? $0.latencySecs * 1000 : nil }
            return [
                "name": .string(entry.displayName),
                "address": .string(entry.address),
                "port": (entry.port ?? fleet.defaultPort).map { JSONValue.int($0) } ?? .null,
                "status": .string(host.status.label),
                "state": .string(host.state.label),
                "http_status": sample?.httpStatus.map { JSONValue.int($0) } ?? .null,
                "tasks": .object(tasks),
                "max_age_secs": number(host.maxAgeSecs),
                "latency_ms": number(latency),
                "skew_secs": number(sample?.skewSecs),
                "certificate_expiry_epoch_secs": number(sample?.certificateExpiryEpochSecs),
                "error": host.error.map { .string($0) } ?? .null,
            ]
        }

        return [
            "summary": .string(summary),
            "state": .string(eval.state.label),
            "exit_code": .int(Int(eval.state.rawValue)),
            "checked_at": number(now),
            "thresholds": [
                "stale_after_factor": number(t.staleAfterFactor),
                "stale_after_secs": number(t.staleAfterSecs),
                "warn_age_secs": number(t.warnAgeSecs),
                "crit_age_secs": number(t.critAgeSecs),
                "cert_warn_secs": number(t.certificateWarnSecs),
            ],
            "totals": .object(totals),
            "latency_p99_ms": number(eval.latencyP99Secs.map { $0 * 1000 }),
            "stale_max_secs": number(eval.staleMaxSecs),
            "hosts": .array(hosts),
        ]
    }

    /// Millisecond precision is plenty and keeps the document diff-friendly.
    static func number(_ v: Double?) -> JSONValue {
        guard let v, v.isFinite else { return .null }
        return .double((v * 1000).rounded() / 1000)
    }
}
