/// Client-side view of a `GET /v1/metadata` body: the envelope is typed, each task's `data` stays
/// a `JSONValue` so callers can summarise it without this decoder knowing every gather-facts key.
///
/// Tolerant where exporters legitimately differ (Pacific sends no `task_detail`, a record is `{}`
/// before its first scrape, a failed first scrape has only `scrape_errors` and `data`, unknown
/// keys are ignored); strict where a wrong shape would make the dashboard lie (a task state that
/// is neither "active" nor "inactive", a timestamp that is not a number, a missing record).

public enum TaskActivity: String, Sendable, Equatable {
    case active
    case inactive
}

/// Supervisor details our exporter adds under `health.task_detail`; every field is optional.
public struct TaskDetailSnapshot: Sendable, Equatable {
    public var intervalSecs: Double?
    public var restarts: Int?
    public var consecutiveFailures: Int?
    public var lastSuccessEpochSecs: Double?

    public init(intervalSecs: Double? = nil, restarts: Int? = nil, consecutiveFailures: Int? = nil,
                lastSuccessEpochSecs: Double? = nil) {
        self.intervalSecs = intervalSecs
        self.restarts = restarts
        self.consecutiveFailures = consecutiveFailures
        self.lastSuccessEpochSecs = lastSuccessEpochSecs
    }
}

public struct HealthSnapshot: Sendable, Equatable {
    public var startedEpochSecs: Double?
    /// One entry for each worker task; the decoder rejects a body that lacks one.
    public var workers: [TaskName: TaskActivity]
    public var httpServer: TaskActivity?
    public var errors: [String]
    /// nil when the exporter does not send `task_detail` (Pacific).
    public var taskDetail: [TaskName: TaskDetailSnapshot]?

    public init(startedEpochSecs: Double?, workers: [TaskName: TaskActivity], httpServer: TaskActivity?,
                errors: [String], taskDetail: [TaskName: TaskDetailSnapshot]?) {
        self.startedEpochSecs = startedEpochSecs
        self.workers = workers
        self.httpServer = httpServer
        self.errors = errors
        self.taskDetail = taskDetail
    }

    public func activity(of task: TaskName) -> TaskActivity { workers[task] ?? .inactive }
}

public struct TaskRecordSnapshot: Sendable, Equatable {
    public var scrapeTimestamp: Double?
    public var scrapeDurationSecs: Double?
    public var scrapeErrors: [String]
    /// nil when the key is absent (the `{}` record before the first scrape); `.null` after a failure.
    public var data: JSONValue?

    public init(scrapeTimestamp: Double? = nil, scrapeDurationSecs: Double? = nil, scrapeErrors: [String] = [],
                data: JSONValue? = nil) {
        self.scrapeTimestamp = scrapeTimestamp
        self.scrapeDurationSecs = scrapeDurationSecs
        self.scrapeErrors = scrapeErrors
        self.data = data
    }

    /// The `{}` record: the task has not finished a scrape yet.
    public var isEmpty: Bool { scrapeTimestamp == nil && scrapeErrors.isEmpty && data == nil }
    public var hasData: Bool { if let data, !data.isNull { return true }; return false }
}

public struct MetadataSnapshot: Sendable, Equatable {
    public var health: HealthSnapshot
    public var host: TaskRecordSnapshot
    public var daemons: TaskRecordSnapshot
    public var disks: TaskRecordSnapshot

    public init(health: HealthSnapshot, host: TaskRecordSnapshot, daemons: TaskRecordSnapshot,
                disks: TaskRecordSnapshot) {
        self.health = health
        self.host = host
        self.daemons = daemons
        self.disks = disks
    }

    public func record(_ task: TaskName) -> TaskRecordSnapshot {
        switch task {
        case .host: return host
        case .daemons: return daemons
        case .disks: return disks
        }
    }
}

public enum MetadataWireError: Error, Equatable, CustomStringConvertible {
    case notJSON(JSONParseError)
    /// `path` is the dotted field path (`health.tasks.disks`); `found` names the offending JSON type or value.
    case unexpectedShape(path: String, expected: String, found: String)
    case missingField(path: String)

    public var description: String {
        switch self {
        case .notJSON(let e): return "metadata body is not JSON: \(e)"
        case .unexpectedShape(let path, let expected, let found):
            return "metadata field '\(path)': expected \(expected), found \(found)"
        case .missingField(let path): return "metadata field '\(path)' is missing"
        }
    }
}

public enum MetadataWire {
    public static func decode(_ body: some Collection<UInt8>) throws(MetadataWireError) -> MetadataSnapshot {
        let value: JSONValue
        do { value = try JSONParser.parse(body) } catch { throw .notJSON(error) }
        return try decode(value)
    }

    public static func decode(_ value: JSONValue) throws(MetadataWireError) -> MetadataSnapshot {
        let root = try object(value, at: "(body)")
        let health = try decodeHealth(try required(root, "health", at: ""))
        return MetadataSnapshot(
            health: health,
            host: try decodeRecord(try required(root, "host", at: ""), task: .host),
            daemons: try decodeRecord(try required(root, "daemons", at: ""), task: .daemons),
            disks: try decodeRecord(try required(root, "disks", at: ""), task: .disks))
    }

