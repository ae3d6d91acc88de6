import Common

/// Whether a task (or the HTTP server) is running.
enum TaskStatus: String, Sendable {
    case active
    case inactive
}

/// Per-task supervision figures shown under `health.task_detail` (beyond Pacific).
struct TaskDetail: Sendable, Equatable {
    var intervalSecs: Double
    var restarts = 0
    var consecutiveFailures = 0
    var lastSuccessEpochSecs: Double?
}

/// The health object: `started_epoch_secs`, `tasks`, `errors` (newest 100), `task_detail`.
struct HealthState: Sendable, Equatable {
    static let maxErrors = 100

    let startedEpochSecs: Double
    var tasks: [TaskName: TaskStatus] = [:]
    var httpServer: TaskStatus = .inactive
    var errors: [String] = []
    var details: [TaskName: TaskDetail] = [:]

    init(startedEpochSecs: Double, intervals: [TaskName: Double]) {
        self.startedEpochSecs = startedEpochSecs
        for t in TaskName.allCases {
            tasks[t] = .inactive
            details[t] = TaskDetail(intervalSecs: intervals[t] ?? t.defaultIntervalSecs)
        }
    }

    mutating func appendError(_ message: String) {
        errors.append(message)
        if errors.count > HealthState.maxErrors { errors.removeFirst(errors.count - HealthState.maxErrors) }
    }

    func status(_ t: TaskName) -> TaskStatus { tasks[t] ?? .inactive }

    var json: JSONValue {
        var taskObj = JSONObject()
        for t in TaskName.allCases { taskObj[t.rawValue] = .string(status(t).rawValue) }
        taskObj["http_server"] = .string(httpServer.rawValue)
        var detailObj = JSONObject()
        for t in TaskName.allCases {
            let d = details[t] ?? TaskDetail(intervalSecs: t.defaultIntervalSecs)
            detailObj[t.rawValue] = .object(JSONObject([
                ("interval_secs", .double(d.intervalSecs)),
                ("restarts", .int(d.restarts)),
                ("consecutive_failures", .int(d.consecutiveFailures)),
                ("last_success_epoch_secs", d.lastSuccessEpochSecs.map { .double($0) } ?? .null),
            ]))
        }
        return .object(JSONObject([
            ("started_epoch_secs", .double(startedEpochSecs)),
            ("tasks", .object(taskObj)),
            ("errors", .array(errors.map { .string($0) })),
            ("task_detail", .object(detailObj)),
        ]))
    }

    /// 200 when every worker task is active, 206 when some are inactive, 500 when all are.
    var metadataStatus: Int {
        let inactive = TaskName.allCases.filter { status($0) == .inactive }.count
        if inactive == 0 { return 200 }
        return inactive == TaskName.allCases.count ? 500 : 206
    }
}
