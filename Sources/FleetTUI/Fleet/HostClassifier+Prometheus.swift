import Common

/// The Prometheus source's entry point: a target's reading becomes the same `HostSample` (and a
/// compact `HostDetail`) a direct poll of the exporter gives, by the same rules, so the table,
/// the events and `fleet check`'s exit status follow unchanged. Where a poll reads a record's
/// text, a reading has only numbers: an error is counted, not quoted.
extension HostClassifier {
    /// nil when Prometheus has not scraped the target yet (it stays WAIT).
    static func classify(_ r: PrometheusTargetReading, thresholds: Thresholds, catalog: TaskCatalog = .standard) -> Classification? {
        guard let up = r.up, let scrapedAt = r.scrapedAt else { return nil }
        let latency = max(0, r.scrapeDurationSecs ?? 0)
        guard up else {
            let (status, httpStatus, text) = scrapeFailure(r.lastError)
            return Classification(sample: HostSample(status: status, startedAt: scrapedAt, latencySecs: latency, httpStatus: httpStatus,
                                                     skewSecs: nil, tasks: [], error: text), detail: nil)
        }
        // The exporter's clock when it answered is the `Date` header of a poll.
        let localNow = scrapedAt + latency
        var exporterNow = localNow
        var skew: Double?
        func make(_ s: HostStatus, _ error: String?, tasks: [TaskHealth] = [], detail: HostDetail? = nil) -> Classification {
            Classification(sample: HostSample(status: s, startedAt: scrapedAt, latencySecs: latency, httpStatus: 200,
                                              skewSecs: skew, tasks: tasks, error: error), detail: detail)
        }
        if let t = r.exporterTime {
            guard PlausibleTime.isPlausible(t, localNow: localNow) else {
                return make(.bad, "implausible time: \(ExporterMetric.time.name) is \(JSONWriter.formatDouble(t)) (\(PlausibleTime.window))")
            }
            exporterNow = t
            skew = t - (scrapedAt + latency / 2)
        }
        guard !r.tasks.isEmpty else {
            return make(.bad, "the target's metrics have no \(ExporterMetric.taskActive.name): not a cephadm-exporter, or one without /metrics")
        }
        if let problem = implausibility(r, catalog: catalog, localNow: localNow) { return make(.bad, problem) }
        let evaluated = catalog.specsByName.map { evaluate($0, r, exporterNow: exporterNow, thresholds: thresholds) }
        let tasks = evaluated.map(\.health)
        let detail = detail(r)
        if tasks.allSatisfy({ $0.state == .inactive }) {
            return make(.down, "all tasks inactive (as Prometheus last scraped it)", tasks: tasks, detail: detail)
        }
        let problems = evaluated.compactMap(\.problem)
        guard problems.isEmpty else { return make(.degraded, problems.joined(separator: "; "), tasks: tasks, detail: detail) }
        return make(.ok, nil, tasks: tasks, detail: detail)
    }

    /// A failed scrape's status, from the error Prometheus recorded (Go's wording): a 401 is
    /// AUTH, a certificate or TLS problem TLS, an exporter that cannot be reached DOWN, anything
    /// else (a body that is not metrics, another status) BAD.
    static func scrapeFailure(_ lastError: String) -> (HostStatus, Int?, String) {
        let text = "Prometheus: " + (lastError.isEmpty ? "the last scrape failed" : RemoteText.clip(lastError))
        let e = lastError.lowercased()
        if e.contains("http status 401") { return (.auth, 401, "HTTP 401: the exporter rejected the token (\(text))") }
        if e.contains("x509:") || e.contains("tls:") || e.contains("certificate") { return (.tls, nil, "TLS: " + text) }
        let down = ["connection refused", "deadline exceeded", "i/o timeout", "no such host", "connection reset", "eof",
                    "no route to host", "network is unreachable", "http status 500"]
        if lastError.isEmpty || down.contains(where: e.contains) { return (.down, nil, text) }
        return (.bad, nil, text)
    }

