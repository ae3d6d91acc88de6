import Common
import Glibc

/// `fleet check`: one sweep, a table (or JSON) on stdout, a Nagios exit status.
enum CheckCommand {
    static let options: [OptionSpec] = FleetInputs.options + [
        .flag("--json", help: "print a JSON document instead of the table"),
        .flag("--openmetrics", help: "print the fleet's view as metrics (Prometheus text format) for node_exporter's textfile collector"),
        .flag("--quiet", "-q", help: "print only the Nagios summary line"),
        .value("--sweeps", name: "N", help: "poll every host N times back to back on kept-alive connections and report polls/s on stderr (benchmarks)", default: "1", range: 1...1_000_000),
        .value("--loops", name: "N", help: "event loop threads that share the hosts (default: one per two cores, one per 512 hosts at most, at most 8)", range: 1...64),
        .flag("--help", "-h", help: "show this help"),
    ]

    static let help = HelpText.render(
        usage: "fleet check --hosts FILE [--config FILE] [options]\n       fleet check --prometheus URL [options]",
        summary: "Poll every host once, in parallel, and report. The first line is a Nagios summary with perfdata.",
        options: options,
        footer: """
            Exit status (Nagios): 0 all hosts OK, 1 any DEGRADED (or data older than --warn-age),
            2 any DOWN, AUTH, TLS or BAD (or data older than --crit-age), 3 bad arguments or unreadable inputs.
            """)

    static func run(_ args: [String]) -> Int32 {
        let (p, source): (ParsedArguments, FleetInputs.Source)
        switch FleetInputs.commandLine(args, options: options, help: help) {
        case .success(nil): return 0
        case .success(let parsed?): (p, source) = parsed
        case .failure(let error):
            Console.out("FLEET UNKNOWN - " + ("\(error)".split(separator: "\n").first.map(String.init) ?? "bad input"))
            Console.err("fleet check: \(error)")
            return 3
        }
        let sweeps: Int
        do { sweeps = try p.intValue("--sweeps") } catch {
            Console.out("FLEET UNKNOWN - \(error)")
            return 3
        }
        let options = CheckOptions(format: p.has("--openmetrics") ? .openMetrics : p.has("--json") ? .json : .text,
                                   quiet: p.has("--quiet"))
        switch source {
        case .hosts(let inputs):
            let loops: Int
            do {
                loops = try p.int("--loops")
                    ?? PollerGroup.defaultLoops(hosts: inputs.hosts.count, cores: sysconf(Int32(_SC_NPROCESSORS_ONLN)))
            } catch {
                Console.out("FLEET UNKNOWN - \(error)")
                return 3
            }
            return pollHosts(inputs, sweeps: sweeps, loops: loops, options: options)
        case .prometheus(let inputs): return askPrometheus(inputs, sweeps: sweeps, options: options)
        }
    }

    /// One round of queries to Prometheus; the hosts are the job's targets.
    static func askPrometheus(_ inputs: PrometheusInputs, sweeps: Int, options: CheckOptions) -> Int32 {
        guard sweeps == 1 else {
            Console.out("FLEET UNKNOWN - --sweeps measures polling: it does not apply to --prometheus")
            return 3
        }
        let monitor = FleetMonitor(FleetState(hosts: [], title: inputs.title, thresholds: inputs.thresholds))
        let source: PrometheusSource
        do { source = try PrometheusSource(settings: inputs.settings, monitor: monitor, intervalSecs: 86_400) } catch {
            Console.out("FLEET UNKNOWN - \(error)")
            return 3
        }
        let started = Clock.monotonicNanos()
        source.start(spread: false)
        // Three requests, each with its deadline.
        let limit = 3 * (inputs.settings.timeoutSecs + 0.5) + 5
        while source.rounds.load(ordering: .acquiring) < 1 && Double(Clock.monotonicNanos() - started) / 1e9 < limit {
            usleep(2_000)
        }
        source.stop()
        if source.rounds.load(ordering: .acquiring) < 1 || monitor.currentSourceProblem != nil {
            let why = monitor.currentSourceProblem ?? "Prometheus at \(inputs.settings.endpoint.url) did not answer within \(Int(limit)) s"
            Console.out("FLEET UNKNOWN - " + why)
            return 3
        }
        let report = FleetCheck.run(monitor.snapshot(), options: options, now: Clock.wallSeconds())
        Console.out(report.output, newline: false)
        return report.exitCode
    }

    /// Every host polled directly, `sweeps` times.
    static func pollHosts(_ inputs: FleetInputs, sweeps: Int, loops: Int, options: CheckOptions) -> Int32 {
        let fleet = FleetState(hosts: inputs.hosts, defaultPort: inputs.port, title: inputs.title, thresholds: inputs.thresholds)
        let monitor = FleetMonitor(fleet)
        let poller: PollerGroup
        do {
            let (made, notes) = try PollerSetup.makeGroup(inputs, monitor: monitor, keepAlive: sweeps > 1,
                                                          intervalSecs: sweeps > 1 ? 0 : 86_400, loops: loops)
            poller = made
            for n in notes { Console.err(n) }
        } catch {
            Console.out("FLEET UNKNOWN - \(error)")
            return 3
        }
        let started = Clock.monotonicNanos()
        poller.start(spread: false)
        // Every request has its own deadline; batches of --max-in-flight bound the total.
        let batches = Double((inputs.hosts.count + inputs.maxInFlight - 1) / max(1, inputs.maxInFlight))
        let limit = Double(sweeps) * (batches + 1) * (inputs.timeoutSecs + 0.5) + 5
        while monitor.completedSweeps < sweeps && Double(Clock.monotonicNanos() - started) / 1e9 < limit {
            usleep(2_000)
        }
        poller.stop()
        if sweeps > 1 {
            let secs = Double(Clock.monotonicNanos() - started) / 1e9
            // The polls of the completed sweeps: a host that stopped answering is not waited
            // for (nor polled as often), so sweeps × hosts would overstate them.
            let (done, polls) = monitor.sweepCounts
            Console.err("\(done) sweeps of \(inputs.hosts.count) hosts in \(DecimalText.fixed(secs, 3))s: \(Int(Double(polls) / secs)) polls/s")
        }
        let report = FleetCheck.run(monitor.snapshot(), options: options, now: Clock.wallSeconds())
        Console.out(report.output, newline: false)
        return report.exitCode
    }
}

