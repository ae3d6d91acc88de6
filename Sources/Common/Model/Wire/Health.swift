/// Whether a task (or the HTTP server) is running.
public enum TaskActivity: String, Sendable, Equatable {
    case active
    case inactive
}

/// Supervision figures our exporter adds under `health.task_detail` (Pacific sends none). The
/// fields are optional so that a body lacking one still decodes; ours sends them all.
public struct TaskDetail: Sendable, Equatable {
    public var intervalSecs: Double?
    public var restarts: Int?
    public var consecutiveFailures: Int?
    public var lastSuccessEpochSecs: Double?
    /// Failed scrapes since the exporter started (`consecutive_failures` resets on a success).
    public var failures: Int?

    public init(intervalSecs: Double? = nil, restarts: Int? = nil, consecutiveFailures: Int? = nil,
                lastSuccessEpochSecs: Double? = nil, failures: Int? = nil) {
        self.intervalSecs = intervalSecs
        self.restarts = restarts
        self.consecutiveFailures = consecutiveFailures
        self.lastSuccessEpochSecs = lastSuccessEpochSecs
        self.failures = failures
    }

    var json: JSONValue {
        .object(JSONObject([
            (WireKey.intervalSecs, intervalSecs.map { .double($0) } ?? .null),
            (WireKey.restarts, restarts.map { .int($0) } ?? .null),
            (WireKey.consecutiveFailures, consecutiveFailures.map { .int($0) } ?? .null),
            (WireKey.lastSuccessEpochSecs, lastSuccessEpochSecs.map { .double($0) } ?? .null),
            (WireKey.failures, failures.map { .int($0) } ?? .null),
        ]))
    }

    static func decode(_ value: JSONValue, at path: String) throws(MetadataWireError) -> TaskDetail {
        let o = try WireObject(value, at: path)
        return TaskDetail(
            intervalSecs: try o.optionalNumber(WireKey.intervalSecs),
            restarts: try o.optionalInt(WireKey.restarts),
            consecutiveFailures: try o.optionalInt(WireKey.consecutiveFailures),
            lastSuccessEpochSecs: try o.optionalNumber(WireKey.lastSuccessEpochSecs),
            failures: try o.optionalInt(WireKey.failures))
    }
}

/// The health object (`/v1/metadata/health`, and the `health` member of `/v1/metadata`):
/// `started_epoch_secs`, `tasks` (each worker task by name, then `http_server`), `errors`, and
/// our `task_detail` and `certificate_expiry_epoch_secs`. The exporter encodes it; the fleet
/// decodes it.
public struct Health: Sendable, Equatable {
    public var startedEpochSecs: Double?
    /// Every worker task's activity; the decoder refuses a body that lacks one of its catalog.
    public var tasks: [TaskName: TaskActivity]
    public var httpServer: TaskActivity?
    public var errors: [String]
    /// nil when the exporter does not send `task_detail` (Pacific).
    public var taskDetail: [TaskName: TaskDetail]?
    /// When the certificate the exporter serves expires (epoch seconds); nil when not sent (Pacific).
    public var certificateExpiryEpochSecs: Double?

    /// The `health.tasks` key of the HTTP server, listed after the worker tasks.
    public static let httpServerKey = WireKey.httpServer

    public init(startedEpochSecs: Double?, tasks: [TaskName: TaskActivity], httpServer: TaskActivity?,
                errors: [String], taskDetail: [TaskName: TaskDetail]?, certificateExpiryEpochSecs: Double? = nil) {
        self.startedEpochSecs = startedEpochSecs
        self.tasks = tasks
        self.httpServer = httpServer
        self.errors = errors
        self.taskDetail = taskDetail
        self.certificateExpiryEpochSecs = certificateExpiryEpochSecs
    }

    /// A task missing from `tasks` counts as inactive.
    public func activity(of task: TaskName) -> TaskActivity { tasks[task] ?? .inactive }

    /// The compact JSON, tasks and details in name order (Pacific's).
    public func serialized() -> [UInt8] {
        var out = WireObjectWriter(capacity: 512 + 48 * errors.count)
        if let started = startedEpochSecs { out.field(WireKey.startedEpochSecs, .double(started)) }
        var taskObject = JSONObject()
        for name in tasks.keys.sorted() { taskObject[name.rawValue] = .string(activity(of: name).rawValue) }
        if let httpServer { taskObject[Self.httpServerKey] = .string(httpServer.rawValue) }
        out.field(WireKey.tasks, .object(taskObject))
        out.field(WireKey.errors, .array(errors.map { .string($0) }))
        if let taskDetail {
            var detailObject = JSONObject()
            for name in taskDetail.keys.sorted() { detailObject[name.rawValue] = taskDetail[name]?.json }
            out.field(WireKey.taskDetail, .object(detailObject))
        }
        if let expiry = certificateExpiryEpochSecs { out.field(WireKey.certificateExpiryEpochSecs, .double(expiry)) }
        return out.finish()
    }

    /// Decodes a health object; every task of `catalog` must be listed in `tasks` (unknown
    /// names are ignored, so a newer exporter's extra task does not break an older fleet).
    public static func decode(_ value: JSONValue, catalog: TaskCatalog) throws(MetadataWireError) -> Health {
        let o = try WireObject(value, at: MetadataDocument.healthKey)
        let taskObject = try o.requiredObject(WireKey.tasks)
        var tasks: [TaskName: TaskActivity] = [:]
        for name in catalog.names {
            tasks[name] = try activity(try taskObject.required(name.rawValue), at: taskObject.pathOf(name.rawValue))
        }
        var httpServer: TaskActivity?
        if let v = taskObject.object[httpServerKey] { httpServer = try activity(v, at: taskObject.pathOf(httpServerKey)) }
        var taskDetail: [TaskName: TaskDetail]?
        if o.optional(WireKey.taskDetail) != nil {
            let detailObject = try o.requiredObject(WireKey.taskDetail)
            var details: [TaskName: TaskDetail] = [:]
            for name in catalog.names {
                guard let v = detailObject.optional(name.rawValue) else { continue }
                details[name] = try TaskDetail.decode(v, at: detailObject.pathOf(name.rawValue))
            }
            taskDetail = details
        }
        return Health(
            startedEpochSecs: try o.optionalNumber(WireKey.startedEpochSecs),
            tasks: tasks,
            httpServer: httpServer,
            errors: try o.optionalStrings(WireKey.errors) ?? [],
            taskDetail: taskDetail,
            certificateExpiryEpochSecs: try o.optionalNumber(WireKey.certificateExpiryEpochSecs))
    }

    private static func activity(_ value: JSONValue, at path: String) throws(MetadataWireError) -> TaskActivity {
        guard let s = value.stringValue, let a = TaskActivity(rawValue: s) else {
            throw .unexpectedShape(path: path, expected: "\"active\" or \"inactive\"", found: WireObject.describe(value))
        }
        return a
    }
}
