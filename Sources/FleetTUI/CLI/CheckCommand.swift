import Common
import Glibc

/// `fleet check`: one sweep, a table (or JSON) on stdout, a Nagios exit status.
enum CheckCommand {
    static let options: [OptionSpec] = FleetInputs.options + [
        .flag("--json", help: "print a JSON document instead of the table"),
        .flag("--quiet", "-q", help: "print only the Nagios summary line"),
        .flag("--help", "-h", help: "show this help"),
    ]

    static let help = HelpText.render(
        usage: "fleet check --hosts FILE [--config FILE] [options]",
        summary: "Poll every host once, in parallel, and report. The first line is a Nagios summary with perfdata.",
        options: options,
        footer: """
            Exit status (Nagios): 0 all hosts OK, 1 any DEGRADED (or data older than --warn-age),
            2 any DOWN, AUTH, TLS or BAD (or data older than --crit-age), 3 bad arguments or unreadable inputs.
            """)

    static func run(_ args: [String]) -> Int32 {
        let inputs: FleetInputs
        let p: ParsedArguments
        do {
            p = try ParsedArguments(args, options: options)
            if p.has("--help") {
                Console.out(help, newline: false)
                return 0
            }
            inputs = try FleetInputs.load(p)
        } catch {
            Console.out("FLEET UNKNOWN - " + ("\(error)".split(separator: "\n").first.map(String.init) ?? "bad input"))
            Console.err("fleet check: \(error)")
            return 3
        }
        for w in inputs.warnings { Console.err("warning: \(w)") }
        signal(SIGPIPE, SIG_IGN)
        let fleet = FleetState(hosts: inputs.hosts, defaultPort: inputs.port, title: inputs.title, thresholds: inputs.thresholds)
        let monitor = FleetMonitor(fleet)
        let poller: Poller
        do {
            let (made, notes) = try PollerSetup.make(inputs, monitor: monitor, keepAlive: false, intervalSecs: 86_400)
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
        let limit = (batches + 1) * (inputs.timeoutSecs + 0.5) + 5
        while monitor.completedSweeps < 1 && Double(Clock.monotonicNanos() - started) / 1e9 < limit {
            usleep(5_000)
        }
        poller.stop()
        let options = CheckOptions(format: p.has("--json") ? .json : .text, quiet: p.has("--quiet"))
        let report = FleetCheck.run(monitor.snapshot(), options: options, now: Clock.wallSeconds())
        Console.out(report.output, newline: false)
        return report.exitCode
    }
}

