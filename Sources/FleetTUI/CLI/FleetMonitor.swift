import Common
import Synchronization

/// The fleet's shared state between the poller thread (which folds results in) and the thread
/// that draws or prints. Classification (JSON parsing) happens outside the lock.
final class FleetMonitor: Sendable {
    private let state: Mutex<FleetState>
    private let changed = Atomic<Bool>(true)
    /// The host whose detail view is open (-1: none): its polls are decoded in full.
    private let viewedHost = Atomic<Int>(-1)
    /// Why the source cannot read the fleet now (Prometheus unreachable, a query refused).
    private let sourceProblem = Mutex<(text: String?, fresh: Bool)>((nil, false))
    let thresholds: Thresholds
    let catalog: TaskCatalog

    init(_ fleet: FleetState) {
        state = Mutex(fleet)
        thresholds = fleet.thresholds
        catalog = fleet.catalog
    }

    func fold(_ result: PollResult) {
        let depth: DetailDepth = result.hostIndex == viewedHost.load(ordering: .acquiring) ? .full : .summary
        let classification = HostClassifier.classify(result, thresholds: thresholds, catalog: catalog, depth: depth)
        state.withLock { $0.fold(classification, hostIndex: result.hostIndex) }
        changed.store(true, ordering: .releasing)
    }

    /// Decode this host's polls in full from now on (nil: no detail view is open). Returns
    /// true when the host changed, so the caller can ask for a poll at once.
    func setViewedHost(_ host: Int?) -> Bool {
        viewedHost.exchange(host ?? -1, ordering: .acquiringAndReleasing) != (host ?? -1)
    }

    /// Samples classified elsewhere (a Prometheus round), after appending the hosts the batch
    /// is the first to name: their indices continue from the current host count.
    func fold(_ batch: [(hostIndex: Int, classification: Classification)], appending newHosts: [HostEntry]) {
        state.withLock { fleet in
            for entry in newHosts { fleet.appendHost(entry) }
            for (i, classification) in batch { fleet.fold(classification, hostIndex: i) }
        }
        changed.store(true, ordering: .releasing)
    }

    /// A problem of the source (nil: solved); the dashboard shows it once in its footer.
    func reportSourceProblem(_ text: String?) {
        sourceProblem.withLock { p in
            if p.text != text { p = (text, text != nil) }
        }
    }

    /// The source's problem, once after it was reported.
    func takeSourceProblem() -> String? {
        sourceProblem.withLock { p in
            guard p.fresh else { return nil }
            p.fresh = false
            return p.text
        }
    }

    /// The source's problem as of now (for `fleet check`).
    var currentSourceProblem: String? { sourceProblem.withLock { $0.text } }

    /// A copy to draw from (copy-on-write: cheap until the poller's next fold, which then
    /// copies every host's record; see `read`).
    func snapshot() -> FleetState { state.withLock { $0 } }

    /// Runs `body` on the state under the lock, so no result is folded meanwhile and none has
    /// to copy the records afterwards (a snapshot alive while results arrive costs a copy of
    /// every host's record: 4 MB at 10,000 hosts, each frame). `body` must be quick and must
    /// not call the monitor.
    func read<R>(_ body: (FleetState) -> R) -> R {
        state.withLock { body($0) }
    }

    /// True once since the last call when something was folded in.
    func takeChanged() -> Bool { changed.exchange(false, ordering: .acquiringAndReleasing) }

    var completedSweeps: Int { state.withLock { $0.sweep.completedSweeps } }
    /// The completed sweeps and the results folded in them.
    var sweepCounts: (sweeps: Int, polls: Int) { state.withLock { ($0.sweep.completedSweeps, $0.sweep.polledInCompletedSweeps) } }

    /// Events numbered `first` and later (those still held), each with its host's name and
    /// address as they are now, and the number to ask for next. Copies only the new events, so
    /// it is cheap to call often.
    func events(from first: Int) -> (events: [(event: FleetEvent, host: String, address: String)], next: Int) {
        state.withLock { fleet in
            guard fleet.events.total > first else { return ([], first) }
            let new = fleet.events.since(first).map { ($0, fleet.name(of: $0.hostIndex), fleet.endpoint(of: $0.hostIndex)) }
            return (new, fleet.events.total)
        }
    }
}

/// Sets up TLS, the open-files limit and the poller for a set of inputs.
enum PollerSetup {
    static func make(_ inputs: FleetInputs, monitor: FleetMonitor, keepAlive: Bool, intervalSecs: Double) throws -> (Poller, [String]) {
        let plan = try plan(inputs, keepAlive: keepAlive, intervalSecs: intervalSecs)
        let poller = try Poller(targets: plan.targets, settings: plan.settings, connectionBudget: plan.budget) { result in
            monitor.fold(result)
        }
        return (poller, plan.notes)
    }

    /// The same hosts over `loops` pollers, each on its own thread (`PollerGroup`).
    static func makeGroup(_ inputs: FleetInputs, monitor: FleetMonitor, keepAlive: Bool, intervalSecs: Double,
                          loops: Int) throws -> (PollerGroup, [String]) {
        let plan = try plan(inputs, keepAlive: keepAlive, intervalSecs: intervalSecs)
        let group = try PollerGroup(targets: plan.targets, settings: plan.settings, connectionBudget: plan.budget,
                                    loops: loops) { result in
            monitor.fold(result)
        }
        return (group, plan.notes)
    }

    private static func plan(_ inputs: FleetInputs, keepAlive: Bool, intervalSecs: Double) throws
        -> (targets: [PollTarget], settings: PollerSettings, budget: Int, notes: [String])
    {
        var notes: [String] = []
        let limits = OpenFileLimit.raiseToHard()
        let budget = PollSchedule.connectionBudget(openFilesLimit: limits.soft)
        if inputs.hosts.count > budget {
            notes.append("note: \(inputs.hosts.count) hosts but the open-files limit is \(limits.soft) (hard \(limits.hard)): "
                + "at most \(budget) connections stay open; raise it with 'ulimit -n' or LimitNOFILE= to keep all alive")
        }
        let targets: [PollTarget]
        do { targets = try inputs.targets(now: Clock.wallSeconds()) } catch {
            throw UsageError("the configured certificate cannot be trusted for TLS: \(error)")
        }
        let settings = PollerSettings(
            intervalSecs: intervalSecs, timeoutSecs: inputs.timeoutSecs, maxInFlight: min(inputs.maxInFlight, budget),
            keepAlive: keepAlive, resultThreads: ResultWorkers.defaultCount)
        return (targets, settings, budget, notes)
    }
}
