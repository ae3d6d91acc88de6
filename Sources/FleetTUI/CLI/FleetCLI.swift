import Common

/// `fleet <sub-command> ...`; with no sub-command (or only options) it opens the dashboard.
enum FleetCLI {
    static let commands: [(name: String, summary: String, run: @Sendable ([String]) -> Int32)] = [
        ("dashboard", "live terminal dashboard of the fleet (default)", DashboardCommand.run),
        ("check", "poll every host once; Nagios summary, table or JSON; exit 0/1/2/3", CheckCommand.run),
        ("config", "generate, set, get, issue or clear the exporter config (crt, key, token, port)", ConfigCommand.run),
        ("apply", "deploy the exporter to every host over SSH and record the service", ApplyCommand.run),
        ("rotate", "per-host mode: new tokens, certificates or CA for every host, pushed without a restart", RotateCommand.run),
        ("rm", "remove the exporter from every host, then purge its config", RemoveCommand.run),
        ("bootstrap", "create the state dir and fsid; with --with-exporter, configure and deploy locally", BootstrapCommand.run),
    ]

    static var usage: String {
        var lines = [
            "Usage: fleet [<command>] [options]", "",
            "Configure, deploy and watch cephadm exporters across a fleet of hosts.", "",
            "Commands:",
        ]
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        for c in commands { lines.append("  " + c.name + String(repeating: " ", count: width - c.name.count) + c.summary) }
        lines += ["", "Run 'fleet <command> --help' for the options of a command. 'fleet --hosts FILE' opens the dashboard."]
        return lines.joined(separator: "\n") + "\n"
    }

    static func main(_ args: [String]) -> Int32 {
        guard let first = args.first else {
            Console.err(usage, newline: false)
            return 2
        }
        if first == "--help" || first == "-h" || first == "help" {
            Console.out(usage, newline: false)
            return 0
        }
        if first.hasPrefix("-") { return DashboardCommand.run(args) }
        guard let command = commands.first(where: { $0.name == first }) else {
            Console.err("fleet: unknown command '\(first)'\n\n" + usage, newline: false)
            return 2
        }
        return command.run(Array(args.dropFirst()))
    }
}
