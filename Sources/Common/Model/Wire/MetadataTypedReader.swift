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

    // Each object is read by a loop over `nextKnownMember` (no closures: a closure handed the
    // skimmer `inout` made the optimizer copy the whole skimmer at every member).

    mutating func typedDocument() -> MetadataDocument? {
        let specs = context.specs
        let keys = context.keys.document
        var health: Health?
        var records = [TaskRecord?](repeating: nil, count: specs.count)
        skipper.skipWhitespace()
        guard pos < buf.count, buf[pos] == UInt8(ascii: "{") else { return nil }
        var members = MemberReader(depth: 0, keys: keys)
        reading: while true {
            switch nextKnownMember(&members) {
            case .end:
                break reading
            case .invalid:
                return nil
            case .known(let index):
                if index == 0 {
                    health = self.health(depth: 1)
                    guard health != nil else { return nil }
                } else {
                    records[index - 1] = record(specs[index - 1], depth: 1)
                    guard records[index - 1] != nil else { return nil }
                }
            }
        }
        guard let health else { return nil }
        skipper.skipWhitespace()
        guard pos == buf.count else { return nil }
        var byName = [TaskName: TaskRecord](minimumCapacity: specs.count)
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

    /// Where an object's reading stands after a key: at the value of a key of the set (its
    /// index) or of another key, past the closing brace, or at something that is not JSON or
    /// a key with an escape (decode's business).
    private enum MemberStep {
        case known(Int)
        case unknown
        case end
        case invalid
    }

    /// What `nextKnownMember` found: a member whose key is in the set (its index; `pos` at its
    /// value, which the caller reads), the end of the object, or something it gives up on.
    private enum KnownMember {
        case known(Int)
        case end
        case invalid
    }

    /// An object being read: where it is nested, the keys looked for, which came already.
    private struct MemberReader {
        let depth: Int
        let keys: JSONKeySet
        var started = false
        var seen = Seen()

        init(depth: Int, keys: JSONKeySet) {
            self.depth = depth
            self.keys = keys
        }
    }

    /// The object's next member whose key is in `members.keys` (the object is entered at the
    /// first call); other members are validated and passed, a second one with a key of the set
    /// gives up (duplicates are decode's business).
    private mutating func nextKnownMember(_ members: inout MemberReader) -> KnownMember {
        while true {
            let step = members.started ? nextMember(members.keys) : firstMember(depth: members.depth, members.keys)
            members.started = true
            switch step {
            case .known(let index):
                return members.seen.first(index) ? .known(index) : .invalid
            case .unknown:
                guard skipper.skipValue(depth: members.depth + 1) else { return .invalid }
            case .end:
                return .end
            case .invalid:
                return .invalid
            }
        }
    }

    /// Enters the object at `pos` (nested `depth` deep) and reads its first key.
    private mutating func firstMember(depth: Int, _ keys: JSONKeySet) -> MemberStep {
        guard let empty = open(depth: depth, closing: UInt8(ascii: "}")) else { return .invalid }
        return empty ? .end : memberKey(keys)
    }

    /// After a member's value: the next key, or the end of the object.
    private mutating func nextMember(_ keys: JSONKeySet) -> MemberStep {
        guard let more = next(closing: UInt8(ascii: "}")) else { return .invalid }
        return more ? memberKey(keys) : .end
    }

    /// A key and its colon, leaving `pos` at the value.
    private mutating func memberKey(_ keys: JSONKeySet) -> MemberStep {
        skipper.skipWhitespace()
        let quote = pos
        guard skipper.skipString(), !skipper.stringHadEscape else { return .invalid }
        let index = keys.index(of: UnsafeBufferPointer(rebasing: buf[(quote + 1)..<(pos - 1)]))
        skipper.skipWhitespace()
        guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { return .invalid }
        pos += 1
        skipper.skipWhitespace()
        guard pos < buf.count else { return .invalid }
        return index.map { .known($0) } ?? .unknown
    }

    /// `null` (spelled as the parser reads it) at `pos`, passed.
    private mutating func null() -> Bool {
        guard pos + 4 <= buf.count, buf[pos] == UInt8(ascii: "n"), buf[pos + 1] == UInt8(ascii: "u"),
              buf[pos + 2] == UInt8(ascii: "l"), buf[pos + 3] == UInt8(ascii: "l") else { return false }
        pos += 4
        return true
    }

    /// A number at `pos` as the parser reads it (nil for anything else).
    private mutating func number() -> JSONValue? {
        let c = buf[pos]
        guard c == UInt8(ascii: "-") || c &- UInt8(ascii: "0") < 10 else { return nil }
        return JSONParser.number(in: buf, at: &pos)
    }

    /// `WireObject.optionalNumber`: null is nil (`.some(nil)`), a finite number its value;
    /// anything else gives up (nil).
    private mutating func optionalNumber() -> Double?? {
        if null() { return .some(nil) }
        guard let d = number()?.doubleValue, d.isFinite else { return nil }
        return d
    }

    /// `WireObject.optionalInt`, likewise.
    private mutating func optionalInt() -> Int?? {
        if null() { return .some(nil) }
        guard let i = number()?.intValue else { return nil }
        return i
    }

    /// `WireObject.optionalStrings`: null is `.some(nil)`, a list of strings the list.
    private mutating func optionalStrings(depth: Int) -> [String]?? {
        if buf[pos] != UInt8(ascii: "[") {
            return null() ? .some(nil) : nil
        }
        var out: [String] = []
        guard let empty = open(depth: depth, closing: UInt8(ascii: "]")) else { return nil }
        if empty { return out }
        while true {
            skipper.skipWhitespace()
            let quote = pos
            guard skipper.skipString(), let text = string(at: quote..<pos) else { return nil }
            out.append(text)
            guard let more = next(closing: UInt8(ascii: "]")) else { return nil }
            if !more { return out }
        }
    }

    private mutating func health(depth: Int) -> Health? {
        guard buf[pos] == UInt8(ascii: "{") else { return nil }
        let specs = context.specs
        var started: Double?
        var activities = [TaskActivity?](repeating: nil, count: specs.count)
        var httpServer: TaskActivity?
        var errors: [String]?
        var details: [TaskName: TaskDetail]?
        var expiry: Double?
        var seenTasks = false
        var members = MemberReader(depth: depth, keys: Self.healthKeys)
        reading: while true {
            switch nextKnownMember(&members) {
            case .end:
                break reading
            case .invalid:
                return nil
            case .known(let index):
                switch index {
                case 0:
                    guard let v = optionalNumber() else { return nil }
                    started = v
                case 1:
                    guard buf[pos] == UInt8(ascii: "{"), tasks(depth: depth + 1, into: &activities, httpServer: &httpServer)
                    else { return nil }
                    seenTasks = true
                case 2:
                    guard let v = optionalStrings(depth: depth + 1) else { return nil }
                    errors = v
                case 3:
                    guard let v = taskDetails(depth: depth + 1) else { return nil }
                    details = v
                default:
                    guard let v = optionalNumber() else { return nil }
                    expiry = v
                }
            }
        }
        guard seenTasks else { return nil }
        var tasks = [TaskName: TaskActivity](minimumCapacity: specs.count)
        for (spec, activity) in zip(specs, activities) {
            guard let activity else { return nil }
            tasks[spec.name] = activity
        }
        return Health(startedEpochSecs: started, tasks: tasks, httpServer: httpServer, errors: errors ?? [],
                      taskDetail: details, certificateExpiryEpochSecs: expiry)
    }

    /// `health.tasks`: each catalog task's activity (by registration index) and the HTTP server's.
    private mutating func tasks(depth: Int, into activities: inout [TaskActivity?], httpServer: inout TaskActivity?) -> Bool {
        let keys = context.keys.healthTasks
        var members = MemberReader(depth: depth, keys: keys)
        while true {
            switch nextKnownMember(&members) {
            case .end:
                return true
            case .invalid:
                return false
            case .known(let task):
                guard let activity = activity() else { return false }
                if task < activities.count { activities[task] = activity } else { httpServer = activity }
            }
        }
    }

    /// `"active"` or `"inactive"`, spelled without escapes.
    private mutating func activity() -> TaskActivity? {
        let quote = pos
        guard skipper.skipString(), !skipper.stringHadEscape else { return nil }
        let text = UnsafeBufferPointer(rebasing: buf[(quote + 1)..<(pos - 1)])
        if text.elementsEqual(Self.activeBytes) { return .active }
        if text.elementsEqual(Self.inactiveBytes) { return .inactive }
        return nil
    }

    /// `health.task_detail`: null is nil (`.some(nil)`), an object the catalog's tasks' details
    /// (a task whose detail is null has none).
    private mutating func taskDetails(depth: Int) -> [TaskName: TaskDetail]?? {
        if buf[pos] != UInt8(ascii: "{") {
            return null() ? .some(nil) : nil
        }
        let specs = context.specs
        let keys = context.keys.tasks
        var details = [TaskName: TaskDetail](minimumCapacity: specs.count)
        var members = MemberReader(depth: depth, keys: keys)
        while true {
            switch nextKnownMember(&members) {
            case .end:
                // (Not `return details` from a `[...]??` function spelled otherwise: a bare
                // nil there would be `.some(nil)`, a null.)
                return .some(details)
            case .invalid:
                return nil
            case .known(let index):
                if buf[pos] == UInt8(ascii: "{") {
                    guard let detail = taskDetail(depth: depth + 1) else { return nil }
                    details[specs[index].name] = detail
                } else {
                    guard null() else { return nil }
                }
            }
        }
    }

    private mutating func taskDetail(depth: Int) -> TaskDetail? {
        var detail = TaskDetail()
        var members = MemberReader(depth: depth, keys: Self.detailKeys)
        while true {
            switch nextKnownMember(&members) {
            case .end:
                return detail
            case .invalid:
                return nil
            case .known(let index):
                switch index {
                case 0, 3:
                    guard let v = optionalNumber() else { return nil }
                    if index == 0 { detail.intervalSecs = v } else { detail.lastSuccessEpochSecs = v }
                default:
                    guard let v = optionalInt() else { return nil }
                    switch index {
                    case 1: detail.restarts = v
                    case 2: detail.consecutiveFailures = v
                    default: detail.failures = v
                    }
                }
            }
        }
    }

    /// A task's record; `data` must have the task's shape or be null, and is summarized.
    private mutating func record(_ spec: TaskSpec, depth: Int) -> TaskRecord? {
        guard buf[pos] == UInt8(ascii: "{") else { return nil }
        forgetSummary(of: spec.name)
        var record = TaskRecord()
        var members = MemberReader(depth: depth, keys: Self.recordKeys)
        while true {
            switch nextKnownMember(&members) {
            case .end:
                return record
            case .invalid:
                return nil
            case .known(let index):
                switch index {
                case 0, 1:
                    guard let v = optionalNumber() else { return nil }
                    if index == 0 { record.scrapeTimestamp = v } else { record.scrapeDurationSecs = v }
                case 2:
                    guard let v = optionalStrings(depth: depth + 1) else { return nil }
                    record.scrapeErrors = v
                default:
                    switch (buf[pos], spec.dataShape) {
                    case (UInt8(ascii: "{"), .object), (UInt8(ascii: "["), .array):
                        guard let data = summarized(spec.name, depth: depth + 1) else { return nil }
                        record.data = .value(data)
                    default:
                        guard null() else { return nil }
                        record.data = .null
                    }
                }
            }
        }
    }
}
