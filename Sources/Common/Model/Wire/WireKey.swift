/// Every key of the `/v1/metadata` documents, spelled once: the encoders and decoders of
/// `MetadataDocument`, `Health`, `TaskDetail` and `TaskRecord` all read them from here.
enum WireKey {
    // The document: `health`, then one member per task (named by the task).
    static let health = "health"

    // Health.
    static let startedEpochSecs = "started_epoch_secs"
    static let tasks = "tasks"
    static let httpServer = "http_server"
    static let errors = "errors"
    static let taskDetail = "task_detail"
    static let certificateExpiryEpochSecs = "certificate_expiry_epoch_secs"

    // One task's detail under `task_detail`.
    static let intervalSecs = "interval_secs"
    static let restarts = "restarts"
    static let consecutiveFailures = "consecutive_failures"
    static let lastSuccessEpochSecs = "last_success_epoch_secs"
    static let failures = "failures"

    // A task record.
    static let scrapeTimestamp = "scrape_timestamp"
    static let scrapeDurationSecs = "scrape_duration_secs"
    static let scrapeErrors = "scrape_errors"
    static let data = "data"

    // The 404 body.
    static let message = "message"
}
