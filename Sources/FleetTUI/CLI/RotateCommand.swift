import Common

/// `fleet rotate`: new per-host credentials for every host, pushed without a blip.
enum RotateCommand {
    static let command = "fleet rotate"

    static let options: [OptionSpec] = [
        .value("--hosts", name: "FILE|-", help: "hosts to push to (host list as for fleet apply)", defaultHelp: "the hosts of the applied service"),
        .flag("--tokens", help: "a new master token secret: every host a new token"),
        .flag("--certs", help: "new host certificates from the current CA"),
        .flag("--ca", help: "a new fleet CA, and host certificates from it"),
        .value("--grace", name: "DURATION", help: "how long the previous tokens and CA stay honoured: seconds, or with s, m, h, d", default: "1h"),
        StoreOption.spec,
    ] + ApplyCommand.sshOptions + ApplyCommand.runOptions + [
        .value("--remote-binary", name: "PATH", help: "cephadm-exporter on the hosts", defaultHelp: "the applied service's, else cephadm-exporter"),
        .value("--remote-data-dir", name: "DIR", help: "deploy --data-dir on the hosts", defaultHelp: "the applied service's"),
        .value("--remote-unit-dir", name: "DIR", help: "deploy --unit-dir on the hosts", defaultHelp: "the applied service's"),
        .value("--remote-log-dir", name: "DIR", help: "deploy --log-dir on the hosts", defaultHelp: "the applied service's"),
        .flag("--help", "-h", help: "show this help"),
    ]

    static let help = HelpText.render(
        usage: "fleet rotate [--tokens] [--certs] [--ca] [--grace 1h] [--hosts FILE] [options]",
        summary: """
        Per-host mode: issue new credentials and push them to every host with `cephadm-exporter deploy
        --reload` over ssh (the daemon re-reads them on SIGHUP; it does not restart). Without --tokens,
        --certs or --ca: tokens and certificates. Every push carries a fresh key and certificate (the fleet
        keeps no host's key). During the grace period each host also accepts its previous token
        (token.prev) and hosts and fleet trust both the previous and the new CA; `fleet` tries the new token
        first, and running dashboards re-read the store within a second, so they show no AUTH and no TLS.
        Hosts that failed keep their old credentials: run the rotation again (or `fleet apply`) before the
        grace period ends.
        """,
        options: options,
        footer: "Exit status: 0 every host got its new credentials, 1 a host failed or nothing could be done, 2 bad command line.")

    static func run(_ args: [String]) -> Int32 {
        run(args, io: .standard, remoteRunner: { SSHRunner(settings: $0) })
    }

    static func run(_ args: [String], io: CommandIO, remoteRunner: @escaping @Sendable (SSHSettings) -> any HostCommandRunner) -> Int32 {
        let parsed: ParsedArguments
        var request = ExporterOrchestrator.RotateRequest()
        do throws(UsageError) {
            guard let given = try ParsedArguments.unlessHelp(args, options: options, print: io.writeOut, help: help) else { return 0 }
            parsed = given
            let any = parsed.has("--tokens") || parsed.has("--certs") || parsed.has("--ca")
            request.tokens = parsed.has("--tokens") || !any
            request.certificates = true
            request.authority = parsed.has("--ca")
            let graceText = try parsed.stringValue("--grace")
            guard let grace = DashboardOptions.duration(graceText), grace >= 60, grace <= 30 * 86_400 else {
                throw UsageError("--grace: '\(graceText)' is not a duration from 1m to 30d (e.g. 3600, 90m, 1h, 2d)")
            }
            request.graceSecs = grace
            _ = try ApplyCommand.sshSettings(parsed, base: SSHSettings())
            request.parallel = try parsed.intValue("--parallel")
            request.timeoutSeconds = try parsed.doubleValue("--timeout")
            if parsed.string("--remote-binary") != nil || parsed.string("--remote-data-dir") != nil
                || parsed.string("--remote-unit-dir") != nil || parsed.string("--remote-log-dir") != nil {
                request.remote = RemoteLayout(binary: parsed.string("--remote-binary") ?? RemoteLayout.defaultBinary,
                                              dataDir: parsed.string("--remote-data-dir"), unitDir: parsed.string("--remote-unit-dir"),
                                              logDir: parsed.string("--remote-log-dir"))
            }
        } catch {
            return CommandFailure.usage(io, command: command, error)
        }
        request.ssh = { base in (try? ApplyCommand.sshSettings(parsed, base: base)) ?? base }
        if let hostsArgument = parsed.string("--hosts") {
            guard let targets = ApplyCommand.readTargets(hostsArgument, io: io, command: command) else { return 1 }
            request.targets = targets
        }
        do {
            let store = try StoreOption.open(parsed, io: io)
            let orchestrator = ExporterOrchestrator(store: store, remoteRunner: remoteRunner)
            let outcome = try orchestrator.rotate(request) { ProgressReporter(total: $0, io: io) }
            outcome.notes.forEach(io.out)
            io.out(ResultTable.render(outcome.results))
            if !outcome.leftBehind.isEmpty {
                io.out("Not in this rotation (they keep their old credentials\(request.tokens || request.authority ? ", refused by fleet once the grace period ends" : "")): "
                    + outcome.leftBehind.joined(separator: ", "))
            }
            return outcome.results.allSatisfy(\.succeeded) ? 0 : 1
        } catch {
            CommandFailure.report(io, command: command, "\(error)")
            return 1
        }
    }
}
