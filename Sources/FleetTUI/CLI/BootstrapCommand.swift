import Common
import Glibc

/// `fleet bootstrap`: creates the state directory and the cluster fsid and, with
/// `--with-exporter`, stores (or generates) the exporter config and deploys it on this host.
enum BootstrapCommand {
    static let command = "fleet bootstrap"

    static let options: [OptionSpec] = [
        StoreOption.spec,
        .value("--fsid", name: "FSID", help: "cluster fsid", defaultHelp: "the stored one, else a new random one"),
        .flag("--with-exporter", help: "deploy the exporter on this host"),
        .value("--exporter-config", name: "FILE|JSON|-", help: "exporter config to store: a JSON file, the JSON itself, or - for stdin; validated before anything changes"),
        .value("--key-type", name: "TYPE", help: "ec or rsa, when a config is generated", default: "ec"),
        .value("--hostname", name: "NAME", help: "this host's name (the daemon id is its first label)", defaultHelp: "the short host name"),
        .value("--exporter-binary", name: "PATH", help: "cephadm-exporter to deploy with", defaultHelp: "the one next to fleet, else on PATH"),
        .value("--data-dir", name: "DIR", help: "deploy --data-dir", defaultHelp: "deploy's own, /var/lib/ceph"),
        .value("--unit-dir", name: "DIR", help: "deploy --unit-dir", defaultHelp: "deploy's own, /etc/systemd/system"),
        .value("--log-dir", name: "DIR", help: "deploy --log-dir", defaultHelp: "deploy's own, /var/log/ceph"),
        .flag("--no-start", help: "write the daemon's files and unit but do not start it"),
        .flag("--help", "-h", help: "show this help"),
    ]

    static let help = HelpText.render(
        usage: "fleet bootstrap [--with-exporter] [--exporter-config FILE|JSON|-] [--fsid FSID] [options]",
        summary: """
        Create the state directory and the cluster fsid. With --exporter-config, store that config (it is
        validated first: a missing file, bad JSON or a failed rule exits 2 with every reason and changes
        nothing). With --with-exporter, generate a config if none is stored, deploy the exporter on this
        host with `cephadm-exporter deploy`, and record the service spec with this host in it.
        """,
        options: options,
        footer: "Exit status: 0 done, 1 failed, 2 bad command line or bad --exporter-config.")

    static func run(_ args: [String]) -> Int32 {
        run(args, io: .standard, localRunner: LocalRunner())
    }

