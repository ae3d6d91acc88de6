import CShims
import Common
import Glibc

/// `fleet dashboard` (the default): the live ncurses view of the fleet.
enum DashboardCommand {
    static let options: [OptionSpec] = FleetInputs.options + [
        .flag("--no-color", help: "monochrome (also automatic on terminals without colours)"),
        .flag("--help", "-h", help: "show this help"),
    ]

    static let help = HelpText.render(
        usage: "fleet [dashboard] --hosts FILE [--config FILE] [options]",
        summary: "Poll /v1/metadata on every host and show the fleet's health: status, per-task state and data age,\nlatency (last and p95), clock skew and the last error per host.",
        options: options,
        footer: """
            Keys: arrows/j/k PgUp/PgDn Home/End move; s/S sort column / reverse; / filter (Esc clears);
                  Enter host detail (q/Esc back); p pause; + / - interval; r refresh now; ? help; q quit.
            """)

    static func run(_ args: [String]) -> Int32 {
        let (p, inputs): (ParsedArguments, FleetInputs)
        switch FleetInputs.commandLine(args, options: options, help: help) {
        case .success(nil): return 0
        case .success(let parsed?): (p, inputs) = parsed
        case .failure(let error):
            Console.err("fleet: \(error)")
            return 2
        }
        // Ctrl-C and SIGTERM arrive on a descriptor the UI loop reads, so the terminal is always
        // restored by the loop itself. Blocked before the poller thread exists.
        let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
        let sigfd = signals.withUnsafeBufferPointer { cshim_block_signals_fd($0.baseAddress, Int32($0.count)) }
        let monitor = FleetMonitor(FleetState(hosts: inputs.hosts, defaultPort: inputs.port, title: inputs.title, thresholds: inputs.thresholds))
        let poller: Poller
        do {
            let (made, notes) = try PollerSetup.make(inputs, monitor: monitor, keepAlive: true, intervalSecs: inputs.intervalSecs)
            poller = made
            for n in notes { Console.err(n) }
        } catch {
            Console.err("fleet: \(error)")
            return 2
        }
        let terminal: NcursesTerminal
        do { terminal = try NcursesTerminal(noColor: p.has("--no-color")) } catch {
            Console.err("fleet: \(error)")
            return 2
        }
        poller.start(spread: true)
        defer {
            terminal.restore()
            poller.stop()
        }
        var loop = DashboardLoop(terminal: terminal, monitor: monitor, poller: poller, intervalSecs: inputs.intervalSecs)
        loop.run(signalFD: sigfd)
        return 0
    }
}

/// The UI loop: keys in, frames out. Draws on a key at once, on new data at most 4 times a
/// second, and once a second regardless (ages tick).
struct DashboardLoop {
    let terminal: NcursesTerminal
    let monitor: FleetMonitor
    let poller: Poller
    var view: ViewState
    private var cache = LayoutCache()
    private var lastDraw: UInt64 = 0
    private var pendingData = false
    private let utcOffset = DashboardLoop.localUTCOffset()

    init(terminal: NcursesTerminal, monitor: FleetMonitor, poller: Poller, intervalSecs: Double) {
        self.terminal = terminal
        self.monitor = monitor
        self.poller = poller
        self.view = ViewState(intervalSecs: intervalSecs)
    }

    mutating func run(signalFD: Int32) {
        draw()
        while true {
            if signalFD >= 0 && cshim_read_signalfd(signalFD) != 0 { return }
            var mustDraw = false
            if let key = terminal.readKey(timeoutMs: 50) {
                if key == .resize { terminal.invalidate() }
                switch view.handle(key) {
                case .quit: return
                case .refreshNow: poller.pollAllNow()
                case .pauseChanged(let paused): poller.setPaused(paused)
                case .intervalChanged(let secs): poller.setInterval(secs)
                case .none, .redraw: break
                }
                mustDraw = true
            }
            if monitor.takeChanged() { pendingData = true }
            let sinceDraw = Clock.monotonicNanos() &- lastDraw
            if mustDraw || (pendingData && sinceDraw > 250_000_000) || sinceDraw > 1_000_000_000 {
                draw()
            }
        }
    }

    private mutating func draw() {
        let frame = DashboardLayout.render(
            monitor.snapshot(), view: view, size: terminal.size,
            context: RenderContext(now: Clock.wallSeconds(), utcOffsetSecs: utcOffset), cache: &cache)
        view = frame.view
        terminal.draw(frame.grid)
        lastDraw = Clock.monotonicNanos()
        pendingData = false
    }

    static func localUTCOffset() -> Int {
        var t = time(nil)
        var parts = tm()
        localtime_r(&t, &parts)
        return parts.tm_gmtoff
    }
}
