/// A task's `data` as one side holds it: the exporter keeps the bytes its scrape serialized
/// (the cache splices them as they are, so an update serializes only that task); the fleet
/// keeps the decoded value.
public enum TaskData: Sendable, Equatable {
    case serialized([UInt8])
    case value(JSONValue)

    /// `null`: what a failed scrape leaves.
    public static let null = TaskData.value(.null)

    /// The value (the serialized form is parsed; nil when it does not parse).
    public var json: JSONValue? {
        switch self {
        case .value(let v): return v
        case .serialized(let bytes): return try? JSONParser.parse(bytes)
        }
    }

    public var isNull: Bool {
        switch self {
        case .value(let v): return v.isNull
        case .serialized(let bytes): return bytes.elementsEqual("null".utf8)
        }
    }

    func write(into out: inout WireObjectWriter, key: String) {
        switch self {
        case .serialized(let bytes): out.field(key, raw: bytes)
        case .value(let v): out.field(key, v)
        }
    }
}

/// One task's record (`/v1/metadata/<task>`, and its member of `/v1/metadata`): `{}` before the
/// first scrape, then `scrape_timestamp`, `scrape_duration_secs`, `scrape_errors`, `data`, in
/// that order. A failed first scrape has only `scrape_errors` and `data` (Pacific merges those
/// two keys into the record). The exporter encodes it; the fleet decodes it.
public struct TaskRecord: Sendable, Equatable {
    /// Epoch seconds when the scrape started.
    public var scrapeTimestamp: Double?
    public var scrapeDurationSecs: Double?
    /// nil when the key is absent.
    public var scrapeErrors: [String]?
    /// nil when the key is absent (the `{}` record before the first scrape).
    public var data: TaskData?

    public init(scrapeTimestamp: Double? = nil, scrapeDurationSecs: Double? = nil, scrapeErrors: [String]? = nil,
                data: TaskData? = nil) {
        self.scrapeTimestamp = scrapeTimestamp
        self.scrapeDurationSecs = scrapeDurationSecs
        self.scrapeErrors = scrapeErrors
        self.data = data
    }

    /// The `{}` record: the task has not finished a scrape yet.
    public static let empty = TaskRecord()

    public var isEmpty: Bool { scrapeTimestamp == nil && (scrapeErrors ?? []).isEmpty && data == nil }
    public var hasData: Bool { data.map { !$0.isNull } ?? false }
    /// `scrape_errors`, empty when absent.
    public var errors: [String] { scrapeErrors ?? [] }

    /// The record's compact JSON.
    public func serialized() -> [UInt8] {
        var size = 128
        if case .serialized(let bytes)? = data { size += bytes.count }
        var out = WireObjectWriter(capacity: size)
        if let t = scrapeTimestamp { out.field(WireKey.scrapeTimestamp, raw: Array(JSONWriter.formatDouble(t).utf8)) }
        if let d = scrapeDurationSecs { out.field(WireKey.scrapeDurationSecs, raw: Array(JSONWriter.formatDouble(d).utf8)) }
        if let e = scrapeErrors { out.field(WireKey.scrapeErrors, .array(e.map { .string($0) })) }
        data?.write(into: &out, key: WireKey.data)
        return out.finish()
    }

    /// Decodes the record of `spec`'s task; `data` must have the task's shape (or be null).
    public static func decode(_ value: JSONValue, spec: TaskSpec) throws(MetadataWireError) -> TaskRecord {
        let o = try WireObject(value, at: spec.name.rawValue)
        var record = TaskRecord(
            scrapeTimestamp: try o.optionalNumber(WireKey.scrapeTimestamp),
            scrapeDurationSecs: try o.optionalNumber(WireKey.scrapeDurationSecs),
            scrapeErrors: try o.optionalStrings(WireKey.scrapeErrors))
        if let data = o.object[WireKey.data] {
            switch (spec.dataShape, data) {
            case (_, .null), (.object, .object), (.array, .array):
                record.data = .value(data)
            case (.object, _):
                throw .unexpectedShape(path: o.pathOf(WireKey.data), expected: "an object or null", found: WireObject.describe(data))
            case (.array, _):
                throw .unexpectedShape(path: o.pathOf(WireKey.data), expected: "an array or null", found: WireObject.describe(data))
            }
        }
        return record
    }
}
