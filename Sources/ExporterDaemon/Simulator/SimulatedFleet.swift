import Common

/// N exporters in one process, each on its own port, served by the real server and cache
/// code on one event loop; their "scrapes" are timers that refresh synthetic data.
final class SimulatedFleet {
    struct Member {
        let name: String
        let port: Int
        let behaviour: SimulatedBehaviour
        let cache: MetadataCache?
        let server: HTTPServer?
        let dataJSON: [TaskName: [UInt8]]
    }

    private let loop: EventLoop
    private let logger: Logger
    private(set) var members: [Member] = []
    private let intervals: [TaskName: Double]
    private let started = Clock.wallSeconds()

    init(loop: EventLoop, logger: Logger, intervals: [TaskName: Double]) {
        self.loop = loop
        self.logger = logger
        self.intervals = intervals
    }

    /// Binds every member's port and publishes its first data. Throws on the first port that
    /// cannot be bound (the message names it).
    func start(count: Int, basePort: Int, bind: String, seed: UInt64, fsid: String, token: String,
               tls: TLSContext, slowDelaySecs: Double, only: SimulatedBehaviour?) throws {
        let now = Clock.wallSeconds()
        for i in 0..<count {
            let behaviour = only ?? SimulatedBehaviour.choose(index: i, seed: seed)
            let host = SyntheticHost(index: i, seed: seed, fsid: fsid, now: now)
            let data: [TaskName: [UInt8]] = [
                .host: JSONWriter.compact(host.facts), .disks: JSONWriter.compact(host.disks), .daemons: JSONWriter.compact(host.daemons),
            ]
            let port = basePort + i
            guard behaviour != .refusing else {
                members.append(Member(name: host.name, port: port, behaviour: behaviour, cache: nil, server: nil, dataJSON: data))
                continue
            }
            let cache = MetadataCache(startedEpochSecs: now - Double(i % 600), intervals: intervals)
            let exporter = ExporterHTTPHandler(
                cache: cache, token: behaviour == .wrongToken ? "not-the-fleet-token-\(i)" : token, logger: logger)
            let handler: HTTPServerDelegate = behaviour == .slow
                ? SlowHostDelegate(wrapping: exporter, loop: loop, delaySecs: slowDelaySecs) : exporter
            let server = HTTPServer(loop: loop, tlsContext: tls, configuration: HTTPServerConfiguration(), delegate: handler)
            do {
                try server.start(listening: try Sockets.listen(bind: bind, port: port))
            } catch {
                throw SimulatorError(description: "simulated host \(i) (\(host.name)) cannot listen on \(bind):\(port): \(error)")
            }
            retainedHandlers.append(handler)
            let member = Member(name: host.name, port: port, behaviour: behaviour, cache: cache, server: server, dataJSON: data)
            members.append(member)
            initialState(member, now: now)
        }
        for task in TaskName.allCases { scheduleRefresh(task) }
    }

    /// HTTPServer keeps its delegate weakly; the fleet owns the handlers.
    private var retainedHandlers: [HTTPServerDelegate] = []

    private func initialState(_ m: Member, now: Double) {
        guard let cache = m.cache else { return }
        for task in TaskName.allCases {
            let dead = m.behaviour == .allDead || (m.behaviour == .deadTask && task == .disks)
            scrape(m, task, at: now - 1)
            if dead {
                let stamp = LocalTime.stamp(epochSeconds: now)
                cache.update(task: task, record: {
                    $0.failed(with: "RuntimeError exception: Failed command: ceph-volume inventory --format=json: device scan failed")
                }, health: { h in
                    h.tasks[task] = .inactive
                    h.appendError("\(task.rawValue) stopped at \(stamp)")
                    h.details[task]?.consecutiveFailures = 1
                })
            } else {
                cache.update(health: { $0.tasks[task] = .active })
            }
        }
        cache.update(health: { $0.httpServer = .active })
    }

    private func scrape(_ m: Member, _ task: TaskName, at wall: Double) {
        guard let cache = m.cache, let data = m.dataJSON[task] else { return }
        let duration = task == .disks ? 1.8 : task == .daemons ? 0.35 : 0.012
        cache.update(task: task, record: { _ in
            .success(timestamp: wall, duration: duration, errors: [], dataJSON: data)
        }, health: { h in
            h.details[task]?.lastSuccessEpochSecs = wall + duration
            h.details[task]?.consecutiveFailures = 0
        })
    }

    /// Healthy members get fresh records every interval; stale ones stop after the first.
    private func scheduleRefresh(_ task: TaskName) {
        let interval = intervals[task] ?? task.defaultIntervalSecs
        loop.schedule(after: interval) { [self] in
            let now = Clock.wallSeconds()
            for m in members where m.behaviour == .healthy || m.behaviour == .slow || m.behaviour == .wrongToken
                || (m.behaviour == .deadTask && task != .disks) {
                scrape(m, task, at: now)
            }
            scheduleRefresh(task)
        }
    }

    /// `name port behaviour` lines, for the demo's host list and for tests.
    var summary: [String] { members.map { "\($0.name) \($0.port) \($0.behaviour.rawValue)" } }
}

struct SimulatorError: Error, CustomStringConvertible {
    let description: String
}
