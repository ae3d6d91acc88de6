import Glibc

/// `MetadataDocument.summarize`'s fast path: health and the records' own fields read from the
/// bytes straight into `Health` and `TaskRecord` (no `JSONValue` tree, no key Strings, no
/// dotted paths), the tasks' `data` summarized as in the value path. It covers the bodies
/// exporters send; on anything where `decode`'s rules need its values (a wrong shape, a
/// missing field, a duplicate or escaped key, invalid JSON) it gives up (nil) and the caller
/// takes the value path, so the verdict and every error message stay `decode`'s. Whatever it
/// accepts, `decode` accepts with equal values: the differential tests hold it to that.
extension MetadataSkimmer {
    private static let healthKeys = JSONKeySet([WireKey.startedEpochSecs, WireKey.tasks, WireKey.errors, WireKey.taskDetail,
                                                WireKey.certificateExpiryEpochSecs])
    private static let detailKeys = JSONKeySet([WireKey.intervalSecs, WireKey.restarts, WireKey.consecutiveFailures,
                                                WireKey.lastSuccessEpochSecs, WireKey.failures])
    private static let recordKeys = JSONKeySet([WireKey.scrapeTimestamp, WireKey.scrapeDurationSecs, WireKey.scrapeErrors,
                                                WireKey.data])
    private static let activeBytes = Array(TaskActivity.active.rawValue.utf8)
    private static let inactiveBytes = Array(TaskActivity.inactive.rawValue.utf8)

    mutating func typedDocument() -> MetadataDocument? {
        let specs = catalog.specs
        let rootKeys = JSONKeySet([WireKey.health] + specs.map(\.name.rawValue))
        var health: Health?
        var records = [TaskRecord?](repeating: nil, count: specs.count)
        var seen = Seen()
        skipper.skipWhitespace()
        guard pos < buf.count, buf[pos] == UInt8(ascii: "{") else { return nil }
        let read = eachMember(depth: 0) { skimmer, key, depth in
            guard let index = rootKeys.index(of: key) else { return skimmer.skipper.skipValue(depth: depth) }
            guard seen.first(index) else { return false }
            if index == 0 {
                health = skimmer.health(depth: depth)
                return health != nil
            }
            records[index - 1] = skimmer.record(specs[index - 1], depth: depth)
            return records[index - 1] != nil
        }
        guard read, let health else { return nil }
        skipper.skipWhitespace()
        guard pos == buf.count else { return nil }
        var byName: [TaskName: TaskRecord] = [:]
        byName.reserveCapacity(specs.count)
        for (spec, record) in zip(specs, records) {
            guard let record else { return nil }
            byName[spec.name] = record
        }
        return MetadataDocument(health: health, records: byName)
    }

    /// Which known keys an object has had (a second one gives up: duplicates are decode's).
    private struct Seen {
        private var bits: UInt64 = 0

        /// False when `index` was seen before (or is past what the bits hold).
        mutating func first(_ index: Int) -> Bool {
            guard index < 64, bits & (1 << UInt64(index)) == 0 else { return false }
            bits |= 1 << UInt64(index)
            return true
        }
    }

    /// Calls `member` with each key's bytes (between the quotes) and the depth of its value,
    /// with `pos` at the value; `member` passes the value. False when the object is not JSON,
    /// a key holds an escape, or `member` gives up.
    private mutating func eachMember(depth: Int, _ member: (inout MetadataSkimmer, UnsafeBufferPointer<UInt8>, Int) -> Bool)
        -> Bool
    {
        guard let empty = open(depth: depth, closing: UInt8(ascii: "}")) else { return false }
        if empty { return true }
        while true {
            skipper.skipWhitespace()
            let quote = pos
            guard pos < buf.count, buf[pos] == UInt8(ascii: "\""), skipper.skipString(), !skipper.stringHadEscape else {
                return false
            }
            let key = UnsafeBufferPointer(rebasing: buf[(quote + 1)..<(pos - 1)])
            skipper.skipWhitespace()
            guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { return false }
            pos += 1
            skipper.skipWhitespace()
            guard pos < buf.count, member(&self, key, depth + 1) else { return false }
            guard let more = next(closing: UInt8(ascii: "}")) else { return false }
            if !more { return true }
        }
    }

