import Common
import Glibc

/// `cephadm-exporter deploy`: installs (or redeploys) one exporter daemon on this host.
enum DeployCommand {
    static let options: [OptionSpec] = ExporterInstance.options(idHelp: "daemon id; the daemon is cephadm-exporter.ID", unitDir: true) + [
        .value("--config-json", name: "FILE|-", help: "exporter config JSON {crt, key, token, port}, or a per-host one (fleet config issue) with ca; - reads stdin (required)"),
        .value("--port", name: "PORT", help: "HTTPS port (1025-65535); overrides the config's port", defaultHelp: "config, else the deployed port, else 9443"),
        .value("--bind", name: "ADDR", help: "IPv4 or IPv6 address the daemon listens on", defaultHelp: "every address"),
        .value("--binary", name: "PATH", help: "exporter binary the unit runs", defaultHelp: "this binary's real path"),
        .flag("--no-start", help: "write everything but do not reload, enable or start the unit"),
        .flag("--reload", help: "ask the running daemon to re-read its credentials (SIGHUP) instead of restarting it (fleet rotate)"),
        .flag("--help", "-h", help: "show this help"),
    ]

    static let help = HelpText.render(
        usage: "cephadm-exporter deploy --fsid FSID [--id ID] --config-json FILE|- [options]",
        summary: """
        Validates the exporter config, shared or per-host (certificate and key parse and match, token of
        8-4096 printable characters, port 1025-65535; per-host: crt issued by the CA in ca), then writes
        DATA/FSID/cephadm-exporter.ID/ (crt, key, token, and ca.crt, token.prev, mtls when the config
        has them, 0600; unit.run, unit.meta, unit.created, unit.configured) and the systemd unit
        ceph-FSID-cephadm-exporter.ID.service, and when systemd is running (and --no-start is not
        given) enables and (re)starts it; with --reload the running daemon re-reads its credentials
        instead (SIGHUP). Running it again with the same input gives the same files.
        """,
        options: options,
        footer: "Exit status: 0 deployed, 1 failed (nothing is written when validation fails), 2 bad command line.")

    static func run(_ args: [String]) -> Int32 {
        run(args, io: .standard, systemd: .live, portIsFree: { PortProbe.isFree($0, bind: $1) })
    }

    /// `vendorUnitDirs`: where packaged units live (a target found there is not installed);
    /// tests pass an empty temporary directory so the host's Ceph packages do not matter.
    static func run(_ args: [String], io: CommandIO, systemd: Systemd, portIsFree: (Int, String?) -> Bool,
                    vendorUnitDirs: [String] = DaemonDeployer.defaultVendorUnitDirs) -> Int32 {
        let parsed: ParsedArguments
        let layout: ExporterInstance, configArgument: String
        do throws(UsageError) {
            guard let given = try ParsedArguments.unlessHelp(args, options: options, print: io.writeOut, help: help) else { return 0 }
            parsed = given
            layout = try ExporterInstance(options: parsed)
            configArgument = try parsed.required("--config-json")
            if let portText = parsed.string("--port"), let p = ExporterConfig.checkPortOption(portText, option: "--port") {
                throw UsageError(p)
            }
            if let bind = parsed.string("--bind"), SocketAddress(ip: bind, port: 0) == nil {
                throw UsageError("--bind: '\(bind)' is not an IPv4 or IPv6 address")
            }
        } catch {
            io.err("cephadm-exporter deploy: \(error.message)")
            io.err("Run 'cephadm-exporter deploy --help' for usage.")
            return 2
        }

        let binary: String
        switch ExecutablePath.resolve(option: parsed.string("--binary")) {
        case .success(let b): binary = b
        case .failure(let e): return fail(io, e)
        }

        // Port precedence: --port, then the config's port, then the port this daemon was
        // deployed with, then 9443. A redeploy never silently moves the port (Q4).
        let previousPort = FileSystem.readText(layout.file("unit.meta")).flatMap(UnitMeta.port(inFileText:))
        let config: ExporterConfig
        do {
            let input = try ExporterConfigInput.read(configArgument, optionName: "--config-json",
                                                     allowInlineJSON: false, readStdin: io.readStdin)
            let validated = try ExporterConfig.parse(text: input.text, source: input.source,
                                                     defaultPort: previousPort ?? ExporterConfig.defaultPort)
            if let override = parsed.string("--port").flatMap(Int.init) {
                config = try validated.withPort(override, source: "--port")
            } else {
                config = validated
            }
        } catch {
            return fail(io, .config(error))
        }
        // The daemon's own previous port may be held by the daemon itself (a redeploy).
        if config.port != previousPort && !portIsFree(config.port, parsed.string("--bind")) {
            return fail(io, .portInUse(config.port))
        }

        let request = DaemonDeployer.Request(
            command: DaemonCommandLine(binary: binary, layout: layout, port: config.port, bind: parsed.string("--bind")),
            config: config, start: !parsed.has("--no-start"), reload: parsed.has("--reload"))
        do {
            let lines = try DaemonDeployer(systemd: systemd, vendorUnitDirs: vendorUnitDirs).deploy(request)
            lines.forEach(io.out)
            return 0
        } catch {
            return fail(io, error)
        }
    }

    private static func fail(_ io: CommandIO, _ error: DeployError) -> Int32 {
        io.err("cephadm-exporter deploy: failed:")
        for line in error.description.split(separator: "\n", omittingEmptySubsequences: false) {
            io.err("  \(line)")
        }
        return 1
    }
}