    private static func decodeHealth(_ value: JSONValue) throws(MetadataWireError) -> HealthSnapshot {
        let obj = try object(value, at: "health")
        let tasksObj = try object(try required(obj, "tasks", at: "health"), at: "health.tasks")
        var workers: [TaskName: TaskActivity] = [:]
        for task in TaskName.allCases {
            let path = "health.tasks.\(task.rawValue)"
            workers[task] = try activity(try required(tasksObj, task.rawValue, at: "health.tasks"), at: path)
        }
        var httpServer: TaskActivity?
        if let v = tasksObj["http_server"] { httpServer = try activity(v, at: "health.tasks.http_server") }
        var taskDetail: [TaskName: TaskDetailSnapshot]?
        if let detailValue = obj["task_detail"], !detailValue.isNull {
            let detailObj = try object(detailValue, at: "health.task_detail")
            var details: [TaskName: TaskDetailSnapshot] = [:]
            for task in TaskName.allCases {
                guard let v = detailObj[task.rawValue], !v.isNull else { continue }
                details[task] = try decodeTaskDetail(v, at: "health.task_detail.\(task.rawValue)")
            }
            taskDetail = details
        }
        return HealthSnapshot(
            startedEpochSecs: try optionalNumber(obj, "started_epoch_secs", at: "health"),
            workers: workers,
            httpServer: httpServer,
            errors: try optionalStrings(obj, "errors", at: "health"),
            taskDetail: taskDetail)
    }

    private static func decodeTaskDetail(_ value: JSONValue, at path: String) throws(MetadataWireError)
        -> TaskDetailSnapshot
    {
        let obj = try object(value, at: path)
        return TaskDetailSnapshot(
            intervalSecs: try optionalNumber(obj, "interval_secs", at: path),
            restarts: try optionalInt(obj, "restarts", at: path),
            consecutiveFailures: try optionalInt(obj, "consecutive_failures", at: path),
            lastSuccessEpochSecs: try optionalNumber(obj, "last_success_epoch_secs", at: path))
    }

    private static func decodeRecord(_ value: JSONValue, task: TaskName) throws(MetadataWireError)
        -> TaskRecordSnapshot
    {
        let path = task.rawValue
        let obj = try object(value, at: path)
        var record = TaskRecordSnapshot(
            scrapeTimestamp: try optionalNumber(obj, "scrape_timestamp", at: path),
            scrapeDurationSecs: try optionalNumber(obj, "scrape_duration_secs", at: path),
            scrapeErrors: try optionalStrings(obj, "scrape_errors", at: path))
        if let data = obj["data"] {
            switch (task, data) {
            case (_, .null), (.host, .object), (.daemons, .array), (.disks, .array):
                record.data = data
            case (.host, _):
                throw .unexpectedShape(path: "\(path).data", expected: "an object or null", found: describe(data))
            case (.daemons, _), (.disks, _):
                throw .unexpectedShape(path: "\(path).data", expected: "an array or null", found: describe(data))
            }
        }
        return record
    }

    // MARK: - Field helpers

    private static func join(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }

    private static func required(_ obj: JSONObject, _ key: String, at parent: String) throws(MetadataWireError)
        -> JSONValue
    {
        guard let v = obj[key] else { throw .missingField(path: join(parent, key)) }
        return v
    }

    private static func object(_ value: JSONValue, at path: String) throws(MetadataWireError) -> JSONObject {
        guard case .object(let o) = value else {
            throw .unexpectedShape(path: path, expected: "an object", found: describe(value))
        }
        return o
    }

    private static func activity(_ value: JSONValue, at path: String) throws(MetadataWireError) -> TaskActivity {
        guard let s = value.stringValue, let a = TaskActivity(rawValue: s) else {
            throw .unexpectedShape(path: path, expected: "\"active\" or \"inactive\"", found: describe(value))
        }
        return a
    }

    private static func optionalNumber(_ obj: JSONObject, _ key: String, at parent: String)
        throws(MetadataWireError) -> Double?
    {
        guard let v = obj[key], !v.isNull else { return nil }
        guard let d = v.doubleValue, d.isFinite else {
            throw .unexpectedShape(path: join(parent, key), expected: "a number", found: describe(v))
        }
        return d
    }

    private static func optionalInt(_ obj: JSONObject, _ key: String, at parent: String)
        throws(MetadataWireError) -> Int?
    {
        guard let v = obj[key], !v.isNull else { return nil }
        guard let i = v.intValue else {
            throw .unexpectedShape(path: join(parent, key), expected: "an integer", found: describe(v))
        }
        return i
    }

    private static func optionalStrings(_ obj: JSONObject, _ key: String, at parent: String)
        throws(MetadataWireError) -> [String]
    {
        guard let v = obj[key], !v.isNull else { return [] }
        let path = join(parent, key)
        guard case .array(let items) = v else {
            throw .unexpectedShape(path: path, expected: "a list of strings", found: describe(v))
        }
        var out: [String] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard let s = item.stringValue else {
                throw .unexpectedShape(path: "\(path)[\(i)]", expected: "a string", found: describe(item))
            }
            out.append(s)
        }
        return out
    }

    /// A short, safe description of what was found, for error messages.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return "the boolean \(b)"
        case .int, .double: return "the number \(JSONWriter.compactString(value))"
        case .string(let s):
            let shown = s.count > 40 ? String(s.prefix(40)) + "..." : s
            return "the string \(JSONWriter.compactString(.string(shown)))"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
