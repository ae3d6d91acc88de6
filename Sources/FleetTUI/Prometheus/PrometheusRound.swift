import Common

/// One look at the fleet through Prometheus: the queries it sends, and the readings per target
/// it makes of their answers. Pure.
enum PrometheusRound {
    /// The series the fleet reads, by name: enough to judge a host as a poll does.
    static let seriesNames = [
        "up", "scrape_duration_seconds", ExporterMetric.time.name, ExporterMetric.startTime.name, ExporterMetric.hostInfo.name,
        ExporterMetric.hostDisks.name, ExporterMetric.hostMemoryTotal.name, ExporterMetric.taskActive.name,
        ExporterMetric.taskLastScrape.name, ExporterMetric.taskInterval.name, ExporterMetric.taskScrapeErrors.name,
        ExporterMetric.taskRestarts.name,
    ]

    /// Every series of `seriesNames` of the job's targets, in one instant query.
    static func seriesQuery(job: String) -> String {
        "{__name__=~\"\(seriesNames.joined(separator: "|"))\",job=\"\(escaped(job))\"}"
    }

    /// When each target's last scrape started (`up` carries the scrape's own timestamp).
    static func scrapeTimeQuery(job: String) -> String { "timestamp(up{job=\"\(escaped(job))\"})" }

    /// Readings per target, sorted by instance. `targets` (the targets API, when the server
    /// has one) adds the scrape errors and targets not scraped yet.
    static func readings(series: [PrometheusSample], scrapeTimes: [PrometheusSample], targets: [PrometheusTarget]?,
                         job: String) -> [PrometheusTargetReading] {
        var byInstance: [String: PrometheusTargetReading] = [:]
        func update(_ instance: String, _ change: (inout PrometheusTargetReading) -> Void) {
            var r = byInstance[instance] ?? PrometheusTargetReading(instance: instance)
            change(&r)
            byInstance[instance] = r
        }
        for target in targets ?? [] where target.labels["job"] == job {
            guard let instance = target.labels["instance"] else { continue }
            update(instance) { $0.lastError = target.lastError }
        }
        for s in scrapeTimes {
            guard let instance = s.labels["instance"], s.value.isFinite else { continue }
            update(instance) { $0.scrapedAt = s.value }
        }
        for s in series {
            guard let instance = s.labels["instance"], let name = s.name else { continue }
            update(instance) { r in apply(s, name: name, to: &r) }
        }
        return byInstance.keys.sorted().compactMap { byInstance[$0] }
    }

    private static func apply(_ s: PrometheusSample, name: String, to r: inout PrometheusTargetReading) {
        let v = s.value
        let finite: Double? = v.isFinite ? v : nil
        func task(_ change: (inout PrometheusTargetReading.TaskReading) -> Void) {
            guard let t = s.labels[ExporterMetric.taskLabel], !t.isEmpty else { return }
            change(&r.tasks[TaskName(t), default: .init()])
        }
        func count() -> Int? { finite.flatMap { $0 >= 0 && $0 < 1e15 ? Int($0) : nil } }
        switch name {
        case "up": r.up = v == 1
        case "scrape_duration_seconds": r.scrapeDurationSecs = finite
        case ExporterMetric.time.name: r.exporterTime = finite
        case ExporterMetric.startTime.name: r.exporterStarted = finite
        case ExporterMetric.hostInfo.name:
            var labels = s.labels
            for k in ["__name__", "job", "instance"] { labels[k] = nil }
            r.hostInfo = labels
        case ExporterMetric.hostDisks.name: if let type = s.labels["type"], let finite { r.disks[type] = finite }
        case ExporterMetric.hostMemoryTotal.name: r.memoryTotalBytes = finite
        case ExporterMetric.taskActive.name: task { $0.active = v == 1 }
        case ExporterMetric.taskLastScrape.name: task { $0.lastScrape = finite }
        case ExporterMetric.taskInterval.name: task { $0.interval = finite }
        case ExporterMetric.taskScrapeErrors.name: let n = count(); task { $0.scrapeErrors = n }
        case ExporterMetric.taskRestarts.name: let n = count(); task { $0.restarts = n }
        default: break
        }
    }

    /// A host entry for a target: `host:port` split as a host list line is; the instance as its name.
    static func hostEntry(instance: String, line: Int) -> HostEntry {
        var address = instance
        var port: Int?
        if instance.hasPrefix("["), let close = instance.firstIndex(of: "]") {
            address = String(instance[instance.index(after: instance.startIndex)..<close])
            let after = instance[instance.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) }
        } else if let colon = instance.firstIndex(of: ":"), instance.lastIndex(of: ":") == colon {
            address = String(instance[..<colon])
            port = Int(instance[instance.index(after: colon)...])
        }
        return HostEntry(displayName: instance, address: address, port: port, line: line)
    }

    /// A label value inside a PromQL string literal (the exposition format's escapes).
    static func escaped(_ value: String) -> String { ExpositionText.escapedLabelValue(value) }
}
