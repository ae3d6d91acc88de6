import Common

/// `fleet check --openmetrics`: the fleet's view as metrics for node_exporter's textfile
/// collector (which reads the Prometheus text format 0.0.4, so that is what is written): per
/// host its status as a state set (one series per status, 1 for the current one), the age of
/// each task's data, the poll latency and the clock skew; the hosts per status. Lint-clean under
/// `promtool check metrics`.
enum CheckOpenMetrics {
    static let status = MetricFamily(
        "cephadm_fleet_host_status", .gauge, labels: ["host", "address", "status"],
        help: "The host's status as fleet check judged it: 1 for its status, 0 for the others (a state set).")
    static let dataAge = MetricFamily(
        "cephadm_fleet_host_data_age_seconds", .gauge, labels: ["host", "address", "task"],
        help: "Age of the task's data at the check, on the exporter's clock (absent without data).")
    static let latency = MetricFamily(
        "cephadm_fleet_host_poll_latency_seconds", .gauge, labels: ["host", "address"],
        help: "Duration of the host's poll (absent when it got no answer).")
    static let skew = MetricFamily(
        "cephadm_fleet_host_clock_skew_seconds", .gauge, labels: ["host", "address"],
        help: "The exporter's clock minus the poller's (absent without a Date to compare).")
    static let hosts = MetricFamily(
        "cephadm_fleet_hosts", .gauge, labels: ["status"], help: "Hosts per status at the check.")
    static let checkState = MetricFamily(
        "cephadm_fleet_check_state", .gauge,
        help: "The check's Nagios state, its exit status: 0 ok, 1 warning, 2 critical, 3 unknown.")
    static let checkTime = MetricFamily(
        "cephadm_fleet_check_timestamp_seconds", .gauge, help: "When the check ran, seconds since the epoch.")

    static let families = [status, dataAge, latency, skew, hosts, checkState, checkTime]

    static func render(_ fleet: FleetState, _ eval: CheckEvaluation, now: Double) -> String {
        var out = ExpositionText(capacity: 256 * max(1, eval.hosts.count))
        let rows = eval.hosts.map { host -> (CheckedHost, [(String, String)], HostSample?) in
            let entry = fleet.hosts[host.index]
            return (host, [("host", entry.displayName), ("address", entry.endpoint(defaultPort: fleet.defaultPort))],
                    fleet.records[host.index].sample)
        }
        out.header(status)
        for (host, labels, _) in rows {
            for s in HostStatus.reported {
                out.sample(status, labels + [("status", s.label)], host.status == s ? 1 : 0)
            }
        }
        out.header(dataAge)
        for (_, labels, sample) in rows {
            guard let sample else { continue }
            for task in sample.tasks {
                if let age = CheckEvaluation.currentAge(task, sample: sample, now: now) {
                    out.sample(dataAge, labels + [("task", task.task.rawValue)], age)
                }
            }
        }
        out.header(latency)
        for (_, labels, sample) in rows {
            if let s = sample, s.httpStatus != nil { out.sample(latency, labels, s.latencySecs) }
        }
        out.header(skew)
        for (_, labels, sample) in rows {
            if let value = sample?.skewSecs { out.sample(skew, labels, value) }
        }
        out.header(hosts)
        for s in HostStatus.reported { out.sample(hosts, [("status", s.label)], Double(eval.counts[s])) }
        out.single(checkState, Double(eval.state.rawValue))
        out.single(checkTime, now)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
