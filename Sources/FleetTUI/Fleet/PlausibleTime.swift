import Common

/// Times a host reports are believed only inside a window around this machine's clock: from
/// 2000-01-01 to a day ahead. A `scrape_timestamp` of 1e300, or a `Date` header in year 0001,
/// would otherwise make every data age 0 s and keep a broken host OK forever.
enum PlausibleTime {
    /// 2000-01-01T00:00:00Z.
    static let earliestEpochSecs: Double = 946_684_800
    /// How far ahead of this machine's clock a host's clock may run.
    static let futureAllowanceSecs: Double = 86_400
    /// The longest refresh interval a host may report (`run` accepts at most a day).
    static let longestIntervalSecs: Double = 86_400

    static func isPlausible(_ epochSecs: Double, localNow: Double) -> Bool {
        epochSecs.isFinite && epochSecs >= earliestEpochSecs && epochSecs <= localNow + futureAllowanceSecs
    }

    static let window = "before 2000-01-01 or more than a day ahead of this machine's clock"

    /// The first epoch field of the document outside the window, or an interval that is not a
    /// positive number of seconds up to a day, as a message naming the field; nil when all are
    /// plausible.
    static func problem(in document: MetadataDocument, catalog: TaskCatalog, localNow: Double) -> String? {
        // Checked on every poll: the field names are spelled out only for a problem.
        func implausible(_ field: @autoclosure () -> String, _ value: Double?) -> String? {
            guard let value, !isPlausible(value, localNow: localNow) else { return nil }
            return "implausible time: \(field()) is \(JSONWriter.formatDouble(value)) (\(window))"
        }
        if let p = implausible("health.started_epoch_secs", document.health.startedEpochSecs) { return p }
        // Times first, then intervals: the first bad interval is kept until every time passed
        // (one look-up of each task's detail, not two).
        var badInterval: (name: TaskName, secs: Double)?
        for name in catalog.names {
            if let p = implausible("\(name).scrape_timestamp", document.record(name).scrapeTimestamp) { return p }
            let detail = document.health.taskDetail?[name]
            if let p = implausible("health.task_detail.\(name).last_success_epoch_secs", detail?.lastSuccessEpochSecs) {
                return p
            }
            if badInterval == nil, let interval = detail?.intervalSecs, !(interval > 0 && interval <= longestIntervalSecs) {
                badInterval = (name, interval)
            }
        }
        return badInterval.map {
            "implausible interval: health.task_detail.\($0.name).interval_secs is \(JSONWriter.formatDouble($0.secs)) (not 0-86400 s)"
        }
    }
}
