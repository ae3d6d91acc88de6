import Common

/// One look at the fleet through Prometheus: the instant queries it sends (one per series it
/// reads, all at one evaluation time, each keeping only the labels it needs, so no answer holds
/// the whole fleet's series at once), and the readings per target it builds from the answers.
/// Pure.
struct PrometheusRound {
    /// What a query's samples are: the reading's field they fill.
    enum Series: CaseIterable, Sendable {
        case up, scrapedAt, scrapeDuration, exporterTime, exporterStarted, hostInfo, hostDisks, memoryTotal
        case taskActive, taskLastScrape, taskInterval, taskScrapeErrors, taskRestarts

        /// The metric, and the labels kept beside `instance`.
        var source: (metric: String, labels: [String]) {
            switch self {
            case .up, .scrapedAt: return ("up", [])
            case .scrapeDuration: return ("scrape_duration_seconds", [])
            case .exporterTime: return (ExporterMetric.time.name, [])
            case .exporterStarted: return (ExporterMetric.startTime.name, [])
            case .hostInfo: return (ExporterMetric.hostInfo.name, ExporterMetric.hostInfo.labels)
            case .hostDisks: return (ExporterMetric.hostDisks.name, ExporterMetric.hostDisks.labels)
            case .memoryTotal: return (ExporterMetric.hostMemoryTotal.name, [])
            case .taskActive: return (ExporterMetric.taskActive.name, [ExporterMetric.taskLabel])
            case .taskLastScrape: return (ExporterMetric.taskLastScrape.name, [ExporterMetric.taskLabel])
            case .taskInterval: return (ExporterMetric.taskInterval.name, [ExporterMetric.taskLabel])
            case .taskScrapeErrors: return (ExporterMetric.taskScrapeErrors.name, [ExporterMetric.taskLabel])
            case .taskRestarts: return (ExporterMetric.taskRestarts.name, [ExporterMetric.taskLabel])
            }
        }

        /// `max by (instance, ...) (metric{job="J"})`: the job's series, without the labels the
        /// fleet does not read (`__name__`, `job`). `scrapedAt` is `up`'s own timestamp: when
        /// each target's last scrape started.
        func query(job: String) -> String {
            let (metric, labels) = source
            var selector = "\(metric){job=\"\(PrometheusRound.escaped(job))\"}"
            if self == .scrapedAt { selector = "timestamp(\(selector))" }
            return "max by (\((["instance"] + labels).joined(separator: ", "))) (\(selector))"
        }
    }

    let job: String
    private var byInstance: [String: PrometheusTargetReading] = [:]

    init(job: String) { self.job = job }

    /// The targets API's answer: each target's last scrape error, and targets not scraped yet.
    mutating func add(targets: [PrometheusTarget]) {
        for target in targets where target.labels["job"] == job {
            guard let instance = target.labels["instance"] else { continue }
            update(instance) { $0.lastError = target.lastError }
        }
    }

    /// The answer of `series.query(job:)`.
    mutating func add(_ samples: [PrometheusSample], as series: Series) {
        for s in samples {
            guard let instance = s.labels["instance"] else { continue }
            update(instance) { r in Self.apply(s, series, to: &r) }
        }
    }

    /// One reading per target, sorted by instance.
    var readings: [PrometheusTargetReading] { byInstance.keys.sorted().compactMap { byInstance[$0] } }

    private mutating func update(_ instance: String, _ change: (inout PrometheusTargetReading) -> Void) {
        var r = byInstance[instance] ?? PrometheusTargetReading(instance: instance)
        change(&r)
        byInstance[instance] = r
    }

    private static func apply(_ s: PrometheusSample, _ series: Series, to r: inout PrometheusTargetReading) {
        let v = s.value
        let finite: Double? = v.isFinite ? v : nil
        func task(_ change: (inout PrometheusTargetReading.TaskReading) -> Void) {
            guard let t = s.labels[ExporterMetric.taskLabel], !t.isEmpty else { return }
            change(&r.tasks[TaskName(t), default: .init()])
        }
        func count() -> Int? { finite.flatMap { $0 >= 0 && $0 < 1e15 ? Int($0) : nil } }
        switch series {
        case .up: r.up = v == 1
        case .scrapedAt: r.scrapedAt = finite
        case .scrapeDuration: r.scrapeDurationSecs = finite
        case .exporterTime: r.exporterTime = finite
        case .exporterStarted: r.exporterStarted = finite
        case .hostInfo:
            var labels = s.labels
            labels["instance"] = nil
            r.hostInfo = labels
        case .hostDisks: if let type = s.labels["type"], let finite { r.disks[type] = finite }
        case .memoryTotal: r.memoryTotalBytes = finite
        case .taskActive: task { $0.active = v == 1 }
        case .taskLastScrape: task { $0.lastScrape = finite }
        case .taskInterval: task { $0.interval = finite }
        case .taskScrapeErrors: let n = count(); task { $0.scrapeErrors = n }
        case .taskRestarts: let n = count(); task { $0.restarts = n }
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
