import Common

/// One task's record as the API shows it: `{}` before the first scrape, then
/// `scrape_timestamp`, `scrape_duration_secs`, `scrape_errors`, `data`, in that order.
/// `data` is kept already serialized: the scrape thread serializes it once (and that time is
/// part of `scrape_duration_secs`, unlike Pacific: Q7); the cache only splices bytes.
struct TaskRecord: Sendable, Equatable {
    var scrapeTimestamp: Double?
    var scrapeDurationSecs: Double?
    var scrapeErrors: [String]?
    /// Serialized JSON of `data`; nil when the key is absent.
    var dataJSON: [UInt8]?

    static let empty = TaskRecord()
    /// `scrape_errors` is capped so a task failing for weeks cannot grow the record (Pacific: Q6).
    static let maxScrapeErrors = 20
    static let nullJSON: [UInt8] = Array("null".utf8)

    static func success(timestamp: Double, duration: Double, errors: [String], dataJSON: [UInt8]) -> TaskRecord {
        TaskRecord(scrapeTimestamp: timestamp, scrapeDurationSecs: duration, scrapeErrors: errors, dataJSON: dataJSON)
    }

    /// A failed scrape keeps the previous timestamp and duration (so clients can see how old the
    /// last good data is), appends the error, and sets `data` to null, as Pacific does.
    func failed(with message: String) -> TaskRecord {
        var r = self
        r.scrapeErrors = Array(((scrapeErrors ?? []) + [message]).suffix(TaskRecord.maxScrapeErrors))
        r.dataJSON = TaskRecord.nullJSON
        return r
    }

    /// The record's JSON bytes.
    func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((dataJSON?.count ?? 0) + 128)
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ k: String) {
            if !first { out.append(contentsOf: ", ".utf8) }
            first = false
            out.append(contentsOf: "\"\(k)\": ".utf8)
        }
        if let t = scrapeTimestamp {
            key("scrape_timestamp")
            out.append(contentsOf: JSONWriter.formatDouble(t).utf8)
        }
        if let d = scrapeDurationSecs {
            key("scrape_duration_secs")
            out.append(contentsOf: JSONWriter.formatDouble(d).utf8)
        }
        if let e = scrapeErrors {
            key("scrape_errors")
            out.append(contentsOf: JSONWriter.compact(.array(e.map { .string($0) })))
        }
        if let d = dataJSON {
            key("data")
            out.append(contentsOf: d)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
