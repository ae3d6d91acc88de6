import Common
import Dispatch
import Synchronization

/// A host to poll.
struct PollTarget: Sendable {
    let index: Int
    let name: String
    let address: String
    let port: Int
    var credentials: TargetCredentials
}

/// How one host is reached: the TLS context (shared by many hosts), the name its certificate
/// must carry (per-host mode; nil trusts the configured certificate as it is), and the tokens
/// to present, the current one first and during a rotation the previous one after it.
struct TargetCredentials: Sendable {
    let tls: TLSContext
    let expectedPeerName: String?
    let tokens: [String]
}

struct PollerSettings: Sendable {
    var intervalSecs: Double = 5
    var timeoutSecs: Double = 2
    var maxInFlight = 256
    var path = "/v1/metadata"
    /// Keep connections open between polls (dashboard); a one-shot check does not.
    var keepAlive = true
    /// Threads that classify results (read the bodies) beside the loop thread; 0: on the loop.
    var resultThreads = 0
}

/// Polls every host on one event loop thread: one kept-alive TLS connection per host,
/// a deadline per request, start times spread across the interval, bounded concurrency,
/// backoff for hosts that fail. Results go to `onResult` on a result worker thread (in order
/// for each host; on the poller thread when `resultThreads` is 0).
final class Poller: @unchecked Sendable {
    // @unchecked: all mutable state below is touched only on the loop thread; the public
    // controls hop onto it with `loop.execute`.
    private let loop: EventLoop
    private var settings: PollerSettings
    private let targets: [PollTarget]
    private let results: ResultWorkers
    private var hosts: [HostSlot] = []
    private var waiting: [Int] = []
    private var waitingHead = 0
    private var inFlight = 0
    private var openConnections = 0
    private let connectionBudget: Int
    private var paused = false
    private let resolver = Resolver()
    private let readBuffer = ReadBuffer()
    /// A metadata body of a host with hundreds of disks is well under 1 MiB; the cap keeps a
    /// misbehaving host from making the poller buffer more than this per connection.
    private let responseLimits = HTTPResponseLimits(maxBodyBytes: 8 << 20)
    /// Every request's first line and `Host: ` (before the host), and its lines after the token.
    private let requestHead: [UInt8]
    private let requestTail: [UInt8]
    private let running = Atomic<Bool>(false)
    /// Signalled once the loop thread has closed its connections and the result workers have
    /// handled what they held: `stop` waits for it, so the process never exits (and OpenSSL
    /// never cleans up) under a thread that is still in a TLS call.
    private let finished = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)

    /// One per host, for the life of the poller: it names its target by position in `targets`
    /// rather than holding a copy of it (80 bytes a host).
    private final class HostSlot {
        let position: Int
        var credentials: TargetCredentials
        var connection: HTTPSClientConnection?
        var address: SocketAddress?
        var timer: UInt64?
        var failures = 0
        var queued = false
        var busy = false
        var resolving = false
        init(position: Int, target: PollTarget) {
            self.position = position
            self.credentials = target.credentials
        }
    }

    init(targets: [PollTarget], settings: PollerSettings, connectionBudget: Int,
         onResult: @escaping @Sendable (PollResult) -> Void) throws {
        self.loop = try EventLoop()
        self.settings = settings
        requestHead = Array("GET \(settings.path) HTTP/1.1\r\nHost: ".utf8)
        requestTail = Array(("User-Agent: cephadm-fleet\r\nAccept: application/json\r\n"
            + (settings.keepAlive ? "" : "Connection: close\r\n") + "\r\n").utf8)
        self.targets = targets
        self.connectionBudget = max(1, connectionBudget)
        self.results = ResultWorkers(count: settings.resultThreads, handler: onResult)
    }

    /// Starts the loop thread; the first poll of each host happens at its spread offset, or at
    /// once when `spread` is false (one-shot check).
    func start(spread: Bool = true) {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        NativeThread.spawn(name: "poller") { [self] in
            hosts = targets.indices.map { HostSlot(position: $0, target: targets[$0]) }
            loop.atEndOfEachTurn { [results] in results.flush() }
            for slot in hosts {
                let key = "\(targets[slot.position].address):\(targets[slot.position].port)"
                let offset = spread ? PollSchedule.offset(for: key, intervalSecs: settings.intervalSecs) : 0
                schedule(slot, after: offset)
            }
            loop.run()
            for slot in hosts { slot.connection?.disconnect() }
            results.stop()
            results.join()
            finished.signal()
        }
    }

    /// Stops polling and returns once the poller's threads are done (at once if never started).
    func stop() {
        loop.stop()
        guard running.load(ordering: .acquiring), !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        finished.wait()
    }

    func setPaused(_ value: Bool) { loop.execute { [self] in paused = value } }

    /// Polls every host now (the dashboard's `r`), keeping each host's slot afterwards.
    func pollAllNow() {
        loop.execute { [self] in
            for slot in hosts where !slot.busy { schedule(slot, after: 0) }
        }
    }

    /// Polls one host now (its detail view opened), unless a poll of it is under way.
    func pollNow(_ index: Int) {
        loop.execute { [self] in
            guard hosts.indices.contains(index), !hosts[index].busy, !hosts[index].queued else { return }
            schedule(hosts[index], after: 0)
        }
    }

    func setInterval(_ secs: Double) {
        loop.execute { [self] in settings.intervalSecs = secs }
    }

    /// New credentials for every target, by target index (after a rotation): the next request
    /// carries the new tokens, the next connection uses the new TLS context; an open connection
    /// keeps its verified session.
    func updateCredentials(_ credentials: [TargetCredentials]) {
        loop.execute { [self] in
            for (slot, c) in zip(hosts, credentials) {
                slot.credentials = c
                slot.connection?.useTLS(c.tls, expectedPeerName: c.expectedPeerName)
            }
        }
    }

    // MARK: loop thread

    /// The request carrying the `token`-th token (tried in order when the exporter answers
    /// 401). Built for each poll rather than kept per host: 10,000 hosts would hold 2.5 MB of
    /// request bytes between polls. Assembled from bytes (the fixed head lines are made once),
    /// not through string interpolation: this runs for every poll on the loop thread.
    private func request(for slot: HostSlot, token: Int) -> [UInt8] {
        let t = targets[slot.position]
        let tokens = slot.credentials.tokens
        let chosen = tokens.isEmpty ? nil : tokens[min(token, tokens.count - 1)]
        var out: [UInt8] = []
        out.reserveCapacity(requestHead.count + t.address.utf8.count + 8 + (chosen.map { $0.utf8.count + 24 } ?? 0) + requestTail.count)
        out.append(contentsOf: requestHead)
        let bracketed = t.address.contains(":") && !t.address.hasPrefix("[")
        if bracketed { out.append(UInt8(ascii: "[")) }
        out.append(contentsOf: t.address.utf8)
        if bracketed { out.append(UInt8(ascii: "]")) }
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: String(t.port).utf8)
        out.append(contentsOf: "\r\n".utf8)
        if let chosen {
            out.append(contentsOf: "Authorization: Bearer ".utf8)
            out.append(contentsOf: chosen.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: requestTail)
        return out
    }

    private func schedule(_ slot: HostSlot, after secs: Double) {
        if let t = slot.timer { loop.cancelTimer(t) }
        slot.timer = loop.schedule(after: secs) { [weak self, weak slot] in
            guard let self, let slot else { return }
            slot.timer = nil
            self.due(slot)
        }
    }

    private func due(_ slot: HostSlot) {
        if paused {
            schedule(slot, after: settings.intervalSecs)
            return
        }
        guard !slot.busy, !slot.queued else { return }
        if inFlight >= settings.maxInFlight {
            slot.queued = true
            waiting.append(slot.position)
            return
        }
        begin(slot)
    }

    private func begin(_ slot: HostSlot) {
        guard let address = slot.address else { return resolve(slot) }
        slot.busy = true
        inFlight += 1
        let connection: HTTPSClientConnection
        if let c = slot.connection {
            connection = c
        } else {
            connection = HTTPSClientConnection(loop: loop, address: address, tls: slot.credentials.tls,
                                               expectedPeerName: slot.credentials.expectedPeerName,
                                               limits: responseLimits, readBuffer: readBuffer)
            slot.connection = connection
        }
        let wasOpen = connection.isConnected
        send(slot, on: connection, token: 0, wasOpen: wasOpen, startedWall: Clock.wallSeconds(), startedMono: Clock.monotonicNanos())
    }

    /// Sends with the `token`-th token. A 401 while a later token remains (a rotation's previous
    /// token) is retried with it at once, within the same poll: the new token is always tried
    /// first, and a host not yet given it never shows AUTH.
    private func send(_ slot: HostSlot, on connection: HTTPSClientConnection, token: Int, wasOpen: Bool,
                      startedWall: Double, startedMono: UInt64) {
        connection.send(request(for: slot, token: token), timeout: settings.timeoutSecs) { [weak self, weak slot] result in
            guard let self, let slot else { return }
            if case .success(let r) = result, r.head.status == 401, token + 1 < slot.credentials.tokens.count {
                return self.send(slot, on: connection, token: token + 1, wasOpen: wasOpen, startedWall: startedWall, startedMono: startedMono)
            }
            let latency = Double(Clock.monotonicNanos() &- startedMono) / 1e9
            self.finished(slot, wasOpen: wasOpen, startedWall: startedWall, latency: latency, result: result)
        }
    }

    private func finished(_ slot: HostSlot, wasOpen: Bool, startedWall: Double, latency: Double,
                          result: Result<ClientResponse, ClientFailure>) {
        slot.busy = false
        inFlight -= 1
        let outcome: PollOutcome
        switch result {
        case .success(let r):
            slot.failures = 0
            outcome = .response(status: r.head.status, dateHeader: r.head.header("Date"), body: r.body)
        case .failure(let f):
            slot.failures += 1
            outcome = .failed(f)
        }
        // Track open connections so a fleet larger than the descriptor budget still polls.
        let isOpen = slot.connection?.isConnected ?? false
        if isOpen && !wasOpen { openConnections += 1 }
        if !isOpen && wasOpen { openConnections -= 1 }
        if isOpen && (!settings.keepAlive || openConnections > connectionBudget) {
            slot.connection?.disconnect()
            openConnections -= 1
        }
        results.submit(PollResult(hostIndex: targets[slot.position].index, startedAt: startedWall, latencySecs: latency, outcome: outcome))
        schedule(slot, after: PollSchedule.nextDelay(intervalSecs: settings.intervalSecs, consecutiveFailures: slot.failures))
        startWaiting()
    }

    private func startWaiting() {
        while inFlight < settings.maxInFlight && waitingHead < waiting.count {
            let slot = hosts[waiting[waitingHead]]
            waitingHead += 1
            slot.queued = false
            begin(slot)
        }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
        }
    }

    /// Literal addresses resolve at once; names go to the resolver thread (getaddrinfo blocks).
    private func resolve(_ slot: HostSlot) {
        let t = targets[slot.position]
        if let literal = SocketAddress(ip: t.address, port: t.port) {
            slot.address = literal
            return begin(slot)
        }
        guard !slot.resolving else { return }
        slot.resolving = true
        inFlight += 1
        let started = Clock.wallSeconds()
        let position = slot.position
        resolver.resolve(host: t.address, port: t.port) { [weak self] result in
            self?.loop.execute { [weak self] in
                guard let self else { return }
                let slot = self.hosts[position]
                slot.resolving = false
                self.inFlight -= 1
                switch result {
                case .success(let addrs):
                    slot.address = addrs.first
                    self.begin(slot)
                case .failure(let e):
                    slot.failures += 1
                    self.results.submit(PollResult(hostIndex: t.index, startedAt: started, latencySecs: 0, outcome: .failed(.resolve("\(e)"))))
                    self.schedule(slot, after: PollSchedule.nextDelay(intervalSecs: self.settings.intervalSecs, consecutiveFailures: slot.failures))
                    self.startWaiting()
                }
            }
        }
    }
}

/// Resolves host names on its own thread, one at a time, so the event loop never blocks.
final class Resolver: Sendable {
    private let queue = Mutex<[(String, Int, @Sendable (Result<[SocketAddress], NetError>) -> Void)]>([])
    private let started = Atomic<Bool>(false)
    private let signal = DispatchSemaphore(value: 0)

    func resolve(host: String, port: Int, completion: @escaping @Sendable (Result<[SocketAddress], NetError>) -> Void) {
        queue.withLock { $0.append((host, port, completion)) }
        if !started.exchange(true, ordering: .acquiringAndReleasing) {
            NativeThread.spawn(name: "resolver") { [self] in
                while true {
                    signal.wait()
                    while let job = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                        job.2(SocketAddress.resolve(host: job.0, port: job.1))
                    }
                }
            }
        }
        signal.signal()
    }
}
