/// What a poll reads of the tasks' `data` besides its kind, for `MetadataDocument.summarize`:
/// one string member of an object `data` (the facts' `hostname`), and a count of one string
/// member over the object items of an array `data` that pass a filter (the daemons' `fsid`,
/// of those whose `style` is `cephadm:v1`). Read from the bytes as they are validated: no
/// value is built for the items, and no String for a value that repeats the one before it. A
/// class: the skimmer reads it at every record, and a struct of a dozen Strings and arrays
/// would be copied (and each of them retained) each time.
public final class MetadataSummaryPlan: Sendable {
    /// The task whose object `data` holds `textKey`.
    public let textTask: TaskName?
    public let textKey: String
    public let tally: Tally?

    public struct Tally: Sendable {
        public let task: TaskName
        /// Items count when this member is the string `filterValue` (compared as Swift Strings).
        public let filterKey: String
        public let filterValue: String
        /// The member whose non-empty string values are counted.
        public let countKey: String

        public init(task: TaskName, filterKey: String, filterValue: String, countKey: String) {
            self.task = task
            self.filterKey = filterKey
            self.filterValue = filterValue
            self.countKey = countKey
        }
    }

    let textKeys: JSONKeySet
    let tallyKeys: JSONKeySet
    let filterBytes: [UInt8]

    public init(text: (task: TaskName, key: String)? = nil, tally: Tally? = nil) {
        textTask = text?.task
        textKey = text?.key ?? ""
        self.tally = tally
        textKeys = JSONKeySet([textKey])
        tallyKeys = JSONKeySet([tally?.filterKey ?? "", tally?.countKey ?? ""])
        filterBytes = Array((tally?.filterValue ?? "").utf8)
    }
}

/// A `/v1/metadata` body as a poll reads it (`MetadataDocument.summarize`).
public struct MetadataSummary: Sendable, Equatable {
    /// Health and the records' own fields in full; each `data` reduced to its kind (an empty
    /// object or array, or null or the scalar itself), so shape checks and "has data" hold.
    public var document: MetadataDocument
    /// The plan's text member, when `data` is an object holding it as a string (the last of
    /// duplicates, as the parser keeps it).
    public var text: String?
    /// The plan's tally: the runs of counted items whose values have the same bytes, in
    /// document order (a host's daemons nearly always make one run). Values that are
    /// canonically equal but spelled differently stay apart, for the caller to merge as it
    /// compares Strings.
    public var tally: [TallyEntry]

    public struct TallyEntry: Sendable, Equatable {
        public let value: String
        public internal(set) var count: Int
    }

    public init(document: MetadataDocument, text: String?, tally: [TallyEntry]) {
        self.document = document
        self.text = text
        self.tally = tally
    }
}

extension MetadataSummary.TallyEntry {
    public init(_ value: String, count: Int) {
        self.value = value
        self.count = count
    }
}

extension MetadataSummary {
    /// The summary of a decoded document: what `summarize` reads from the bytes, computed from
    /// the values (the reference the differential tests hold `summarize` to).
    public init(decoded: MetadataDocument, plan: MetadataSummaryPlan) {
        document = decoded
        for (task, record) in decoded.records {
            guard case .value(let data)? = record.data else { continue }
            document.records[task]?.data = .value(Self.kind(of: data))
        }
        text = nil
        tally = []
        if let task = plan.textTask, case .object(let o)? = decoded.record(task).data?.json {
            text = o[plan.textKey]?.stringValue
        }
        guard let rule = plan.tally, case .array(let items)? = decoded.record(rule.task).data?.json else { return }
        for item in items where item[rule.filterKey]?.stringValue == rule.filterValue {
            guard let value = item[rule.countKey]?.stringValue, !value.isEmpty else { continue }
            if let run = tally.indices.last, JSONObject.sameBytes(tally[run].value, value) {
                tally[run].count += 1
            } else {
                tally.append(TallyEntry(value, count: 1))
            }
        }
    }

    /// What a summary keeps of a task's `data`: an object or an array emptied, null or a
    /// scalar as it is.
    static func kind(of data: JSONValue) -> JSONValue {
        switch data {
        case .object: return .object(JSONObject())
        case .array: return .array([])
        default: return data
        }
    }
}

extension MetadataDocument {
    /// The health, the records and what `plan` reads of the tasks' data, from one validating
    /// pass over the bytes: the same verdict and error as `decode` for every body, and on
    /// success exactly `MetadataSummary(decoded: decode(body), plan: plan)`. What every poll does.
    public static func summarize(_ body: [UInt8], catalog: TaskCatalog = .standard, plan: MetadataSummaryPlan)
        throws(MetadataWireError) -> MetadataSummary
    {
        // A body in the exporter's usual shape is read straight into typed values; anything
        // else (an error, a duplicate or escaped key, a null where decode is strict) takes the
        // value path below, which gives decode's verdict and message.
        let typed: MetadataSummary? = body.withUnsafeBufferPointer { buf in
            var skimmer = MetadataSkimmer(buf: buf, catalog: catalog, summary: plan)
            return skimmer.typedDocument().map { MetadataSummary(document: $0, text: skimmer.text, tally: skimmer.tally) }
        }
        if let typed { return typed }
        let skimmed: (JSONValue, String?, [MetadataSummary.TallyEntry])? = body.withUnsafeBufferPointer { buf in
            var skimmer = MetadataSkimmer(buf: buf, catalog: catalog, summary: plan)
            guard let value = skimmer.document() else { return nil }
            return (value, skimmer.text, skimmer.tally)
        }
        if let (value, text, tally) = skimmed {
            return MetadataSummary(document: try decode(value, catalog: catalog), text: text, tally: tally)
        }
        // Not JSON: the full parser says where and why. (Should it accept what the skimmer
        // refused, its verdict stands: the skimmer never makes a good body bad.)
        return MetadataSummary(decoded: try decode(body, catalog: catalog), plan: plan)
    }
}
