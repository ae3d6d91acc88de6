import Common
import Synchronization

/// The dashboard's and the check's data from a Prometheus server instead of polling every
/// host: every interval one round of queries (`PrometheusClient.round`) on its own event loop
/// thread; each target's reading is classified as a poll would be and folded into the
/// `FleetMonitor`, hosts appearing as the job gains targets. The same controls as the poller.
final class PrometheusSource: FleetSource, @unchecked Sendable {
    // @unchecked: everything mutable is touched only on the loop thread; the controls hop onto
    // it with `loop.execute`.
    private let loop: EventLoop
    private let client: PrometheusClient
    private let monitor: FleetMonitor
    private var intervalSecs: Double
    private var paused = false
    private var busy = false
    private var timer: UInt64?
    private var hosts = PrometheusHostMap()
    private let running = Atomic<Bool>(false)
    /// Rounds completed (successful or not): `fleet check` waits for the first.
    let rounds = Atomic<Int>(0)

    init(settings: PrometheusSettings, monitor: FleetMonitor, intervalSecs: Double) throws {
        loop = try EventLoop()
        client = try PrometheusClient(loop: loop, settings: settings)
        self.monitor = monitor
        self.intervalSecs = intervalSecs
    }

    func start(spread: Bool) {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        NativeThread.spawn(name: "prometheus") { [self] in
            loop.execute { [self] in round() }
            loop.run()
        }
    }

    func stop() { loop.stop() }
    func setPaused(_ value: Bool) { loop.execute { [self] in paused = value } }
    func pollAllNow() { loop.execute { [self] in round() } }
    func setInterval(_ secs: Double) { loop.execute { [self] in intervalSecs = secs } }
    /// Prometheus answers for the whole fleet at once: a round.
    func pollNow(_ index: Int) { pollAllNow() }

    private func round() {
        if let t = timer { loop.cancelTimer(t) }
        timer = loop.schedule(after: intervalSecs) { [weak self] in self?.round() }
        guard !paused, !busy else { return }
        busy = true
        client.round(at: Clock.wallSeconds()) { [self] result in
            busy = false
            switch result {
            case .success(let readings):
                fold(readings)
                monitor.reportSourceProblem(nil)
            case .failure(let error):
                monitor.reportSourceProblem(error.description)
            }
            rounds.add(1, ordering: .releasing)
        }
    }

    private func fold(_ readings: [PrometheusTargetReading]) {
        let (newHosts, batch) = hosts.classify(readings, job: client.settings.job, thresholds: monitor.thresholds,
                                               catalog: monitor.catalog, now: Clock.wallSeconds())
        monitor.fold(batch, appending: newHosts)
    }
}

/// Which host each target of the job is, for the whole session: a target keeps its index, a
/// new one is appended (WAIT until Prometheus has scraped it), one gone from the job is DOWN.
/// Pure.
struct PrometheusHostMap {
    private(set) var indexByInstance: [String: Int] = [:]

    mutating func classify(_ readings: [PrometheusTargetReading], job: String, thresholds: Thresholds, catalog: TaskCatalog,
                           now: Double) -> (newHosts: [HostEntry], batch: [(hostIndex: Int, classification: Classification)]) {
        var newHosts: [HostEntry] = []
        var batch: [(hostIndex: Int, classification: Classification)] = []
        var seen = Set<Int>()
        for r in readings {
            let index: Int
            if let i = indexByInstance[r.instance] {
                index = i
            } else {
                index = indexByInstance.count
                indexByInstance[r.instance] = index
                newHosts.append(PrometheusRound.hostEntry(instance: r.instance, line: index + 1))
            }
            seen.insert(index)
            if let c = HostClassifier.classify(r, thresholds: thresholds, catalog: catalog) { batch.append((index, c)) }
        }
        for (instance, index) in indexByInstance.sorted(by: { $0.value < $1.value }) where !seen.contains(index) {
            let gone = HostSample(status: .down, startedAt: now, latencySecs: 0, httpStatus: nil, skewSecs: nil, tasks: [],
                                  error: "no longer a target of job '\(job)' in Prometheus (\(instance))")
            batch.append((index, Classification(sample: gone, detail: nil)))
        }
        return (newHosts, batch)
    }
}
