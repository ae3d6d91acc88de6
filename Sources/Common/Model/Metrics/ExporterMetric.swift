/// Every metric family `GET /metrics` serves, spelled once: the exporter writes them, `fleet
/// --prometheus` queries them by these names, and the tests hold the README's table to this list.
/// Names follow the Prometheus conventions (base units, `_total` for counters, one `_info`
/// metric carrying names as labels) and pass `promtool check metrics`.
public enum ExporterMetric {
    // MARK: per task (label `task`)

    public static let taskActive = MetricFamily(
        "cephadm_exporter_task_active", .gauge, labels: ["task"],
        help: "1 while the task is active, 0 once it has stopped (a failed scrape, waiting for its restart).")
    public static let taskLastSuccess = MetricFamily(
        "cephadm_exporter_task_last_success_timestamp_seconds", .gauge, labels: ["task"],
        help: "When the task's last successful scrape finished, seconds since the epoch (absent before the first).")
    public static let taskLastScrape = MetricFamily(
        "cephadm_exporter_task_last_scrape_timestamp_seconds", .gauge, labels: ["task"],
        help: "When the scrape behind the task's current data started (its record's scrape_timestamp), seconds since the epoch.")
    public static let taskScrapeDuration = MetricFamily(
        "cephadm_exporter_task_scrape_duration_seconds", .gauge, labels: ["task"],
        help: "How long the task's last scrape took, serialization included (its record's scrape_duration_secs).")
    public static let taskScrapeErrors = MetricFamily(
        "cephadm_exporter_task_scrape_errors", .gauge, labels: ["task"],
        help: "Errors in the task's current record (scrape_errors, the newest 20 kept).")
    public static let taskRestarts = MetricFamily(
        "cephadm_exporter_task_restarts_total", .counter, labels: ["task"],
        help: "Restarts of the task's thread since the exporter started.")
    public static let taskFailures = MetricFamily(
        "cephadm_exporter_task_failures_total", .counter, labels: ["task"],
        help: "Failed scrapes of the task (errors and timeouts) since the exporter started.")
    public static let taskInterval = MetricFamily(
        "cephadm_exporter_task_interval_seconds", .gauge, labels: ["task"],
        help: "Seconds from the start of one scrape of the task to the start of the next.")

    // MARK: the exporter

    public static let startTime = MetricFamily(
        "cephadm_exporter_start_time_seconds", .gauge,
        help: "When the exporter started (started_epoch_secs), seconds since the epoch.")
    public static let buildInfo = MetricFamily(
        "cephadm_exporter_build_info", .gauge, labels: ["version"],
        help: "Always 1; the version label is the exporter's version.")
    public static let certificateExpiry = MetricFamily(
        "cephadm_exporter_certificate_expiry_timestamp_seconds", .gauge,
        help: "When the TLS certificate the exporter serves stops being valid (its notAfter), seconds since the epoch.")
    public static let time = MetricFamily(
        "cephadm_exporter_time_seconds", .gauge,
        help: "The exporter's clock when it answered, seconds since the epoch (data ages and clock skew are measured against it).")

    // MARK: the HTTP server

    public static let httpRequests = MetricFamily(
        "cephadm_exporter_http_requests_total", .counter, labels: ["code"],
        help: "HTTP responses sent, by status code (refused and malformed requests included).")
    public static let httpConnections = MetricFamily(
        "cephadm_exporter_http_connections", .gauge,
        help: "Client connections open now.")
    public static let httpConnectionsRejected = MetricFamily(
        "cephadm_exporter_http_connections_rejected_total", .counter,
        help: "Connections refused at once: the connection limit was reached, or the client address's share of it.")
    public static let httpConnectionsEvicted = MetricFamily(
        "cephadm_exporter_http_connections_evicted_total", .counter,
        help: "Connections closed before finishing their TLS handshake to make room for a new one at the connection limit.")

    // MARK: the host (from the host task's facts)

    public static let hostInfo = MetricFamily(
        "cephadm_exporter_host_info", .gauge, labels: ["hostname", "kernel", "os", "arch"],
        help: "Always 1; the host facts' hostname, kernel, operating_system and arch as labels.")
    public static let hostDisks = MetricFamily(
        "cephadm_exporter_host_disks", .gauge, labels: ["type"],
        help: "Disks in the host facts, by type (hdd, flash).")
    public static let hostDiskCapacity = MetricFamily(
        "cephadm_exporter_host_disk_capacity_bytes", .gauge, labels: ["type"],
        help: "Capacity of the disks in the host facts, by type (hdd, flash).")
    public static let hostMemoryTotal = MetricFamily(
        "cephadm_exporter_host_memory_total_bytes", .gauge,
        help: "Memory of the host (the facts' memory_total_kb).")
    public static let hostMemoryAvailable = MetricFamily(
        "cephadm_exporter_host_memory_available_bytes", .gauge,
        help: "Memory available on the host at the last host scrape (the facts' memory_available_kb).")
    public static let hostCPUThreads = MetricFamily(
        "cephadm_exporter_host_cpu_threads", .gauge,
        help: "Hardware threads of the host's CPUs (the facts' cpu_threads).")

    // MARK: the process (the standard names every Prometheus client library uses)

    public static let processCPU = MetricFamily(
        "process_cpu_seconds_total", .counter, help: "Total user and system CPU time spent in seconds.")
    public static let processResidentMemory = MetricFamily(
        "process_resident_memory_bytes", .gauge, help: "Resident memory size in bytes.")
    public static let processVirtualMemory = MetricFamily(
        "process_virtual_memory_bytes", .gauge, help: "Virtual memory size in bytes.")
    public static let processOpenFDs = MetricFamily(
        "process_open_fds", .gauge, help: "Number of open file descriptors.")
    public static let processMaxFDs = MetricFamily(
        "process_max_fds", .gauge, help: "Maximum number of open file descriptors.")
    public static let processStartTime = MetricFamily(
        "process_start_time_seconds", .gauge, help: "Start time of the process since unix epoch in seconds.")

    /// Every family, in the order `/metrics` serves them.
    public static let all: [MetricFamily] = [
        taskActive, taskLastSuccess, taskLastScrape, taskScrapeDuration, taskScrapeErrors, taskRestarts, taskFailures,
        taskInterval, startTime, buildInfo, hostInfo, hostDisks, hostDiskCapacity, hostMemoryTotal, hostMemoryAvailable,
        hostCPUThreads, certificateExpiry, time, httpRequests, httpConnections, httpConnectionsRejected,
        httpConnectionsEvicted, processCPU, processResidentMemory, processVirtualMemory, processOpenFDs, processMaxFDs,
        processStartTime,
    ]

    /// The route that serves them, beside the catalog's `/v1/metadata` routes.
    public static let path = "/metrics"

    /// The label naming the task in the per-task families.
    public static let taskLabel = "task"
}

/// The version `cephadm_exporter_build_info` reports.
public enum BuildInfo {
    public static let version = "0.1.0"
}
