import Common

/// How the exporter's records change with each scrape. `data` is kept serialized: the scrape
/// thread serializes it once (that time is part of `scrape_duration_secs`, unlike Pacific: Q7);
/// the cache only splices bytes.
extension TaskRecord {
    /// `scrape_errors` is capped so a task failing for weeks cannot grow the record (Pacific: Q6).
    static let maxScrapeErrors = 20

    static func success(timestamp: Double, duration: Double, errors: [String], dataJSON: [UInt8]) -> TaskRecord {
        TaskRecord(scrapeTimestamp: timestamp, scrapeDurationSecs: duration, scrapeErrors: errors, data: .serialized(dataJSON))
    }

    /// A failed scrape keeps the previous timestamp and duration (so clients can see how old the
    /// last good data is), appends the error, and sets `data` to null, as Pacific does.
    func failed(with message: String) -> TaskRecord {
        var r = self
        r.scrapeErrors = Array((errors + [message]).suffix(TaskRecord.maxScrapeErrors))
        r.data = .null
        return r
    }
}
