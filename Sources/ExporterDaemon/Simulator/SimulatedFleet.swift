import Common

/// N exporters in one process, each on its own port, served by the real server and cache
/// code on one event loop; their "scrapes" are timers that refresh synthetic data.
final class SimulatedFleet {
    struct Member {
        let name: String
        let shape: HostShape
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

    init(loop: EventLoop, logger: Logger, intervals: [TaskName: Double]) {
        self.loop = loop
        self.logger = logger
        self.intervals = intervals
    }

    /// Binds every member's port and publishes its first data. Throws on the first port that
    /// cannot be bound (the message names it).
    func start(count: Int, basePort: Int, bind: String, seed: UInt64, fsid: String, token: String,
               tls: TLSContext, slowDelaySecs: Double, only: SimulatedBehaviour?, profile: HostProfile, firstHost: Int = 0) throws {
        let now = Clock.wallSeconds()
        let pool = SyntheticDiskPool(seed: seed, clusterFSID: fsid)
        members.reserveCapacity(count)
        for k in 0..<count {
            // Host i of the seeded fleet; a fleet split over processes gives each a range.
            let i = firstHost + k
            let behaviour = only ?? SimulatedBehaviour.choose(index: i, seed: seed)
            let host = SyntheticHost(index: i, seed: seed, fsid: fsid, now: now, profile: profile, pool: pool)
            let data = host.dataJSON
            let port = basePort + k
            guard behaviour != .refusing else {
                members.append(Member(name: host.name, shape: host.shape, port: port, behaviour: behaviour, cache: nil, server: nil, dataJSON: data))
                continue
            }
            let cache = MetadataCache(startedEpochSecs: now - Double(i % 600), intervals: intervals)
            let exporter = ExporterHTTPHandler(
                cache: cache, token: behaviour == .wrongToken ? "not-the-fleet-token-\(i)" : token, logger: logger,
                certificateNotAfter: tls.certificate?.notAfterEpoch)
            let handler: HTTPServerDelegate = behaviour == .slow
                ? SlowHostDelegate(wrapping: exporter, loop: loop, delaySecs: slowDelaySecs) : exporter
            let server = HTTPServer(loop: loop, tlsContext: tls, configuration: HTTPServerConfiguration(), delegate: handler)
            do {
                try server.start(listening: try Sockets.listen(bind: bind, port: port))
            } catch {
                throw SimulatorError(description: "simulated host \(i) (\(host.name)) cannot listen on \(bind):\(port): \(error)")
            }
            retainedHandlers.append(handler)
            let member = Member(name: host.name, shape: host.shape, port: port, behaviour: behaviour, cache: cache, server: server, dataJSON: data)
            members.append(member)
            Self.initialState(member, now: now)
        }
        sharedDiskSets = pool.count
        sharedBytes = pool.sharedBytes
        for task in TaskCatalog.standard.names { scheduleRefresh(task) }
    }

    /// Descriptors for `exporters` listeners, as many client connections, and some to spare:
    /// 10,000 exporters polled by a dashboard need more than the usual hard limit.
    static func descriptorsNeeded(exporters: Int) -> UInt64 { UInt64(exporters) * 2 + 256 }

    /// How many disk sets the members share, and the bytes serialized once from them.
    private(set) var sharedDiskSets = 0
    private(set) var sharedBytes = 0

    /// The `/v1/metadata` body host `index` of `profile` serves once its first scrapes are in,
    /// as a healthy simulated exporter (`simulate --dump-body`).
    static func metadataBody(index: Int, profile: HostProfile, seed: UInt64, fsid: String, intervals: [TaskName: Double]) -> [UInt8] {
        let now = Clock.wallSeconds()
        let host = SyntheticHost(index: index, seed: seed, fsid: fsid, now: now, profile: profile,
                                 pool: SyntheticDiskPool(seed: seed, clusterFSID: fsid))
        let cache = MetadataCache(startedEpochSecs: now - 600, intervals: intervals)
        initialState(Member(name: host.name, shape: host.shape, port: 0, behaviour: .healthy, cache: cache, server: nil,
                            dataJSON: host.dataJSON), now: now)
        return cache.snapshot().metadataBody
    }

    /// HTTPServer keeps its delegate weakly; the fleet owns the handlers.
    private var retainedHandlers: [HTTPServerDelegate] = []

    /// Each task's first scrape, and its health (one cache update per task).
    private static func initialState(_ m: Member, now: Double) {
        guard let cache = m.cache else { return }
        for task in TaskCatalog.standard.names {
            let dead = m.behaviour == .allDead || (m.behaviour == .deadTask && task == .disks)
            scrape(m, task, at: now - 1, active: !dead)
            if dead {
                let stamp = LocalTime.stamp(epochSeconds: now)
                cache.update(task: task, record: {
                    $0.failed(with: "RuntimeError exception: Failed command: ceph-volume inventory --format=json: device scan failed")
                }, health: { h in
                    h.tasks[task] = .inactive
                    h.appendError("\(task.rawValue) stopped at \(stamp)")
                    h.recordFailure(of: task, consecutive: 1)
                })
            }
        }
        cache.update(health: { $0.httpServer = .active })
    }

    private static func scrape(_ m: Member, _ task: TaskName, at wall: Double, active: Bool = true) {
        guard let cache = m.cache, let data = m.dataJSON[task] else { return }
        let duration = task == .disks ? 1.8 : task == .daemons ? 0.35 : 0.012
        cache.update(task: task, record: { _ in
            .success(timestamp: wall, duration: duration, errors: [], dataJSON: data)
        }, health: { h in
            if active { h.tasks[task] = .active }
            h.recordSuccess(of: task, finishedAt: wall + duration)
        })
    }

    /// Healthy members get fresh records every interval; stale ones stop after the first. The
    /// members are refreshed in slices spread over the interval, as real exporters' scrapes
    /// are spread, so 10,000 of them never hold the loop for one long turn.
    private func scheduleRefresh(_ task: TaskName) {
        let interval = intervals[task] ?? TaskCatalog.standard.defaultIntervalSecs(of: task)
        let slices = max(1, min(members.count, 50, Int(interval / 0.01)))
        refreshSlice(task, slice: 0, of: slices, every: interval / Double(slices))
    }

    private func refreshSlice(_ task: TaskName, slice: Int, of slices: Int, every step: Double) {
        loop.schedule(after: step) { [self] in
            let now = Clock.wallSeconds()
            for i in stride(from: slice, to: members.count, by: slices) {
                let m = members[i]
                if m.behaviour == .healthy || m.behaviour == .slow || m.behaviour == .wrongToken
                    || (m.behaviour == .deadTask && task != .disks) {
                    Self.scrape(m, task, at: now)
                }
            }
            refreshSlice(task, slice: (slice + 1) % slices, of: slices, every: step)
        }
    }

    /// `name port behaviour` lines, for the demo's host list and for tests.
    var summary: [String] { members.map { "\($0.name) \($0.port) \($0.behaviour.rawValue)" } }
}

struct SimulatorError: Error, CustomStringConvertible {
    let description: String
}
