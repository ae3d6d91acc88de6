import Common
import Glibc

/// `cephadm-exporter run`: the daemon.
enum RunCommand {
    static let options: [OptionSpec] = ExporterInstance.options(idHelp: "daemon id", unitDir: false) + [
        .value("--port", name: "PORT", help: "HTTPS port, 1025-65535; 0 picks a free one (logged)", default: "9443", range: 0...65535),
        .value("--bind", name: "ADDR", help: "listen on this address only", defaultHelp: "all IPv6 and IPv4 addresses"),
    ] + intervalOptions(range: 0.01...86_400) + [
        .value("--ceph-volume", name: "CMD", help: DiskInventoryTask.optionHelp, defaultHelp: DiskInventoryTask.optionDefault),
        .value("--task-timeout", name: "SECS", help: "cut off a scrape after this long", defaultHelp: "4x its interval, at least 10", range: 0.01...86_400),
        .value("--restart-policy", name: "POLICY", help: "on-failure or never: restart a failed task with backoff", default: "on-failure"),
        .value("--restart-backoff", name: "SECS", help: "first restart delay, doubling up to 300", default: "10", range: 0.01...3600),
        .value("--log-level", name: "LEVEL", help: "debug, info, warning or error", default: "info"),
        .value("--root", name: "DIR", help: "read /proc, /sys, /etc and the data dir under DIR (for tests)", default: "/"),
        .flag("--no-tls-resumption", help: "disable TLS session tickets and cache (full handshakes; benchmarks)"),
        .flag("--help", "-h", help: "show this help"),
    ]

    /// `--<task>-interval SECS` for every task of the catalog, defaulting to the task's own interval.
    static func intervalOptions(range: ClosedRange<Double>, catalog: TaskCatalog = .standard) -> [OptionSpec] {
        catalog.specs.map { spec in
            .value("--\(spec.name)-interval", name: "SECS", help: "\(spec.summary) refresh interval",
                   default: DecimalText.seconds(spec.defaultIntervalSecs), range: range)
        }
    }

    /// The intervals the `intervalOptions` give.
    static func intervals(_ p: ParsedArguments, catalog: TaskCatalog = .standard) throws(UsageError) -> [TaskName: Double] {
        var intervals: [TaskName: Double] = [:]
        for spec in catalog.specs { intervals[spec.name] = try p.doubleValue("--\(spec.name)-interval") }
        return intervals
    }

    static let help = HelpText.render(
        usage: "cephadm-exporter run --fsid FSID [--id ID] [--port 9443] [options]",
        summary: "Serve this host's metadata (host facts, Ceph daemons, disks) over HTTPS on /v1/metadata,\nrefreshed by background tasks, authenticated with a Bearer token.",
        options: options,
        footer: "Exit status: 0 after SIGTERM/SIGINT; 1 when it cannot start (each reason is logged); 2 on bad arguments.\nSignals: SIGHUP re-reads crt, key and token (and ca.crt, token.prev, mtls) and reopens the log file.")

    static func run(_ args: [String]) -> Int32 {
        let parsed: ParsedArguments
        let settings: ExporterSettings
        do {
            guard let given = try ParsedArguments.unlessHelp(args, options: options, print: { Console.out($0, newline: false) }, help: help)
            else { return 0 }
            parsed = given
            settings = try makeSettings(parsed)
        } catch {
            Console.err("cephadm-exporter run: \(error)")
            return 2
        }
        return start(settings)
    }

