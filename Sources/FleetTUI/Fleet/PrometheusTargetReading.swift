import Common

/// One target of the exporter job as a Prometheus server last saw it: what `fleet
/// --prometheus` has in place of a poll. Times are Prometheus' own (when it started the
/// scrape) and the exporter's (its clock when it answered), as the metrics carry them.
struct PrometheusTargetReading: Sendable, Equatable {
    struct TaskReading: Sendable, Equatable {
        var active: Bool?
        /// `cephadm_exporter_task_last_scrape_timestamp_seconds`: nil before the first scrape.
        var lastScrape: Double?
        var interval: Double?
        var scrapeErrors: Int?
        var restarts: Int?
    }

    /// The target's `instance` label (`host:port`).
    let instance: String
    /// `up` of the last scrape; nil when Prometheus has not scraped the target yet.
    var up: Bool?
    /// When that scrape started, on Prometheus' clock (`timestamp(up)`).
    var scrapedAt: Double?
    /// `scrape_duration_seconds`: the poll latency of this view.
    var scrapeDurationSecs: Double?
    /// The last scrape's error from the targets API ("" when it succeeded, or unknown).
    var lastError = ""
    var exporterTime: Double?
    var exporterStarted: Double?
    /// The labels of `cephadm_exporter_host_info`.
    var hostInfo: [String: String]?
    var memoryTotalBytes: Double?
    /// `cephadm_exporter_host_disks` by `type`.
    var disks: [String: Double] = [:]
    var tasks: [TaskName: TaskReading] = [:]

    init(instance: String) { self.instance = instance }
}
