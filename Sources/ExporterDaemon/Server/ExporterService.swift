import CShims
import Common
import Glibc
import Synchronization

/// Everything `cephadm-exporter run` needs, already validated by the command line parser.
struct ExporterSettings: Sendable {
    var instance: ExporterInstance
    var port: Int
    var bind: String?
    var schedules: [TaskSchedule]
    var restartPolicy: RestartPolicy
    var backoff: Backoff
    var logLevel: LogLevel
    var tlsResumption = true
    /// The server's connection cap (lowered at start when the open-files limit cannot fit it).
    var maxConnections = HTTPServerConfiguration().maxConnections
}

/// The running daemon: the supervisor's task threads, and the HTTPS server on an event loop
/// that also receives signals (signalfd), so every reaction to a signal happens on one thread.
final class ExporterService: @unchecked Sendable {
    // @unchecked: loop-confined. After `run()` starts, `credentials`, `server` and
    // `reloadGeneration` are only touched on the event loop thread (signal handling and the end
    // of a reload run there; `loop` checks it in debug builds); the rest is immutable, atomic or
    // locked.
    private let settings: ExporterSettings
    private let logger: Logger
    private let fileLog: FileLogBackend?
    private var credentials: DaemonCredentials
    private let cache: MetadataCache
    private var server: HTTPServer?
    /// Bumped per SIGHUP; only the newest reload's result is applied.
    private var reloadGeneration = 0
    private let loopHeartbeat = Atomic<UInt64>(0)
    /// Supervisor ticks (about a second each), for the periodic heap trim.
    private let ticks = Atomic<Int>(0)
    private let loopThread = ThreadConfinement()

    init(settings: ExporterSettings, logger: Logger, fileLog: FileLogBackend?, credentials: DaemonCredentials) {
        self.settings = settings
        self.logger = logger
        self.fileLog = fileLog
        self.credentials = credentials
        var intervals: [TaskName: Double] = [:]
        for s in settings.schedules { intervals[s.task.name] = s.intervalSecs }
        cache = MetadataCache(startedEpochSecs: Clock.wallSeconds(), intervals: intervals,
                              catalog: TaskRegistry.catalog(of: settings.schedules.map(\.task)))
    }

