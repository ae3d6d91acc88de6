/// The `/v1/metadata` document: `{"health": <health>, "<task>": <record>, ...}` with the task
/// records in catalog order (`host`, `daemons`, `disks` for Pacific's three). The exporter splices
/// it from serialized parts; the fleet decodes it.
public struct MetadataDocument: Sendable, Equatable {
    public var health: Health
    public var records: [TaskName: TaskRecord]

    public static let healthKey = WireKey.health

    public init(health: Health, records: [TaskName: TaskRecord]) {
        self.health = health
        self.records = records
    }

    /// A task's record; `{}` when the document has none for it.
    public func record(_ task: TaskName) -> TaskRecord { records[task] ?? .empty }

    /// The document from parts already serialized, so an update re-serializes only what changed.
    public static func splice(health: [UInt8], records: [(TaskName, [UInt8])]) -> [UInt8] {
        var out = WireObjectWriter(capacity: records.reduce(health.count + 64) { $0 + $1.1.count + 16 })
        out.field(healthKey, raw: health)
        for (name, bytes) in records { out.field(name.rawValue, raw: bytes) }
        return out.finish()
    }

    /// The compact JSON, records in `catalog`'s order.
    public func serialized(catalog: TaskCatalog) -> [UInt8] {
        Self.splice(health: health.serialized(), records: catalog.names.map { ($0, record($0).serialized()) })
    }

    public static func decode(_ body: some Collection<UInt8>, catalog: TaskCatalog = .standard)
        throws(MetadataWireError) -> MetadataDocument
    {
        let value: JSONValue
        do { value = try JSONParser.parse(body) } catch { throw .notJSON(error) }
        return try decode(value, catalog: catalog)
    }

    /// Tolerant where exporters legitimately differ (Pacific sends no `task_detail`, a record is
    /// `{}` before its first scrape, unknown keys are ignored); strict where a wrong shape would
    /// make the dashboard lie (a task state that is neither "active" nor "inactive", a timestamp
    /// that is not a number, a missing record).
    public static func decode(_ value: JSONValue, catalog: TaskCatalog = .standard) throws(MetadataWireError)
        -> MetadataDocument
    {
        let root = try WireObject(value, at: "")
        let health = try Health.decode(try root.required(healthKey), catalog: catalog)
        var records: [TaskName: TaskRecord] = [:]
        for spec in catalog.specs {
            records[spec.name] = try TaskRecord.decode(try root.required(spec.name.rawValue), spec: spec)
        }
        return MetadataDocument(health: health, records: records)
    }
}
