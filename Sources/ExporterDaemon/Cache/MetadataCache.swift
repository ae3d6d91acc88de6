import Common
import Synchronization

/// The bytes every route serves, built once per update. A request only picks them.
final class CacheSnapshot: Sendable {
    let catalog: TaskCatalog
    let health: Health
    let taskBodies: [TaskName: [UInt8]]
    let healthBody: [UInt8]
    /// `{"health": ..., "host": ..., "daemons": ..., "disks": ...}` spliced from the parts'
    /// bytes, so a task update serializes only that task.
    let metadataBody: [UInt8]
    /// The scrape-driven part of `/metrics` (task metrics, start time, build and host facts);
    /// a request appends only its counters (`LiveMetrics`).
    let metricsBody: [UInt8]

    init(catalog: TaskCatalog, health: Health, records: [TaskName: TaskRecord], taskBodies: [TaskName: [UInt8]],
         healthBody: [UInt8], facts: HostFactsGauges?) {
        (self.catalog, self.health, self.taskBodies, self.healthBody) = (catalog, health, taskBodies, healthBody)
        metadataBody = MetadataDocument.splice(health: healthBody, records: catalog.names.map { ($0, taskBodies[$0] ?? []) })
        metricsBody = SnapshotMetrics.body(catalog: catalog, health: health, records: records, facts: facts)
    }
}

/// Per-task records and health, plus their pre-serialized responses. Writers (task threads,
/// supervisor) rebuild the changed parts under the lock and swap in a new snapshot; readers
/// (the event loop) take the current snapshot reference and never wait for a scrape.
final class MetadataCache: Sendable {
    private struct State {
        var health: Health
        var records: [TaskName: TaskRecord]
        var taskBodies: [TaskName: [UInt8]]
        var healthBody: [UInt8]
        /// From the host task's data; re-read only when those bytes change.
        var facts: HostFactsGauges?
        var factsSource: [UInt8] = []
    }

    let catalog: TaskCatalog
    private let state: Mutex<State>
    private let current: Mutex<CacheSnapshot>

    init(startedEpochSecs: Double, intervals: [TaskName: Double], catalog: TaskCatalog = .standard) {
        self.catalog = catalog
        let health = Health(startedEpochSecs: startedEpochSecs, catalog: catalog, intervals: intervals)
        var records: [TaskName: TaskRecord] = [:]
        var bodies: [TaskName: [UInt8]] = [:]
        for name in catalog.names {
            records[name] = .empty
            bodies[name] = TaskRecord.empty.serialized()
        }
        let s = State(health: health, records: records, taskBodies: bodies, healthBody: health.serialized())
        state = Mutex(s)
        current = Mutex(CacheSnapshot(catalog: catalog, health: health, records: records, taskBodies: bodies,
                                      healthBody: s.healthBody, facts: nil))
    }

    /// The current bytes (a reference copy: O(1)).
    func snapshot() -> CacheSnapshot { current.withLock { $0 } }

    func record(_ task: TaskName) -> TaskRecord { state.withLock { $0.records[task] ?? .empty } }
    func health() -> Health { state.withLock { $0.health } }

    /// Replaces a task's record and/or changes health, then republishes.
    func update(task: TaskName? = nil, record: (TaskRecord) -> TaskRecord = { $0 }, health change: (inout Health) -> Void = { _ in }) {
        state.withLock { s in
            if let task {
                let r = record(s.records[task] ?? .empty)
                s.records[task] = r
                s.taskBodies[task] = r.serialized()
                if task == .host, case .serialized(let facts)? = r.data, facts != s.factsSource {
                    // A failed scrape (data null) keeps the last facts: the host is still the same host.
                    s.facts = HostFactsGauges(factsJSON: facts)
                    s.factsSource = facts
                }
            }
            let before = s.health
            change(&s.health)
            if s.health != before { s.healthBody = s.health.serialized() }
            let snap = CacheSnapshot(catalog: catalog, health: s.health, records: s.records, taskBodies: s.taskBodies,
                                     healthBody: s.healthBody, facts: s.facts)
            current.withLock { $0 = snap }
        }
    }
}