    private static func implausibility(_ r: PrometheusTargetReading, catalog: TaskCatalog, localNow: Double) -> String? {
        var fields: [(String, Double)] = []
        if let s = r.exporterStarted { fields.append((ExporterMetric.startTime.name, s)) }
        for name in catalog.names {
            if let t = r.tasks[name]?.lastScrape { fields.append(("\(ExporterMetric.taskLastScrape.name){task=\"\(name)\"}", t)) }
        }
        for (field, value) in fields where !PlausibleTime.isPlausible(value, localNow: localNow) {
            return "implausible time: \(field) is \(JSONWriter.formatDouble(value)) (\(PlausibleTime.window))"
        }
        for name in catalog.names {
            if let i = r.tasks[name]?.interval, !(i > 0 && i <= PlausibleTime.longestIntervalSecs) {
                return "implausible interval: \(ExporterMetric.taskInterval.name){task=\"\(name)\"} is \(JSONWriter.formatDouble(i)) (not 0-86400 s)"
            }
        }
        return nil
    }

    /// A task judged as a poll judges it: inactive, pending (no data yet) or active with an age;
    /// stale past the threshold; errors in its record are a problem.
    private static func evaluate(_ spec: TaskSpec, _ r: PrometheusTargetReading, exporterNow: Double,
                                 thresholds: Thresholds) -> (health: TaskHealth, problem: String?) {
        let task = spec.name
        let t = r.tasks[task]
        let interval = t?.interval.flatMap { $0 > 0 ? $0 : nil } ?? spec.defaultIntervalSecs
        let staleAfter = thresholds.staleAfter(intervalSecs: interval)
        let age = t?.lastScrape.map { max(0, exporterNow - $0) }
        let errors = max(0, t?.scrapeErrors ?? 0)
        let state: TaskState = t?.active != true ? .inactive : (t?.lastScrape == nil && errors == 0 ? .pending : .active)
        var problem: String?
        var stale = false
        switch state {
        case .inactive:
            problem = t?.active == nil ? "\(task.rawValue) not reported" : "\(task.rawValue) inactive"
        case .pending:
            if let started = r.exporterStarted, exporterNow - started > staleAfter {
                stale = true
                problem = "\(task.rawValue) has no data \(DurationText.age(exporterNow - started)) after start"
            }
        case .active:
            stale = age.map { $0 > staleAfter } ?? true
        }
        if errors > 0 {
            let text = "\(task.rawValue): \(errors) scrape error\(errors == 1 ? "" : "s")"
            problem = problem.map { "\($0) (\(text))" } ?? text
        } else if state == .active, stale {
            problem = age.map { "\(task.rawValue) data \(DurationText.age($0)) old" } ?? "\(task.rawValue) has no data"
        }
        let detail = TaskDetail(intervalSecs: t?.interval, restarts: t?.restarts)
        let health = TaskHealth(task: task, state: state, ageSecs: age, intervalSecs: interval, isStale: stale,
                                scrapeTimestamp: t?.lastScrape, scrapeDurationSecs: nil, recentErrors: [],
                                scrapeErrorCount: errors, hasData: t?.lastScrape != nil && state != .inactive, detail: detail)
        return (health, problem)
    }

    /// What the detail view can show from the metrics: the start time and a few facts.
    private static func detail(_ r: PrometheusTargetReading) -> HostDetail {
        var facts = HostFacts()
        if let info = r.hostInfo {
            func text(_ key: String) -> String? { info[key].flatMap { $0.isEmpty ? nil : RemoteText.clip($0, limit: 120) } }
            facts.hostname = text("hostname")
            facts.kernel = text("kernel")
            facts.operatingSystem = text("os")
            facts.arch = text("arch")
        }
        facts.memoryTotalKB = r.memoryTotalBytes.flatMap { $0.isFinite && $0 >= 0 && $0 < 1e18 ? Int($0 / 1024) : nil }
        func count(_ type: String) -> Int? { r.disks[type].flatMap { $0.isFinite && $0 >= 0 && $0 < 1e9 ? Int($0) : nil } }
        facts.hddCount = count("hdd")
        facts.flashCount = count("flash")
        // Everything the metrics hold is here: there is nothing more to ask for.
        return HostDetail(exporterStartedEpochSecs: r.exporterStarted, httpServer: nil, healthErrors: [], healthErrorCount: 0,
                          hasTaskDetail: true, hostname: facts.hostname, fsid: nil, isComplete: true,
                          facts: r.hostInfo == nil ? nil : facts, daemons: nil, devices: nil)
    }
}
