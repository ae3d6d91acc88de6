import Common
import Synchronization

/// The bytes every route serves, built once per update. A request only picks them.
final class CacheSnapshot: Sendable {
    let health: HealthState
    let taskBodies: [TaskName: [UInt8]]
    let healthBody: [UInt8]
    let metadataBody: [UInt8]

    init(health: HealthState, taskBodies: [TaskName: [UInt8]], healthBody: [UInt8], metadataBody: [UInt8]) {
        self.health = health
        self.taskBodies = taskBodies
        self.healthBody = healthBody
        self.metadataBody = metadataBody
    }
}

/// Per-task records and health, plus their pre-serialized responses. Writers (task threads,
/// supervisor) rebuild the changed parts under the lock and swap in a new snapshot; readers
/// (the event loop) take the current snapshot reference and never wait for a scrape.
final class MetadataCache: Sendable {
    private struct State {
        var health: HealthState
        var records: [TaskName: TaskRecord]
        var taskBodies: [TaskName: [UInt8]]
        var healthBody: [UInt8]
    }

    private let state: Mutex<State>
    private let current: Mutex<CacheSnapshot>

    init(startedEpochSecs: Double, intervals: [TaskName: Double]) {
        let health = HealthState(startedEpochSecs: startedEpochSecs, intervals: intervals)
        var records: [TaskName: TaskRecord] = [:]
        var bodies: [TaskName: [UInt8]] = [:]
        for t in TaskName.allCases {
            records[t] = .empty
            bodies[t] = TaskRecord.empty.serialized()
        }
        let s = State(health: health, records: records, taskBodies: bodies, healthBody: JSONWriter.compact(health.json))
        state = Mutex(s)
        current = Mutex(MetadataCache.snapshot(of: s))
    }

    /// The current bytes (a reference copy: O(1)).
    func snapshot() -> CacheSnapshot { current.withLock { $0 } }

    func record(_ task: TaskName) -> TaskRecord { state.withLock { $0.records[task] ?? .empty } }
    func health() -> HealthState { state.withLock { $0.health } }

    /// Replaces a task's record and/or changes health, then republishes.
    func update(task: TaskName? = nil, record: (TaskRecord) -> TaskRecord = { $0 }, health change: (inout HealthState) -> Void = { _ in }) {
        state.withLock { s in
            if let task {
                let r = record(s.records[task] ?? .empty)
                s.records[task] = r
                s.taskBodies[task] = r.serialized()
            }
            let before = s.health
            change(&s.health)
            if s.health != before { s.healthBody = JSONWriter.compact(s.health.json) }
            let snap = MetadataCache.snapshot(of: s)
            current.withLock { $0 = snap }
        }
    }

    /// `{"health": ..., "host": ..., "daemons": ..., "disks": ...}` spliced from the parts'
    /// bytes, so a task update serializes only that task.
    private static func snapshot(of s: State) -> CacheSnapshot {
        var body: [UInt8] = []
        let parts: [(String, [UInt8])] = [
            ("health", s.healthBody),
            ("host", s.taskBodies[.host] ?? []),
            ("daemons", s.taskBodies[.daemons] ?? []),
            ("disks", s.taskBodies[.disks] ?? []),
        ]
        body.reserveCapacity(parts.reduce(16) { $0 + $1.1.count + 16 })
        body.append(UInt8(ascii: "{"))
        for (i, (key, bytes)) in parts.enumerated() {
            if i > 0 { body.append(contentsOf: ", ".utf8) }
            body.append(contentsOf: "\"\(key)\": ".utf8)
            body.append(contentsOf: bytes)
        }
        body.append(UInt8(ascii: "}"))
        return CacheSnapshot(health: s.health, taskBodies: s.taskBodies, healthBody: s.healthBody, metadataBody: body)
    }
}
