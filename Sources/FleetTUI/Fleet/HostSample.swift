import Common

/// One exporter task as the dashboard judges it: the wire's `TaskActivity`, with `active`
/// split by whether the task has reported anything yet.
enum TaskState: Sendable, Equatable {
    case active
    case inactive
    /// Active, but its record is still `{}`: no scrape has finished yet.
    case pending

    init(_ activity: TaskActivity, record: TaskRecord) {
        switch activity {
        case .inactive: self = .inactive
        case .active: self = record.isEmpty ? .pending : .active
        }
    }
}

struct TaskHealth: Sendable, Equatable {
    // Stored in this order (word-sized fields first, the one-byte and optional ones last) so
    // padding does not add 24 bytes a task: the dashboard keeps three per host.
    let task: TaskName
    /// From `task_detail.interval_secs`, else Pacific's default for the task.
    let intervalSecs: Double
    /// The last few `scrape_errors`, newest last, clipped; `scrapeErrorCount` counts them all.
    let recentErrors: [String]
    let scrapeErrorCount: Int
    let detail: TaskDetail?
    let state: TaskState
    /// Older than the stale-after limit, or pending for longer than that since the exporter started.
    let isStale: Bool
    let hasData: Bool
    /// Exporter clock at the response minus `scrape_timestamp`; nil when never scraped.
    let ageSecs: Double?
    let scrapeTimestamp: Double?
    let scrapeDurationSecs: Double?

    init(task: TaskName, state: TaskState, ageSecs: Double?, intervalSecs: Double, isStale: Bool,
         scrapeTimestamp: Double?, scrapeDurationSecs: Double?, recentErrors: [String], scrapeErrorCount: Int,
         hasData: Bool, detail: TaskDetail?) {
        self.task = task
        self.state = state
        self.ageSecs = ageSecs
        self.intervalSecs = intervalSecs
        self.isStale = isStale
        self.scrapeTimestamp = scrapeTimestamp
        self.scrapeDurationSecs = scrapeDurationSecs
        self.recentErrors = recentErrors
        self.scrapeErrorCount = scrapeErrorCount
        self.hasData = hasData
        self.detail = detail
    }
}

/// The classified result of one poll of one host.
struct HostSample: Sendable, Equatable {
    let status: HostStatus
    /// Local epoch seconds when the request was sent.
    let startedAt: Double
    let latencySecs: Double
    let httpStatus: Int?
    /// Exporter clock minus local clock at the response (from the `Date` header); nil without one.
    let skewSecs: Double?
    /// Every worker task of the catalog, in name order; empty when no metadata was decoded.
    let tasks: [TaskHealth]
    /// Why the host is not OK, in one line; nil when OK.
    let error: String?
    /// When the certificate the exporter serves expires, as its health object says (epoch
    /// seconds); nil when not reported (Pacific) or no metadata was decoded.
    var certificateExpiryEpochSecs: Double? = nil

    /// Local epoch seconds when the response arrived.
    var receivedAt: Double { startedAt + latencySecs }

    func task(_ name: TaskName) -> TaskHealth? { tasks.first { $0.task == name } }

    /// Oldest data among the tasks that have any, on the exporter's clock at the response.
    var maxAgeSecs: Double? { tasks.compactMap(\.ageSecs).max() }
}
