import Common

/// What the exporter does to its health object as tasks start, fail and restart.
extension Health {
    /// `errors` keeps the newest 100 (Pacific's list grows without bound).
    static let maxErrors = 100

    /// Every task of `catalog` inactive (Pacific: "all four tasks start as inactive"), with its
    /// interval and zero counters in `task_detail`.
    init(startedEpochSecs: Double, catalog: TaskCatalog, intervals: [TaskName: Double]) {
        var tasks: [TaskName: TaskActivity] = [:]
        var details: [TaskName: TaskDetail] = [:]
        for spec in catalog.specs {
            tasks[spec.name] = .inactive
            details[spec.name] = TaskDetail(intervalSecs: intervals[spec.name] ?? spec.defaultIntervalSecs,
                                            restarts: 0, consecutiveFailures: 0, failures: 0)
        }
        self.init(startedEpochSecs: startedEpochSecs, tasks: tasks, httpServer: .inactive, errors: [], taskDetail: details)
    }

    mutating func appendError(_ message: String) {
        errors.append(message)
        if errors.count > Health.maxErrors { errors.removeFirst(errors.count - Health.maxErrors) }
    }

    func consecutiveFailures(of task: TaskName) -> Int { taskDetail?[task]?.consecutiveFailures ?? 0 }

    mutating func recordSuccess(of task: TaskName, finishedAt epochSecs: Double) {
        taskDetail?[task]?.consecutiveFailures = 0
        taskDetail?[task]?.lastSuccessEpochSecs = epochSecs
    }

    mutating func recordFailure(of task: TaskName, consecutive: Int) {
        taskDetail?[task]?.consecutiveFailures = consecutive
        let failures = taskDetail?[task]?.failures ?? 0
        taskDetail?[task]?.failures = failures + 1
    }

    mutating func recordRestart(of task: TaskName) {
        let restarts = taskDetail?[task]?.restarts ?? 0
        taskDetail?[task]?.restarts = restarts + 1
    }

    /// 200 when every worker task is active, 206 when some are inactive, 500 when all are.
    var metadataStatus: Int {
        let inactive = tasks.values.filter { $0 == .inactive }.count
        if inactive == 0 { return 200 }
        return inactive == tasks.count ? 500 : 206
    }
}
