import Common

/// `fleet rm`: removes the exporter from every host of the applied service, then purges the
/// config and the spec (Pacific's `ceph orch rm cephadm-exporter`).
enum RemoveCommand {
    static let command = "fleet rm"

    static let options: [OptionSpec] = [StoreOption.spec] + ApplyCommand.sshOptions + ApplyCommand.runOptions + [
        .flag("--force", help: "purge the config and the spec even if some hosts could not be reached"),
        .flag("--help", "-h", help: "show this help"),
    ]

    static let help = HelpText.render(
        usage: "fleet rm [options]",
        summary: """
        Run `cephadm-exporter rm-daemon` on every host of the applied exporter service (reached as the
        last apply reached them; the ssh options here override that). When every host succeeded, purge
        the exporter config, the enabled flag and the spec, so a later apply creates a new certificate
        and token. Hosts that failed stay in the spec; run `fleet rm` again, or use --force.
        """,
        options: options,
        footer: "Exit status: 0 removed everywhere (or nothing applied), 1 some host failed, 2 bad command line.")

    static func run(_ args: [String]) -> Int32 {
        run(args, io: .standard, remoteRunner: { SSHRunner(settings: $0) })
    }

    static func run(_ args: [String], io: CommandIO, remoteRunner: @escaping @Sendable (SSHSettings) -> any HostCommandRunner) -> Int32 {
        let parsed: ParsedArguments
        let parallel: Int
        let timeout: Double
        do throws(UsageError) {
            guard let given = try ParsedArguments.unlessHelp(args, options: options, print: io.writeOut, help: help) else { return 0 }
            parsed = given
            _ = try ApplyCommand.sshSettings(parsed, base: SSHSettings())
            parallel = try parsed.intValue("--parallel")
            timeout = try parsed.doubleValue("--timeout")
        } catch {
            return CommandFailure.usage(io, command: command, error)
        }
        do {
            let store = try StoreOption.open(parsed, io: io)
            let orchestrator = ExporterOrchestrator(store: store, remoteRunner: remoteRunner)
            let outcome = try orchestrator.remove(
                sshOverride: { base in (try? ApplyCommand.sshSettings(parsed, base: base)) ?? base },
                parallel: parallel, timeoutSeconds: timeout, force: parsed.has("--force"),
                progress: { ProgressReporter(total: $0, io: io) })
            guard outcome.applied else {
                io.out("The cephadm-exporter service is not applied (no \(StoreKey.exporterSpec)); nothing to remove")
                return 0
            }
            io.out(ResultTable.render(outcome.results))
            if outcome.purged {
                io.out("Purged cephadm-exporter settings (config, enabled flag, spec) from the KV store")
            } else {
                io.out("Kept the config and the spec for the hosts that failed; run `fleet rm` again, or `fleet rm --force`")
            }
            return outcome.results.allSatisfy(\.succeeded) ? 0 : 1
        } catch {
            CommandFailure.report(io, command: command, "\(error)")
            return 1
        }
    }
}
