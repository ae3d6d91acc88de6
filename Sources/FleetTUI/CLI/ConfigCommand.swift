import Common

/// `fleet config generate|set|get|clear`: the exporter config in the KV store (Pacific's
/// `ceph cephadm generate-/set-/get-/clear-exporter-config`).
enum ConfigCommand {
    static let command = "fleet config"

    static let usage = """
    Usage: fleet config <generate|set|get|issue|clear> [options]

    Manage the exporter config (certificate, key, token, port) in the fleet's KV store.

    Commands:
      generate   create a self-signed certificate, a 64-hex-character token and port 9443, and store them;
                 with --per-host [--mtls]: a fleet CA and a master token secret instead (per-host mode)
      set        store a config from a JSON file (-i FILE, or -i - for stdin), after validating it
      get        print the stored config as indented JSON ({} when none), or write it with --output;
                 in per-host mode: the mode, the CA certificate and the issued hosts (never a secret)
      issue      per-host mode: write one host's own config (--host NAME [--addr ADDR]... --output FILE),
                 or every listed host's (--hosts FILE --output-dir DIR)
      clear      remove the stored config (or per-host mode's CA and secret) and the enabled flag

    generate, set and clear are refused while the exporter service is applied (run `fleet rm` first).
    Run 'fleet config <command> --help' for the options of a command.
    Exit status: 0 done, 1 refused or failed (nothing is stored), 2 bad command line.

    """

    static func run(_ args: [String]) -> Int32 {
        run(args, io: .standard)
    }

    static func run(_ args: [String], io: CommandIO) -> Int32 {
        guard let sub = args.first else {
            io.writeErr(usage)
            return 2
        }
        let rest = Array(args.dropFirst())
        switch sub {
        case "--help", "-h", "help":
            io.writeOut(usage)
            return 0
        case "generate": return generate(rest, io: io)
        case "set": return set(rest, io: io)
        case "get": return get(rest, io: io)
        case "issue": return issue(rest, io: io)
        case "clear": return clear(rest, io: io)
        default:
            io.err("\(command): unknown command '\(sub)' (expected generate, set, get, issue or clear)")
            io.err("Run 'fleet config --help' for usage.")
            return 2
        }
    }

    // MARK: generate

    static let generateOptions: [OptionSpec] = [
        .value("--key-type", name: "TYPE", help: "ec (ECDSA P-256) or rsa (RSA-2048)", default: "ec"),
        .value("--port", name: "PORT", help: "HTTPS port the exporters listen on (1025-65535)", default: String(ExporterConfig.defaultPort)),
        .flag("--per-host", help: "per-host mode: a fleet CA (EC P-256, 10 years) and a master token secret; each host then gets its own certificate and token"),
        .flag("--mtls", help: "with --per-host: exporters require a client certificate from the fleet CA (mutual TLS)"),
        StoreOption.spec,
        .flag("--help", "-h", help: "show this help"),
    ]

    static func generate(_ args: [String], io: CommandIO) -> Int32 {
        storeCommand(
            "generate", args, io: io, options: generateOptions,
            usage: "fleet config generate [--key-type ec|rsa] [--port PORT] [--per-host [--mtls]] [--state-dir DIR]",
            summary: "Generate a self-signed certificate (subject O=Ceph, OU=cephadm-exporter, 10 years), a token of\n64 hex characters from a CSPRNG and the port, store them, and mark the exporter enabled.\nWith --per-host: a fleet CA and a master token secret instead, kept in the store only; `fleet apply`\n(or `fleet config issue`) gives each host its own certificate and token. An existing config is replaced.",
            check: { parsed throws(UsageError) in
                if parsed.has("--mtls") && !parsed.has("--per-host") { throw UsageError("--mtls needs --per-host (mutual TLS uses the fleet CA)") }
                if parsed.has("--per-host") && parsed.string("--key-type").map({ $0.lowercased() != "ec" }) == true {
                    throw UsageError("--key-type: per-host mode uses EC P-256 keys")
                }
                return (try parseKeyType(parsed.string("--key-type")), try parsePort(parsed.string("--port")))
            },
            action: { store, parsed, choice in
                let (keyType, port) = choice
                if parsed.has("--per-host") {
                    let mtls = parsed.has("--mtls")
                    try store.update { entries throws in
                        try entries.ensureNoActiveService()
                        entries.setFleetAuthority(try FleetAuthority.generate(port: port, mutualTLS: mtls))
                    }
                    io.out("Per-host mode: created a fleet CA (EC P-256, 10 years) and a master token secret, port \(port)"
                        + (mtls ? ", client certificates required (mutual TLS)" : ""))
                    io.out("Stored in \(store.storePath) only; `fleet apply` (or `fleet config issue`) gives each host its own certificate and token")
                    return
                }
                let config = try store.update { entries throws -> ExporterConfig in
                    try entries.ensureNoActiveService()
                    let config = try ExporterConfig.generate(keyType: keyType, port: port)
                    entries.setExporterConfig(config)
                    return config
                }
                io.out("Default settings created for cephadm exporter(s): self-signed \(keyType == .ec ? "EC P-256" : "RSA-2048") certificate, 64-character token, port \(config.port)")
                io.out("Stored in \(store.storePath); `fleet config get` prints it")
            })
    }

    // MARK: set

    static let setOptions: [OptionSpec] = [
        .value("-i", "--input", name: "FILE", help: "JSON file with crt, key, token and port; - reads stdin (required)"),
        StoreOption.spec,
        .flag("--help", "-h", help: "show this help"),
    ]