    static func run(_ args: [String], io: CommandIO, localRunner: any HostCommandRunner) -> Int32 {
        let parsed: ParsedArguments
        let keyType: KeyType
        let hostName: String
        do throws(UsageError) {
            guard let given = try ParsedArguments.unlessHelp(args, options: options, print: io.writeOut, help: help) else { return 0 }
            parsed = given
            if let fsid = parsed.string("--fsid"), let p = DaemonIdentity.problem(fsid: fsid) { throw UsageError(p) }
            keyType = try ConfigCommand.parseKeyType(parsed.string("--key-type"))
            hostName = parsed.string("--hostname") ?? shortHostName()
            let target = DeployTarget(name: hostName, address: "localhost", isLocal: true)
            if let p = DaemonIdentity.problem(daemonID: target.daemonID, option: "--hostname") { throw UsageError(p) }
        } catch {
            return CommandFailure.usage(io, command: command, error)
        }

        // Validated as part of argument parsing, before anything is created (Pacific gave a
        // traceback here for a missing file or bad JSON: Q10).
        var suppliedConfig: ExporterConfig? = nil
        if let argument = parsed.string("--exporter-config") {
            do {
                let input = try ExporterConfigInput.read(argument, optionName: "--exporter-config",
                                                         allowInlineJSON: true, readStdin: io.readStdin)
                suppliedConfig = try ExporterConfig.parse(text: input.text, source: input.source)
            } catch {
                CommandFailure.report(io, command: command, "--exporter-config: nothing was changed:\n" + error.description)
                return 2
            }
        }
        let withExporter = parsed.has("--with-exporter")
        var binary: String? = nil
        if withExporter {
            binary = LocalExporterBinary.resolve(option: parsed.string("--exporter-binary"))
            guard binary != nil else {
                let what = parsed.string("--exporter-binary").map { "--exporter-binary: \($0) is not an executable file" }
                    ?? "cannot find cephadm-exporter next to fleet or on PATH; pass --exporter-binary PATH"
                CommandFailure.report(io, command: command, what)
                return 1
            }
        }

        do {
            let store = try StoreOption.open(parsed, io: io)
            return try store.withExclusiveLock { () throws -> Int32 in
                let prepared = try store.update { entries throws -> (fsid: String, config: ExporterConfig?) in
                    if suppliedConfig != nil || withExporter {
                        if entries[StoreKey.exporterSpec] != nil {
                            throw withExporter ? OrchestrationError.alreadyApplied : OrchestrationError.store(.activeService)
                        }
                    }
                    let fsid = try ExporterOrchestrator.resolveFSID(stored: entries[StoreKey.clusterFSID], given: parsed.string("--fsid"))
                    entries[StoreKey.clusterFSID] = fsid
                    if let suppliedConfig {
                        entries.setExporterConfig(suppliedConfig)
                    } else if withExporter, let authority = try FleetStore.fleetAuthority(in: entries) {
                        // Per-host mode: this host's own certificate and token.
                        let issued = try PerHostIssue.configs(for: [DeployTarget(name: hostName, address: "localhost", isLocal: true)],
                                                              authority: authority, fsid: fsid, now: Clock.wallSeconds())
                        try entries.recordIssued(issued.map(\.record))
                        return (fsid, issued.first?.config)
                    } else if withExporter, try FleetStore.exporterConfig(in: entries) == nil {
                        entries.setExporterConfig(try ExporterConfig.generate(keyType: keyType))
                        io.out("Generating a default cephadm exporter configuration (self-signed \(keyType == .ec ? "EC P-256" : "RSA-2048"))")
                    } else if withExporter, entries[StoreKey.exporterEnabled] != "true" {
                        throw OrchestrationError.exporterDisabled(stateDir: store.stateDirectory)
                    }
                    return (fsid, try FleetStore.exporterConfig(in: entries))
                }
                io.out("Cluster fsid: \(prepared.fsid)")
                io.out("State directory: \(store.stateDirectory)")
                if suppliedConfig != nil { io.out("Stored the exporter config from --exporter-config") }
                guard withExporter, let config = prepared.config, let binary else {
                    if suppliedConfig != nil { io.out("Deploy it with `fleet apply --hosts FILE`") }
                    return 0
                }
                return try deployLocally(store: store, fsid: prepared.fsid, config: config, hostName: hostName,
                                         binary: binary, parsed: parsed, io: io, runner: localRunner)
            }
        } catch {
            CommandFailure.report(io, command: command, "\(OrchestrationError.wrap(error))")
            return 1
        }
    }

    private static func deployLocally(
        store: FleetStore, fsid: String, config: ExporterConfig, hostName: String, binary: String,
        parsed: ParsedArguments, io: CommandIO, runner: any HostCommandRunner
    ) throws -> Int32 {
        let target = DeployTarget(name: hostName, address: "localhost", isLocal: true)
        let layout = RemoteLayout(binary: binary, dataDir: parsed.string("--data-dir"),
                                  unitDir: parsed.string("--unit-dir"), logDir: parsed.string("--log-dir"),
                                  noStart: parsed.has("--no-start"))
        // Recorded first, as apply does, so that `fleet rm` can undo even a failed deploy.
        let spec = ExporterServiceSpec(fsid: fsid, hosts: [target], ssh: SSHSettings(), remote: layout)
        try store.update { $0.setExporterSpec(spec) }
        io.out("Deploying cephadm exporter service on this host (\(target.daemonID))...")
        let result = runner.run(HostCommands.deploy(fsid: fsid, target: target, layout: layout),
                                on: target, stdin: HostCommands.payload(config), timeoutSeconds: 300)
        for line in result.stdout.split(separator: "\n") { io.out("  " + line) }
        if let reason = result.failureReason {
            CommandFailure.report(io, command: command, "deploying the exporter on this host failed: \(reason)\nThe spec is recorded; fix the cause and run `fleet apply`, or undo with `fleet rm`.")
            return 1
        }
        try store.update { entries in
            guard var recorded = try FleetStore.exporterSpec(in: entries) else { return }
            if !recorded.deployedHosts.contains(target.name) { recorded.deployedHosts.append(target.name) }
            entries.setExporterSpec(recorded)
        }
        return 0
    }

    private static func shortHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, 255) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(name.prefix(while: { $0 != "." })).isEmpty ? "localhost" : String(name.prefix(while: { $0 != "." }))
    }
}
