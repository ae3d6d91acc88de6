import Common

/// `cephadm-exporter <sub-command> ...`
enum ExporterCLI {
    static let commands: [(name: String, summary: String, run: @Sendable ([String]) -> Int32)] = [
        ("run", "run the exporter daemon (HTTPS metadata API)", RunCommand.run),
        ("gather-facts", "print the host facts the 'host' task serves", TaskCommands.gatherFacts),
        ("list-daemons", "print the Ceph daemon list the 'daemons' task serves", TaskCommands.listDaemons),
        ("inventory", "print the disk inventory the 'disks' task serves", TaskCommands.inventory),
        ("deploy", "install this host's exporter: daemon dir, files, systemd unit", DeployCommand.run),
        ("rm-daemon", "stop and remove this host's exporter and its unit", RemoveDaemonCommand.run),
        ("simulate", "serve a fleet of simulated exporters (demos, tests, benchmarks)", SimulateCommand.run),
    ]

    static var usage: String {
        var lines = [
            "Usage: cephadm-exporter <command> [options]", "",
            "Per-host metadata exporter for Ceph clusters (a re-implementation of Pacific's cephadm exporter).", "",
            "Commands:",
        ]
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        for c in commands { lines.append("  " + c.name + String(repeating: " ", count: width - c.name.count) + c.summary) }
        lines += ["", "Run 'cephadm-exporter <command> --help' for the options of a command."]
        return lines.joined(separator: "\n") + "\n"
    }

    static func main(_ args: [String]) -> Int32 {
        guard let name = args.first else {
            Console.err(usage, newline: false)
            return 2
        }
        if name == "--help" || name == "-h" || name == "help" {
            Console.out(usage, newline: false)
            return 0
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            Console.err("cephadm-exporter: unknown command '\(name)'\n\n" + usage, newline: false)
            return 2
        }
        return command.run(Array(args.dropFirst()))
    }
}