    static func makeSettings(_ p: ParsedArguments) throws(UsageError) -> ExporterSettings {
        let instance = try ExporterInstance(options: p)
        let port = try p.intValue("--port")
        // 0 asks the kernel for a free port (tests); any other port follows the config's rule.
        if port != 0, let problem = ExporterConfig.checkPortOption(String(port), option: "--port") { throw UsageError(problem) }
        if let bind = p.string("--bind"), SocketAddress(ip: bind, port: port) == nil {
            throw UsageError("--bind: '\(bind)' is not an IPv4 or IPv6 address")
        }
        let policyName = try p.stringValue("--restart-policy")
        guard let policy = RestartPolicy(rawValue: policyName) else {
            throw UsageError("--restart-policy: '\(policyName)' is not one of on-failure, never")
        }
        let levelName = try p.stringValue("--log-level")
        guard let level = LogLevel(name: levelName) else {
            throw UsageError("--log-level: '\(levelName)' is not one of debug, info, warning, error")
        }
        let intervals = try intervals(p)
        let timeout = try p.double("--task-timeout")
        let root = SystemRoot(try p.stringValue("--root"))
        let tasks = TaskRegistry.make(root: root, dataDir: instance.dataDir, cephVolume: p.string("--ceph-volume"))
        let schedules = tasks.map { task in
            let interval = intervals[task.name] ?? task.spec.defaultIntervalSecs
            return TaskSchedule(task: task, intervalSecs: interval, timeoutSecs: timeout ?? Supervision.defaultTimeout(interval: interval))
        }
        return ExporterSettings(
            instance: instance, port: port, bind: p.string("--bind"), schedules: schedules, restartPolicy: policy,
            backoff: Backoff(baseSecs: try p.doubleValue("--restart-backoff"), maxSecs: 300),
            logLevel: level, tlsResumption: !p.has("--no-tls-resumption"))
    }

    /// Start-up checks, every problem logged on its own line, then the service. The port is bound
    /// first (a busy port is reported with the rest) but listened on only once everything is
    /// valid, so a refused start never completes a TCP handshake.
    static func start(_ settings: ExporterSettings) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let logger = Logger(component: "cephadm-exporter", level: settings.logLevel)
        let fileLog = openLogFile(settings.instance, logger: logger)
        logger.info("cephadm exporter starting for FSID '\(settings.instance.fsid)' (daemon dir \(settings.instance.daemonDir))")

        var problems: [String] = []
        var fds: [Int32] = []
        do {
            fds = try Sockets.bind(settings.bind, port: settings.port)
        } catch NetError.addressInUse {
            problems.append("TCP port \(settings.port) already in use, unable to bind")
        } catch {
            problems.append("cannot listen on port \(settings.port): \(error)")
        }
        var credentials: DaemonCredentials?
        switch settings.instance.loadCredentials(resumption: settings.tlsResumption) {
        case .success(let c): credentials = c
        case .failure(let p): problems.append(contentsOf: p.lines)
        }
        if problems.isEmpty {
            do { try Sockets.startListening(fds) } catch { problems.append("cannot listen on port \(settings.port): \(error)") }
        }
        guard problems.isEmpty, let credentials else {
            logger.error("Unable to start the exporter daemon")
            for p in problems { logger.error(p) }
            for fd in fds { close(fd) }
            return 1
        }
        // Enough descriptors for every connection plus the tasks' files, or fewer connections.
        var settings = settings
        let fitted = OpenFileLimit.fit(connectionCap: settings.maxConnections)
        for line in fitted.log { logger.log(line.level, line.message) }
        settings.maxConnections = fitted.cap
        let service = ExporterService(settings: settings, logger: logger, fileLog: fileLog, credentials: credentials)
        let pidFile = DaemonPidFile(instance: settings.instance)
        if let problem = pidFile.write() { logger.warning(problem) }
        defer { pidFile.remove() }
        return service.run(listening: fds)
    }

    /// The log file is best effort: without it the daemon still logs to stderr (journald).
    private static func openLogFile(_ instance: ExporterInstance, logger: Logger) -> FileLogBackend? {
        for dir in [instance.logDir, instance.clusterLogDir] where mkdir(dir, ExporterInstance.logDirMode) != 0 && errno != EEXIST {
            logger.warning("cannot create log dir \(dir): \(String(cString: strerror(errno))); logging to stderr only")
            return nil
        }
        do {
            let backend = try FileLogBackend(path: instance.logFile)
            logger.addBackend(backend)
            return backend
        } catch {
            logger.warning("cannot open log file: \(error); logging to stderr only")
            return nil
        }
    }
}