    /// Starts the tasks and serves on the bound sockets until SIGTERM/SIGINT. Returns the exit status.
    func run(listening fds: [Int32]) -> Int32 {
        loopThread.bindToCurrentThread()  // loop.run() below runs on this thread
        // Block the signals before any thread exists, so all of them reach the signalfd.
        let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP]
        let sigfd = signals.withUnsafeBufferPointer { cshim_block_signals_fd($0.baseAddress, Int32($0.count)) }
        guard sigfd >= 0 else {
            logger.error("cannot set up signal handling: \(String(cString: strerror(errno)))")
            return 1
        }
        let loop: EventLoop
        do { loop = try EventLoop() } catch {
            logger.error("cannot create the event loop: \(error)")
            return 1
        }
        let handler = ExporterHTTPHandler(cache: cache, token: credentials.token, previousToken: credentials.previousToken, logger: logger)
        var configuration = HTTPServerConfiguration()
        configuration.maxConnections = settings.maxConnections
        let server = HTTPServer(loop: loop, tlsContext: credentials.tlsContext, configuration: configuration, delegate: handler)
        self.server = server
        let supervisor = Supervisor(
            schedules: settings.schedules, cache: cache, policy: settings.restartPolicy, backoff: settings.backoff,
            logger: logger, onTick: { [self] in monitorTick() })
        let signalHandler = SignalHandler(fd: sigfd) { [self] signo in
            switch signo {
            case SIGHUP: beginReload(handler: handler, loop: loop)
            default: shutdown(loop: loop, supervisor: supervisor)
            }
        }
        do {
            try loop.register(fd: sigfd, events: IOEvents.read, handler: signalHandler)
            try server.start(listening: fds)
        } catch {
            logger.error("cannot start the HTTPS server: \(error)")
            return 1
        }
        supervisor.start()
        let expiry = credentials.certificateExpiryEpochSecs
        cache.update(health: { h in
            h.httpServer = .active
            h.certificateExpiryEpochSecs = expiry
        })
        logCredentials(credentials)
        beat(loop)
        let port = fds.first.flatMap { Sockets.localPort($0) } ?? settings.port
        logger.info("https server listening on \(settings.bind ?? "[::]"):\(port)")
        SystemdNotify.send("READY=1\nSTATUS=serving on port \(port)")
        loop.run()
        logger.info("Main http server thread stopped")
        return 0
    }

    private let stopping = Atomic<Bool>(false)

    private func shutdown(loop: EventLoop, supervisor: Supervisor?) {
        loopThread.assertOnOwner("shutdown")
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        logger.info("Shutdown request received")
        SystemdNotify.send("STOPPING=1")
        supervisor?.stop()
        cache.update(health: { $0.httpServer = .inactive })
        server?.shutdown { loop.stop() }
        // In-flight responses get a moment; the process must be gone within 2 s regardless.
        loop.schedule(after: 1.5) { loop.stop() }
    }

    /// SIGHUP: the files are read and checked on a thread of their own (a slow disk, or a FIFO in
    /// place of a file, must not stop serving); the loop only swaps in a validated result.
    private func beginReload(handler: ExporterHTTPHandler, loop: EventLoop) {
        loopThread.assertOnOwner("reload")
        logger.info("Reload request received")
        SystemdNotify.send("RELOADING=1")
        reloadGeneration += 1
        let generation = reloadGeneration
        let instance = settings.instance, resumption = settings.tlsResumption, fileLog = fileLog
        let started = NativeThread.spawn(name: "reload") { [self] in
            fileLog?.reopen()
            let result = instance.loadCredentials(resumption: resumption)
            loop.execute { [self] in finishReload(result, generation: generation, handler: handler) }
        }
        if !started {
            finishReload(.failure(CredentialProblems(lines: ["cannot start a thread to read the files"])),
                         generation: generation, handler: handler)
        }
    }

    private func finishReload(_ result: Result<DaemonCredentials, CredentialProblems>, generation: Int,
                              handler: ExporterHTTPHandler) {
        loopThread.assertOnOwner("reload result")
        defer { SystemdNotify.send("READY=1") }
        guard generation == reloadGeneration else { return }  // a newer SIGHUP's read decides
        switch result {
        case .failure(let problems):
            for line in problems.lines { logger.error("reload rejected: \(line)") }
            logger.warning("keeping the previous certificate, key and token")
        case .success(let fresh):
            let changed = fresh.changes(since: credentials)
            credentials = fresh
            server?.replaceTLSContext(fresh.tlsContext)
            handler.replaceToken(fresh.token, previous: fresh.previousToken)
            let expiry = fresh.certificateExpiryEpochSecs
            cache.update(health: { $0.certificateExpiryEpochSecs = expiry })
            logger.info(changed.isEmpty ? "reload: crt, key and token unchanged" : "reload: new \(changed.joined(separator: ", ")) in use for new connections")
            logCredentials(fresh)
        }
    }

    /// What the credentials mean for clients, once per start and reload (never a secret).
    private func logCredentials(_ c: DaemonCredentials) {
        if c.caPEM != nil {
            logger.info("per-host credentials: certificate \(c.tlsContext.certificate?.commonName.map { "for '\($0)'" } ?? "") issued by the fleet CA"
                + (c.requireClientCertificate ? "; clients must present a certificate from that CA (mutual TLS)" : ""))
        }
        if let previous = c.previousToken {
            let left = previous.expiresEpochSecs - Clock.wallSeconds()
            logger.info(left > 0 ? "the previous token is accepted for \(Int(left)) s more (until \(LocalTime.stamp(epochSeconds: previous.expiresEpochSecs)))"
                                 : "the previous token in token.prev has expired and is refused")
        }
    }

    /// A 1 s timer on the loop proves the loop is turning; the supervisor's tick checks it.
    private func beat(_ loop: EventLoop) {
        loopHeartbeat.store(Clock.monotonicNanos(), ordering: .relaxed)
        loop.schedule(after: 1) { [self] in beat(loop) }
    }

    /// About once a second on the supervisor thread: report the HTTP server's health and ping
    /// systemd's watchdog only while the event loop is responsive. Every 10 s, hand freed heap
    /// pages back (`FreeMemory`): a burst of connections or a large scrape otherwise leaves the
    /// daemon's RSS at its high-water mark.
    private func monitorTick() {
        if ticks.add(1, ordering: .relaxed).newValue % 10 == 0 { FreeMemory.returnToSystem() }
        let age = Double(Clock.monotonicNanos() &- loopHeartbeat.load(ordering: .relaxed)) / 1e9
        let healthy = age < 5
        cache.update(health: { h in
            if !stopping.load(ordering: .relaxed) { h.httpServer = healthy ? .active : .inactive }
        })
        if healthy { SystemdNotify.send("WATCHDOG=1") }
    }
}

/// Reads signals from a signalfd on the event loop.
final class SignalHandler: EventHandler {
    let fd: Int32
    let onSignal: (Int32) -> Void
    init(fd: Int32, onSignal: @escaping (Int32) -> Void) {
        self.fd = fd
        self.onSignal = onSignal
    }
    func handleEvents(_ events: UInt32) {
        while true {
            let signo = cshim_read_signalfd(fd)
            if signo == 0 { return }
            onSignal(signo)
        }
    }
}
