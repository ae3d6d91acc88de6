import CShims
import Common
import Glibc

/// `fleet dashboard` (the default): the live ncurses view of the fleet.
enum DashboardCommand {
    static let options: [OptionSpec] = FleetInputs.options + DashboardOptions.options + [
        .flag("--help", "-h", help: "show this help"),
    ]

    static let help = HelpText.render(
        usage: "fleet [dashboard] --hosts FILE [--config FILE] [options]\n       fleet [dashboard] --prometheus URL [options]",
        summary: "Poll /v1/metadata on every host and show the fleet's health: status, per-task state and data age,\nlatency (last and p95), clock skew and the last error per host, and every change as an event.",
        options: options,
        footer: """
            Keys: arrows/j/k PgUp/PgDn Home/End/G move; Enter host detail (on a group row: fold/unfold);
                  s/S sort column / reverse; / filter (Esc clears); g group by none/label/fsid/status;
                  a address column; e events (Enter opens the host); w write the view to a file (t text, c CSV);
                  p pause; + / - interval; r refresh now; ? help; q back, and quit from the table.
            Mouse: click selects, double-click opens, a click on a column title sorts, the wheel scrolls
                   (--no-mouse turns it off).
            """)

    static func run(_ args: [String]) -> Int32 {
        let (p, source): (ParsedArguments, FleetInputs.Source)
        switch FleetInputs.commandLine(args, options: options, help: help) {
        case .success(nil): return 0
        case .success(let parsed?): (p, source) = parsed
        case .failure(let error):
            Console.err("fleet: \(error)")
            return 2
        }
        let settings: DashboardOptions
        let eventLog: EventLogFile?
        do {
            settings = try DashboardOptions.parse(p)
            eventLog = try settings.eventsLog.map { path throws(UsageError) in try EventLogFile(path: path) }
        } catch {
            Console.err("fleet: \(error)")
            return 2
        }
        // Ctrl-C and SIGTERM arrive on a descriptor the UI loop reads, so the terminal is always
        // restored by the loop itself. Blocked before the poller thread exists.
        let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
        let sigfd = signals.withUnsafeBufferPointer { cshim_block_signals_fd($0.baseAddress, Int32($0.count)) }
        let monitor: FleetMonitor
        let fleetSource: any FleetSource
        let intervalSecs: Double
        var credentials: CredentialFollower?
        do {
            switch source {
            case .hosts(let inputs):
                monitor = FleetMonitor(FleetState(hosts: inputs.hosts, defaultPort: inputs.port, title: inputs.title,
                                                  thresholds: inputs.thresholds, flapRule: settings.flapRule))
                let (poller, notes) = try PollerSetup.make(inputs, monitor: monitor, keepAlive: true, intervalSecs: inputs.intervalSecs)
                fleetSource = poller
                intervalSecs = inputs.intervalSecs
                credentials = inputs.credentialStore.map {
                    CredentialFollower(refresher: CredentialRefresher(stateDir: $0, hosts: inputs.hosts, current: inputs.credentials,
                                                                      now: Clock.wallSeconds()), poller: poller)
                }
                for n in notes { Console.err(n) }
            case .prometheus(let inputs):
                monitor = FleetMonitor(FleetState(hosts: [], title: inputs.title, thresholds: inputs.thresholds, flapRule: settings.flapRule))
                fleetSource = try PrometheusSource(settings: inputs.settings, monitor: monitor, intervalSecs: inputs.intervalSecs)
                intervalSecs = inputs.intervalSecs
            }
        } catch {
            Console.err("fleet: \(error)")
            return 2
        }
        let terminal: NcursesTerminal
        do { terminal = try NcursesTerminal(noColor: !settings.color, mouse: settings.mouse) } catch {
            Console.err("fleet: \(error)")
            return 2
        }
        fleetSource.start(spread: true)
        defer {
            terminal.restore()
            fleetSource.stop()
        }
        var loop = DashboardLoop(terminal: terminal, monitor: monitor, source: fleetSource, intervalSecs: intervalSecs,
                                 eventLog: eventLog, exportDirectory: settings.exportDirectory)
        loop.credentials = credentials
        loop.run(signalFD: sigfd)
        return 0
    }
}

/// The KV store's credentials followed for a poller (a rotation reaches the next requests).
struct CredentialFollower {
    var refresher: CredentialRefresher
    let poller: Poller
}

