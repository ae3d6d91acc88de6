import Common

/// `fleet apply --hosts FILE`: deploys the exporter to every listed host over ssh
/// (Pacific's `ceph orch apply cephadm-exporter`).
enum ApplyCommand {
    static let command = "fleet apply"

    static let sshOptions: [OptionSpec] = [
        .value("--ssh-user", "-l", name: "USER", help: "log in as USER", defaultHelp: "ssh's choice: ~/.ssh/config, else your user"),
        .value("--ssh-identity", "-i", name: "FILE", help: "private key for ssh -i"),
        .value("--ssh-option", "-o", name: "NAME=VALUE", help: "extra ssh -o option; repeatable (e.g. StrictHostKeyChecking=accept-new)"),
        .value("--connect-timeout", name: "SECS", help: "ssh ConnectTimeout; the stored spec's when not given", defaultHelp: "10", range: 1...600),
    ]

    static let runOptions: [OptionSpec] = [
        .value("--parallel", name: "N", help: "hosts worked on at once", default: "8", range: 1...256),
        .value("--timeout", name: "SECS", help: "give up on a host after this long", default: "300", range: 1...86_400),
    ]

    static let options: [OptionSpec] = [
        .value("--hosts", name: "FILE|-", help: "host list: one host[:ssh-port] per line with # comments, or `ceph orch host ls --format json` output (required)"),
        StoreOption.spec,
        .value("--fsid", name: "FSID", help: "cluster fsid, when the store has none yet", defaultHelp: "the stored one, else a new one"),
    ] + sshOptions + runOptions + [
        .value("--remote-binary", name: "PATH", help: "cephadm-exporter on the hosts", default: RemoteLayout.defaultBinary),
        .value("--remote-data-dir", name: "DIR", help: "deploy --data-dir on the hosts", defaultHelp: "deploy's own, /var/lib/ceph"),
        .value("--remote-unit-dir", name: "DIR", help: "deploy --unit-dir on the hosts", defaultHelp: "deploy's own, /etc/systemd/system"),
        .value("--remote-log-dir", name: "DIR", help: "deploy --log-dir on the hosts", defaultHelp: "deploy's own, /var/log/ceph"),
        .flag("--no-start", help: "write the daemons' files and units but do not start them"),
        .value("--key-type", name: "TYPE", help: "ec or rsa, for a config generated because none is stored", default: "ec"),
        .flag("--help", "-h", help: "show this help"),
    ]

    static let help = HelpText.render(
        usage: "fleet apply --hosts FILE|- [options]",
        summary: """
        Deploy the stored exporter config to every listed host with `cephadm-exporter deploy`, run over
        the system ssh client (BatchMode; the config travels on stdin, never on a command line). When no
        config is stored, a self-signed one is generated first. The service spec (hosts, ssh settings,
        remote directories) is recorded before deploying; hosts of an earlier apply that are not listed
        any more have their exporter removed. A failing host does not stop the others; running the same
        apply again converges. Ends with a table: one row per host, deployed / removed / failed + reason.
        """,
        options: options,
        footer: "Exit status: 0 every host succeeded, 1 some host failed or nothing could be started, 2 bad command line.")

    static func run(_ args: [String]) -> Int32 {
        run(args, io: .standard, remoteRunner: { SSHRunner(settings: $0) })
    }

    static func run(_ args: [String], io: CommandIO, remoteRunner: @escaping @Sendable (SSHSettings) -> any HostCommandRunner) -> Int32 {
        let parsed: ParsedArguments
        let request: ExporterOrchestrator.ApplyRequest
        let hostsArgument: String
        do throws(UsageError) {
            guard let given = try ParsedArguments.unlessHelp(args, options: options, print: io.writeOut, help: help) else { return 0 }
            parsed = given
            hostsArgument = try parsed.required("--hosts")
            if let fsid = parsed.string("--fsid"), let p = DaemonIdentity.problem(fsid: fsid) { throw UsageError(p) }
            request = ExporterOrchestrator.ApplyRequest(
                targets: [],
                fsid: parsed.string("--fsid"),
                ssh: try sshSettings(parsed, base: SSHSettings()),
                remote: RemoteLayout(
                    binary: try parsed.stringValue("--remote-binary"),
                    dataDir: parsed.string("--remote-data-dir"),
                    unitDir: parsed.string("--remote-unit-dir"),
                    logDir: parsed.string("--remote-log-dir"),
                    noStart: parsed.has("--no-start")),
                keyType: try ConfigCommand.parseKeyType(parsed.string("--key-type")),
                parallel: try parsed.intValue("--parallel"),
                timeoutSeconds: try parsed.doubleValue("--timeout"))
        } catch {
            return CommandFailure.usage(io, command: command, error)
        }

        var fullRequest = request
        guard let targets = readTargets(hostsArgument, io: io, command: command) else { return 1 }
        fullRequest.targets = targets

        do {
            let store = try StoreOption.open(parsed, io: io)
            let orchestrator = ExporterOrchestrator(store: store, remoteRunner: remoteRunner)
            let outcome = try orchestrator.apply(fullRequest) { ProgressReporter(total: $0, io: io) }
            outcome.notes.forEach(io.out)
            io.out("Deploying cephadm-exporter for cluster \(outcome.fsid) to \(fullRequest.targets.count) host\(fullRequest.targets.count == 1 ? "" : "s")")
            io.out(ResultTable.render(outcome.results))
            return outcome.results.allSatisfy(\.succeeded) ? 0 : 1
        } catch {
            CommandFailure.report(io, command: command, "\(error)")
            return 1
        }
    }

    /// The deploy targets of `--hosts FILE|-`; nil after reporting why the list is unusable
    /// (nothing may change then).
    static func readTargets(_ argument: String, io: CommandIO, command: String) -> [DeployTarget]? {
        let source = argument == "-" ? "stdin" : argument
        let text: String
        do {
            text = argument == "-" ? String(decoding: try io.readStdin(), as: UTF8.self) : try FileReader.readText(argument)
        } catch {
            CommandFailure.report(io, command: command, "cannot read the host list \(error)")
            return nil
        }
        switch ApplyHostList.targets(fromText: text, source: source) {
        case .success(let targets): return targets
        case .failure(let problems):
            CommandFailure.report(io, command: command, (["the host list has problems; nothing was changed:"] + problems.lines).joined(separator: "\n"))
            return nil
        }
    }

    /// ssh settings from the command line, over `base` (the stored spec's, for `fleet rm`).
    static func sshSettings(_ parsed: ParsedArguments, base: SSHSettings) throws(UsageError) -> SSHSettings {
        var ssh = base
        if let user = parsed.string("--ssh-user") { ssh.user = user }
        if let identity = parsed.string("--ssh-identity") { ssh.identityFile = identity }
        let options = parsed.strings("--ssh-option")
        for option in options where !option.contains("=") && !option.contains(" ") {
            throw UsageError("--ssh-option: '\(option)' is not NAME=VALUE")
        }
        if !options.isEmpty { ssh.options = options }
        if let timeout = try parsed.int("--connect-timeout") { ssh.connectTimeout = timeout }
        return ssh
    }
}