    static func set(_ args: [String], io: CommandIO) -> Int32 {
        storeCommand(
            "set", args, io: io, options: setOptions,
            usage: "fleet config set -i FILE|- [--state-dir DIR]",
            summary: """
                Validate and store an exporter config {"crt", "key", "token", "port"}:
                  crt    a PEM certificate that parses and is within its validity period
                  key    its PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC), which must match crt
                  token  8 to 4096 printable ASCII characters, no spaces
                  port   an integer 1025-65535 (a JSON number or a numeric string)
                Every problem is reported, one per line; nothing is stored unless all pass.
                """,
            check: { parsed throws(UsageError) in
                guard let input = parsed.string("-i") else {
                    throw UsageError("JSON configuration has not been provided (-i FILE, or -i - for stdin)")
                }
                return input
            },
            action: { store, _, inputArgument in
                try store.update { entries throws in
                    // The guard comes first: a config that cannot be stored is not worth reading.
                    try entries.ensureNoActiveService()
                    let input = try ExporterConfigInput.read(inputArgument, optionName: "-i",
                                                             allowInlineJSON: false, readStdin: io.readStdin)
                    let config = try ExporterConfig.parse(text: input.text, source: input.source)
                    entries.setExporterConfig(config)
                }
                io.out("Loaded and verified the TLS configuration; stored in \(store.storePath)")
            })
    }

    // MARK: get

    static let getOptions: [OptionSpec] = [
        .value("--output", "-o", name: "FILE", help: "write the JSON to FILE (mode 0600) instead of stdout"),
        StoreOption.spec,
        .flag("--help", "-h", help: "show this help"),
    ]

    static func get(_ args: [String], io: CommandIO) -> Int32 {
        storeCommand(
            "get", args, io: io, options: getOptions,
            usage: "fleet config get [--output FILE] [--state-dir DIR]",
            summary: "Print the stored exporter config as JSON indented by 2 ({} when none is stored). This is the\nconfig.json that the dashboard and HTTP clients of the exporters read. In per-host mode: the mode,\nthe port, whether client certificates are required, the CA certificate(s) to trust, rotations in\nprogress and the hosts issued credentials; never the master secret or the CA key.",
            action: { store, parsed in
                let entries = try store.entries()
                let text: String
                if let authority = try FleetStore.fleetAuthority(in: entries) {
                    text = JSONWriter.pretty(PerHostSummary.json(authority, issued: try FleetStore.issuedHosts(in: entries),
                                                                 now: Clock.wallSeconds())) + "\n"
                } else {
                    text = try FleetStore.exporterConfig(in: entries)?.prettyJSON ?? "{}\n"
                }
                if let output = parsed.string("--output") {
                    try AtomicFile.write(text, to: output, mode: 0o600)
                    io.err("Wrote \(output) (mode 0600)")
                } else {
                    io.writeOut(text)
                }
            })
    }

    // MARK: clear

    static let clearOptions: [OptionSpec] = [
        StoreOption.spec,
        .flag("--help", "-h", help: "show this help"),
    ]

    static func clear(_ args: [String], io: CommandIO) -> Int32 {
        storeCommand(
            "clear", args, io: io, options: clearOptions,
            usage: "fleet config clear [--state-dir DIR]",
            summary: "Remove the stored exporter config (or per-host mode's CA, master secret and issued hosts) and the enabled flag.",
            action: { store, _ in
                try store.update { entries throws in
                    try entries.ensureNoActiveService()
                    entries.clearExporterConfig()
                }
                io.out("Cleared cephadm exporter configuration")
            })
    }

    static func storeCommand(
        _ sub: String, _ args: [String], io: CommandIO, options: [OptionSpec], usage: String, summary: String,
        action: (FleetStore, ParsedArguments) throws -> Void
    ) -> Int32 {
        storeCommand(sub, args, io: io, options: options, usage: usage, summary: summary,
                     check: { _ throws(UsageError) in () }, action: { store, parsed, _ in try action(store, parsed) })
    }

    /// What every sub-command shares: `--help`; a bad command line exits 2; then `action` on
    /// the store, where a refusal or failure exits 1 with its reason. `check` validates the
    /// options before the store is touched and hands its result to `action`.
    static func storeCommand<Checked>(
        _ sub: String, _ args: [String], io: CommandIO, options: [OptionSpec], usage: String, summary: String,
        check: (ParsedArguments) throws(UsageError) -> Checked,
        action: (FleetStore, ParsedArguments, Checked) throws -> Void
    ) -> Int32 {
        let name = "\(command) \(sub)"
        let parsed: ParsedArguments
        let checked: Checked
        do throws(UsageError) {
            guard let given = try ParsedArguments.unlessHelp(
                args, options: options, print: io.writeOut,
                help: HelpText.render(usage: usage, summary: summary, options: options)) else { return 0 }
            parsed = given
            checked = try check(given)
        } catch {
            return CommandFailure.usage(io, command: name, error)
        }
        do {
            try action(try StoreOption.open(parsed, io: io), parsed, checked)
            return 0
        } catch {
            CommandFailure.report(io, command: name, "\(error)")
            return 1
        }
    }

    // MARK: shared option parsing

    static func parseKeyType(_ text: String?) throws(UsageError) -> KeyType {
        guard let text else { return .ec }
        guard let type = KeyType(rawValue: text.lowercased()) else {
            throw UsageError("--key-type: '\(text)' is not one of ec, rsa")
        }
        return type
    }

    static func parsePort(_ text: String?) throws(UsageError) -> Int {
        guard let text else { return ExporterConfig.defaultPort }
        if let problem = ExporterConfig.checkPortOption(text, option: "--port") { throw UsageError(problem) }
        return Int(text) ?? ExporterConfig.defaultPort
    }
}