/// The UI loop: keys in, frames out. Draws on a key at once, on new data at most 4 times a
/// second, and once a second regardless (ages tick). Appends new events to the events log
/// between frames.
struct DashboardLoop {
    let terminal: NcursesTerminal
    let monitor: FleetMonitor
    let source: any FleetSource
    let eventLog: EventLogFile?
    let exportDirectory: String
    var view: ViewState
    /// Follows rotations in the KV store (nil with `--config FILE` or `--prometheus`).
    var credentials: CredentialFollower?
    private var cache = LayoutCache()
    private var lastDraw: UInt64 = 0
    private var pendingData = false
    private var nextEventToLog = 0
    private var lastTrim: UInt64 = 0
    private let local = DashboardLoop.localTime()

    init(terminal: NcursesTerminal, monitor: FleetMonitor, source: any FleetSource, intervalSecs: Double,
         eventLog: EventLogFile?, exportDirectory: String)
    {
        self.terminal = terminal
        self.monitor = monitor
        self.source = source
        self.eventLog = eventLog
        self.exportDirectory = exportDirectory
        self.view = ViewState(intervalSecs: intervalSecs)
    }

    /// How often freed memory goes back to the system (`FreeMemory`): the bodies of a sweep
    /// are freed within a second of arriving; the pages they took stay with the process until
    /// trimmed (at 10,000 hosts, tens of MiB).
    static let trimEveryNanos: UInt64 = 5_000_000_000

    mutating func run(signalFD: Int32) {
        draw()
        defer { logEvents() }
        while true {
            if signalFD >= 0 && cshim_read_signalfd(signalFD) != 0 { return }
            var mustDraw = false
            if let key = terminal.readKey(timeoutMs: 50) {
                if key == .resize { terminal.invalidate() }
                switch view.handle(key) {
                case .quit: return
                case .refreshNow: source.pollAllNow()
                case .pauseChanged(let paused): source.setPaused(paused)
                case .intervalChanged(let secs): source.setInterval(secs)
                case .export(let format): export(format)
                case .none, .redraw: break
                }
                mustDraw = true
            }
            if monitor.takeChanged() {
                pendingData = true
                logEvents()
            }
            refreshCredentials()
            if let problem = monitor.takeSourceProblem() {
                view.notice = problem
                mustDraw = true
            }
            let now = Clock.monotonicNanos()
            if now &- lastTrim > Self.trimEveryNanos {
                FreeMemory.returnToSystem()
                lastTrim = now
            }
            let sinceDraw = now &- lastDraw
            if mustDraw || (pendingData && sinceDraw > 250_000_000) || sinceDraw > 1_000_000_000 {
                draw()
            }
        }
    }

    private mutating func refreshCredentials() {
        guard var follower = credentials else { return }
        let (fresh, problem) = follower.refresher.check(now: Clock.wallSeconds())
        credentials = follower
        if let fresh { follower.poller.updateCredentials(fresh) }
        if let problem { view.notice = problem }
    }

    private mutating func draw() {
        let size = terminal.size, now = context()
        // Drawn under the monitor's lock: no copy of the fleet's records (see `FleetMonitor.read`).
        let frame = monitor.read { DashboardLayout.render($0, view: view, size: size, context: now, cache: &cache) }
        view = frame.view
        terminal.draw(frame.grid)
        lastDraw = Clock.monotonicNanos()
        pendingData = false
        // Polls keep only a summary of each host; the host in the detail view is decoded in
        // full, and asked at once when the view opens so its facts show without waiting.
        let viewed = view.mode == .detail ? view.detailHost : nil
        if monitor.setViewedHost(viewed), let viewed { source.pollNow(viewed) }
    }

    private func context() -> RenderContext {
        let now = Clock.wallSeconds()
        return RenderContext(now: now, utcOffsetSecs: local.utcOffsetSecs(now))
    }

    private mutating func logEvents() {
        guard let eventLog else { return }
        let (events, next) = monitor.events(from: nextEventToLog)
        nextEventToLog = next
        let lines = events.map { EventLogFormat.line($0.event, host: $0.host, address: $0.address, local: local) }
        if let problem = eventLog.append(lines) { view.notice = "events log: " + problem }
    }

    private mutating func export(_ format: ExportFormat) {
        let ctx = context()
        let made = ViewExporter.export(monitor.snapshot(), view: view, format: format, context: ctx, local: local, cache: &cache)
        switch ExportFile.write(made, format: format, directory: exportDirectory, stamp: local.compact(ctx.now)) {
        case .success(let path): view.notice = "wrote \(made.summary) to \(path)"
        case .failure(let error): view.notice = "export failed: \(error)"
        }
    }

    /// The C library's offset from UTC at a given time (follows daylight-saving changes).
    static func localTime() -> LocalTime {
        LocalTime { epoch in
            var t = time_t(Int(saturating: epoch.rounded(.down)))
            var parts = tm()
            localtime_r(&t, &parts)
            return parts.tm_gmtoff
        }
    }
}
