import Common
import Synchronization

/// What one scrape produced: the `data` value and the non-fatal problems met on the way
/// (they become the record's `scrape_errors`).
struct ScrapeOutput: Sendable {
    var data: JSONValue
    var errors: [String] = []
}

/// One data-gathering task. Adding a task is a new conforming type plus one line in
/// `TaskRegistry` (and its `TaskSpec` in Common, which the fleet reads too). Its route, its
/// place in `/v1/metadata`, its health entry and its dashboard column follow from the spec. A
/// scrape that cannot produce data throws; the supervisor records the error.
protocol GatherTask: Sendable {
    var spec: TaskSpec { get }
    func scrape(_ context: ScrapeContext) throws -> ScrapeOutput
}

extension GatherTask {
    var name: TaskName { spec.name }
}

/// Passed to every scrape: the deadline the supervisor enforces (on the supervisor's clock) and a
/// cancellation flag that long-running work (child processes) must honour, so a hung scrape can
/// be cut off.
final class ScrapeContext: Sendable {
    let clock: any TimeSource
    /// On `clock`'s monotonic scale.
    let deadline: UInt64
    private let cancelled = Atomic<Bool>(false)

    init(clock: any TimeSource = SystemClock(), timeoutSecs: Double) {
        self.clock = clock
        self.deadline = clock.monotonicNanos(after: timeoutSecs)
    }

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }
    func cancel() { cancelled.store(true, ordering: .releasing) }

    /// Seconds left before the deadline (never negative): the budget of the commands it runs.
    var remainingSecs: Double {
        let now = clock.monotonicNanos()
        return deadline > now ? Clock.seconds(fromNanos: deadline - now) : 0
    }
}

/// The file-system root that every reader of /proc, /sys, /etc and /var/lib/ceph goes through,
/// so tests can point the tasks at a fixture tree.
struct SystemRoot: Sendable, Equatable {
    let root: String

    init(_ root: String = "/") { self.root = root }

    /// `path("/proc/cpuinfo")` → `<root>/proc/cpuinfo`.
    func path(_ absolute: String) -> String {
        if root == "/" || root.isEmpty { return absolute }
        let trimmed = root.hasSuffix("/") ? String(root.dropLast()) : root
        return trimmed + (absolute.hasPrefix("/") ? absolute : "/" + absolute)
    }
}