    /// `WireObject.optionalNumber`: absent or null is nil (`.some(nil)`), a finite number its
    /// value; anything else gives up (nil).
    private mutating func optionalNumber(depth: Int) -> Double?? {
        guard let value = scalar(depth: depth) else { return nil }
        if value.isNull { return .some(nil) }
        guard let d = value.doubleValue, d.isFinite else { return nil }
        return d
    }

    /// `WireObject.optionalInt`, likewise.
    private mutating func optionalInt(depth: Int) -> Int?? {
        guard let value = scalar(depth: depth) else { return nil }
        if value.isNull { return .some(nil) }
        guard let i = value.intValue else { return nil }
        return i
    }

    /// A number, literal or string read by the parser (its number rules); nil for a container
    /// or invalid JSON.
    private mutating func scalar(depth: Int) -> JSONValue? {
        guard buf[pos] != UInt8(ascii: "{"), buf[pos] != UInt8(ascii: "[") else { return nil }
        return try? parsed(depth: depth)
    }

    /// `WireObject.optionalStrings`: null is `.some(nil)`, a list of strings the list.
    private mutating func optionalStrings(depth: Int) -> [String]?? {
        if buf[pos] != UInt8(ascii: "[") {
            guard let value = scalar(depth: depth), value.isNull else { return nil }
            return .some(nil)
        }
        var out: [String] = []
        guard let empty = open(depth: depth, closing: UInt8(ascii: "]")) else { return nil }
        if empty { return out }
        while true {
            skipper.skipWhitespace()
            let quote = pos
            guard pos < buf.count, buf[pos] == UInt8(ascii: "\""), skipper.skipString(),
                  let text = string(at: quote..<pos) else { return nil }
            out.append(text)
            guard let more = next(closing: UInt8(ascii: "]")) else { return nil }
            if !more { return out }
        }
    }

    private mutating func health(depth: Int) -> Health? {
        guard buf[pos] == UInt8(ascii: "{") else { return nil }
        let names = catalog.names
        let taskKeys = JSONKeySet(names.map(\.rawValue) + [WireKey.httpServer])
        var started: Double?
        var activities = [TaskActivity?](repeating: nil, count: names.count)
        var httpServer: TaskActivity?
        var errors: [String]?
        var details: [TaskName: TaskDetail]?
        var expiry: Double?
        var seenTasks = false
        var seen = Seen()
        let read = eachMember(depth: depth) { skimmer, key, depth in
            guard let index = Self.healthKeys.index(of: key) else { return skimmer.skipper.skipValue(depth: depth) }
            guard seen.first(index) else { return false }
            switch index {
            case 0:
                guard let v = skimmer.optionalNumber(depth: depth) else { return false }
                started = v
            case 1:
                guard skimmer.buf[skimmer.pos] == UInt8(ascii: "{") else { return false }
                seenTasks = true
                var seenNames = Seen()
                return skimmer.eachMember(depth: depth) { skimmer, key, depth in
                    guard let task = taskKeys.index(of: key) else { return skimmer.skipper.skipValue(depth: depth) }
                    guard seenNames.first(task), let activity = skimmer.activity() else { return false }
                    if task < names.count { activities[task] = activity } else { httpServer = activity }
                    return true
                }
            case 2:
                guard let v = skimmer.optionalStrings(depth: depth) else { return false }
                errors = v
            case 3:
                guard let v = skimmer.taskDetails(depth: depth) else { return false }
                details = v
            default:
                guard let v = skimmer.optionalNumber(depth: depth) else { return false }
                expiry = v
            }
            return true
        }
        guard read, seenTasks else { return nil }
        var tasks: [TaskName: TaskActivity] = [:]
        tasks.reserveCapacity(names.count)
        for (name, activity) in zip(names, activities) {
            guard let activity else { return nil }
            tasks[name] = activity
        }
        return Health(startedEpochSecs: started, tasks: tasks, httpServer: httpServer, errors: errors ?? [],
                      taskDetail: details, certificateExpiryEpochSecs: expiry)
    }

