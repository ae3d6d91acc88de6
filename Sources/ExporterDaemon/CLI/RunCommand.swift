import Common
import Glibc

/// `cephadm-exporter run`: the daemon.
enum RunCommand {
    static let options: [OptionSpec] = [
        .value("--fsid", name: "FSID", help: "cluster fsid (required)"),
        .value("--id", name: "ID", help: "daemon id", default: "the short host name"),
        .value("--port", name: "PORT", help: "HTTPS port; 0 picks a free one (logged)", default: "9443"),
        .value("--bind", name: "ADDR", help: "listen on this address only", default: "all IPv6 and IPv4 addresses"),
        .value("--data-dir", name: "DIR", help: "where DIR/FSID/cephadm-exporter.ID/{crt,key,token} live", default: "/var/lib/ceph"),
        .value("--log-dir", name: "DIR", help: "log file is DIR/FSID/cephadm-exporter.ID.log", default: "/var/log/ceph"),
        .value("--host-interval", name: "SECS", help: "host facts refresh interval", default: "5"),
        .value("--daemons-interval", name: "SECS", help: "daemon list refresh interval", default: "20"),
        .value("--disks-interval", name: "SECS", help: "disk inventory refresh interval", default: "20"),
        .value("--ceph-volume", name: "CMD", help: "command run as 'CMD inventory --format=json'", default: "ceph-volume if on PATH, else a native /sys/block inventory"),
        .value("--task-timeout", name: "SECS", help: "cut off a scrape after this long", default: "4x its interval, at least 10"),
        .value("--restart-policy", name: "POLICY", help: "on-failure or never: restart a failed task with backoff", default: "on-failure"),
        .value("--restart-backoff", name: "SECS", help: "first restart delay, doubling up to 300", default: "10"),
        .value("--log-level", name: "LEVEL", help: "debug, info, warning or error", default: "info"),
        .value("--root", name: "DIR", help: "read /proc, /sys, /etc and the data dir under DIR (for tests)", default: "/"),
        .flag("--no-tls-resumption", help: "disable TLS session tickets and cache (full handshakes; benchmarks)"),
        .flag("--help", "-h", help: "show this help"),
    ]

    static let help = HelpText.render(
        usage: "cephadm-exporter run --fsid FSID [--id ID] [--port 9443] [options]",
        summary: "Serve this host's metadata (host facts, Ceph daemons, disks) over HTTPS on /v1/metadata,\nrefreshed by background tasks, authenticated with a Bearer token.",
        options: options,
        footer: "Exit status: 0 after SIGTERM/SIGINT; 1 when it cannot start (each reason is logged); 2 on bad arguments.\nSignals: SIGHUP re-reads crt, key and token and reopens the log file.")

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
        let fsid = try p.required("--fsid")
        guard fsid.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw UsageError("--fsid: '\(fsid)' may contain only letters, digits, '-' and '_'")
        }
        let id = p.string("--id") ?? HostName.short()
        guard !id.isEmpty, !id.contains("/") else { throw UsageError("--id: '\(id)' is not a valid daemon id") }
        let port = try p.int("--port", range: 0...65535) ?? 9443
        if let bind = p.string("--bind"), SocketAddress(ip: bind, port: port) == nil {
            throw UsageError("--bind: '\(bind)' is not an IPv4 or IPv6 address")
        }
        let policyName = p.string("--restart-policy") ?? "on-failure"
        guard let policy = RestartPolicy(rawValue: policyName) else {
            throw UsageError("--restart-policy: '\(policyName)' is not one of on-failure, never")
        }
        let levelName = p.string("--log-level") ?? "info"
        guard let level = LogLevel(name: levelName) else {
            throw UsageError("--log-level: '\(levelName)' is not one of debug, info, warning, error")
        }
        var intervals: [TaskName: Double] = [:]
        for t in TaskName.allCases {
            intervals[t] = try p.double("--\(t.rawValue)-interval", range: 0.01...86_400) ?? t.defaultIntervalSecs
        }
        let timeout = try p.double("--task-timeout", range: 0.01...86_400)
        let root = SystemRoot(p.string("--root") ?? "/")
        let dataDir = p.string("--data-dir") ?? "/var/lib/ceph"
        let tasks = TaskRegistry.make(
            root: root, dataDir: dataDir, fsid: fsid, cephVolume: p.string("--ceph-volume"))
        let schedules = tasks.map { task in
            let interval = intervals[task.name] ?? task.name.defaultIntervalSecs
            return TaskSchedule(task: task, intervalSecs: interval, timeoutSecs: timeout ?? Supervision.defaultTimeout(interval: interval))
        }
        return ExporterSettings(
            fsid: fsid, id: id, port: port, bind: p.string("--bind"), dataDir: dataDir,
            logDir: p.string("--log-dir") ?? "/var/log/ceph", schedules: schedules, restartPolicy: policy,
            backoff: Backoff(baseSecs: try p.double("--restart-backoff", range: 0.01...3600) ?? 10, maxSecs: 300),
            logLevel: level, tlsResumption: !p.has("--no-tls-resumption"))
    }

    /// Start-up checks (every problem logged, one line each), then the service.
    static func start(_ settings: ExporterSettings) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let logger = Logger(component: "cephadm-exporter", level: settings.logLevel)
        let fileLog = openLogFile(settings, logger: logger)
        logger.info("cephadm exporter starting for FSID '\(settings.fsid)' (daemon dir \(settings.daemonDir))")

        var problems: [String] = []
        var fds: [Int32] = []
        do {
            fds = try Sockets.listen(bind: settings.bind, port: settings.port)
        } catch NetError.addressInUse {
            problems.append("TCP port \(settings.port) already in use, unable to bind")
        } catch {
            problems.append("cannot listen on port \(settings.port): \(error)")
        }
        var credentials: DaemonCredentials?
        switch DaemonCredentials.load(from: settings.daemonDir, resumption: settings.tlsResumption) {
        case .success(let c): credentials = c
        case .failure(let p): problems.append(contentsOf: p.lines)
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
        return service.run(listening: fds)
    }

    /// The log file is best effort: without it the daemon still logs to stderr (journald).
    private static func openLogFile(_ settings: ExporterSettings, logger: Logger) -> FileLogBackend? {
        let dir = "\(settings.logDir)/\(settings.fsid)"
        if mkdir(settings.logDir, 0o770) != 0 && errno != EEXIST {
            logger.warning("cannot create log dir \(settings.logDir): \(String(cString: strerror(errno))); logging to stderr only")
            return nil
        }
        if mkdir(dir, 0o770) != 0 && errno != EEXIST {
            logger.warning("cannot create log dir \(dir): \(String(cString: strerror(errno))); logging to stderr only")
            return nil
        }
        do {
            let backend = try FileLogBackend(path: settings.logFile)
            logger.addBackend(backend)
            return backend
        } catch {
            logger.warning("cannot open log file: \(error); logging to stderr only")
            return nil
        }
    }
}

enum HostName {
    /// The host name up to its first dot (Pacific's default daemon id).
    static func short() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, 255) == 0 else { return "localhost" }
        let name = String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(name.split(separator: ".").first ?? "localhost")
    }
}
