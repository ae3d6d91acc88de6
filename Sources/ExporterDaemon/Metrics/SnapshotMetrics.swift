import Common

/// The part of `/metrics` that changes only when a task scrapes or its health changes: built
/// with each cache snapshot (as the JSON bodies are), so a request only appends its counters.
enum SnapshotMetrics {
    static func body(catalog: TaskCatalog, health: Health, records: [TaskName: TaskRecord], facts: HostFactsGauges?) -> [UInt8] {
        var out = ExpositionText(capacity: 4096)
        let tasks = catalog.healthOrder
        func perTask(_ family: MetricFamily, _ value: (TaskName) -> Double?) {
            let values = tasks.map { ($0, value($0)) }
            guard values.contains(where: { $0.1 != nil }) else { return }
            out.header(family)
            for (task, v) in values {
                if let v { out.sample(family, [(ExporterMetric.taskLabel, task.rawValue)], v) }
            }
        }
        func detail(_ task: TaskName) -> TaskDetail? { health.taskDetail?[task] }
        perTask(ExporterMetric.taskActive) { health.activity(of: $0) == .active ? 1 : 0 }
        perTask(ExporterMetric.taskLastSuccess) { detail($0)?.lastSuccessEpochSecs }
        perTask(ExporterMetric.taskLastScrape) { records[$0]?.scrapeTimestamp }
        perTask(ExporterMetric.taskScrapeDuration) { records[$0]?.scrapeDurationSecs }
        perTask(ExporterMetric.taskScrapeErrors) { Double(records[$0]?.errors.count ?? 0) }
        perTask(ExporterMetric.taskRestarts) { Double(detail($0)?.restarts ?? 0) }
        perTask(ExporterMetric.taskFailures) { Double(detail($0)?.failures ?? 0) }
        perTask(ExporterMetric.taskInterval) { detail($0)?.intervalSecs ?? catalog.defaultIntervalSecs(of: $0) }
        if let started = health.startedEpochSecs { out.single(ExporterMetric.startTime, started) }
        out.header(ExporterMetric.buildInfo)
        out.sample(ExporterMetric.buildInfo, [("version", BuildInfo.version)], 1)
        facts?.write(into: &out)
        return out.bytes
    }
}