    /// `"active"` or `"inactive"`, spelled without escapes.
    private mutating func activity() -> TaskActivity? {
        let quote = pos
        guard buf[pos] == UInt8(ascii: "\""), skipper.skipString(), !skipper.stringHadEscape else { return nil }
        let text = UnsafeBufferPointer(rebasing: buf[(quote + 1)..<(pos - 1)])
        if text.elementsEqual(Self.activeBytes) { return .active }
        if text.elementsEqual(Self.inactiveBytes) { return .inactive }
        return nil
    }

    /// `health.task_detail`: null is nil (`.some(nil)`), an object the catalog's tasks' details
    /// (a task whose detail is null has none).
    private mutating func taskDetails(depth: Int) -> [TaskName: TaskDetail]?? {
        if buf[pos] != UInt8(ascii: "{") {
            guard let value = scalar(depth: depth), value.isNull else { return nil }
            return .some(nil)
        }
        let names = catalog.names
        let nameKeys = JSONKeySet(names.map(\.rawValue))
        var details: [TaskName: TaskDetail] = [:]
        var seen = Seen()
        let read = eachMember(depth: depth) { skimmer, key, depth in
            guard let index = nameKeys.index(of: key) else { return skimmer.skipper.skipValue(depth: depth) }
            guard seen.first(index) else { return false }
            if skimmer.buf[skimmer.pos] != UInt8(ascii: "{") {
                guard let value = skimmer.scalar(depth: depth), value.isNull else { return false }
                return true
            }
            guard let detail = skimmer.taskDetail(depth: depth) else { return false }
            details[names[index]] = detail
            return true
        }
        // (Not `read ? details : nil`: that nil would be `.some(nil)`, a null.)
        guard read else { return nil }
        return .some(details)
    }

    private mutating func taskDetail(depth: Int) -> TaskDetail? {
        var detail = TaskDetail()
        var seen = Seen()
        let read = eachMember(depth: depth) { skimmer, key, depth in
            guard let index = Self.detailKeys.index(of: key) else { return skimmer.skipper.skipValue(depth: depth) }
            guard seen.first(index) else { return false }
            switch index {
            case 0, 3:
                guard let v = skimmer.optionalNumber(depth: depth) else { return false }
                if index == 0 { detail.intervalSecs = v } else { detail.lastSuccessEpochSecs = v }
            default:
                guard let v = skimmer.optionalInt(depth: depth) else { return false }
                switch index {
                case 1: detail.restarts = v
                case 2: detail.consecutiveFailures = v
                default: detail.failures = v
                }
            }
            return true
        }
        return read ? detail : nil
    }

    /// A task's record; `data` must have the task's shape or be null, and is summarized.
    private mutating func record(_ spec: TaskSpec, depth: Int) -> TaskRecord? {
        guard buf[pos] == UInt8(ascii: "{") else { return nil }
        forgetSummary(of: spec.name)
        var record = TaskRecord()
        var seen = Seen()
        let read = eachMember(depth: depth) { skimmer, key, depth in
            guard let index = Self.recordKeys.index(of: key) else { return skimmer.skipper.skipValue(depth: depth) }
            guard seen.first(index) else { return false }
            switch index {
            case 0, 1:
                guard let v = skimmer.optionalNumber(depth: depth) else { return false }
                if index == 0 { record.scrapeTimestamp = v } else { record.scrapeDurationSecs = v }
            case 2:
                guard let v = skimmer.optionalStrings(depth: depth) else { return false }
                record.scrapeErrors = v
            default:
                switch (skimmer.buf[skimmer.pos], spec.dataShape) {
                case (UInt8(ascii: "{"), .object), (UInt8(ascii: "["), .array):
                    guard let summary = skimmer.summary, let data = skimmer.summarized(spec.name, summary, depth: depth) else {
                        return false
                    }
                    record.data = .value(data)
                default:
                    guard let value = skimmer.scalar(depth: depth), value.isNull else { return false }
                    record.data = .null
                }
            }
            return true
        }
        return read ? record : nil
    }
}
