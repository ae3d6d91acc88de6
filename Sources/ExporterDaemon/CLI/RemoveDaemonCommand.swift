import Common

/// `cephadm-exporter rm-daemon`: removes one exporter daemon from this host.
enum RemoveDaemonCommand {
    static let options: [OptionSpec] = [
        .value("--fsid", name: "FSID", help: "cluster fsid (required)"),
        .value("--id", name: "ID", help: "daemon id (cephadm-exporter.ID)", defaultHelp: "short host name"),
        .value("--data-dir", name: "DIR", help: "base data directory", default: DaemonLayout.defaultDataDir),
        .value("--unit-dir", name: "DIR", help: "systemd unit directory", default: DaemonLayout.defaultUnitDir),
        .value("--log-dir", name: "DIR", help: "base log directory", default: DaemonLayout.defaultLogDir),
        .flag("--help", "-h", help: "show this help"),
    ]

    static let help = HelpText.render(
        usage: "cephadm-exporter rm-daemon --fsid FSID [--id ID] [options]",
        summary: """
        Stops and disables ceph-FSID-cephadm-exporter.ID (when systemd is running), removes the unit
        file (even when the daemon directory is damaged), reloads systemd, removes
        DATA/FSID/cephadm-exporter.ID/, and removes what deploy created that nothing uses any more
        (an empty DATA/FSID, an empty LOG/FSID, the ceph-FSID.target and ceph.target deploy
        installed). Log files are kept. Prints every path it removed. Removing a daemon that is
        not there succeeds and says so.
        """,
        options: options,
        footer: "Exit status: 0 removed (or nothing to remove), 1 failed, 2 bad command line.")

    static func run(_ args: [String]) -> Int32 {
        run(args, io: .standard, systemd: .live)
    }

    static func run(_ args: [String], io: CommandIO, systemd: Systemd) -> Int32 {
        let parsed: ParsedArguments
        let fsid: String, id: String
        do throws(UsageError) {
            guard let given = try ParsedArguments.unlessHelp(args, options: options, print: io.writeOut, help: help) else { return 0 }
            parsed = given
            fsid = try parsed.required("--fsid")
            id = parsed.string("--id") ?? HostName.short()
            if let p = DaemonIdentity.problem(fsid: fsid) { throw UsageError(p) }
            if let p = DaemonIdentity.problem(daemonID: id) { throw UsageError(p) }
        } catch {
            io.err("cephadm-exporter rm-daemon: \(error.message)")
            io.err("Run 'cephadm-exporter rm-daemon --help' for usage.")
            return 2
        }
        let layout = DaemonLayout(fsid: fsid, id: id, options: parsed)
        do {
            let outcome = try DaemonRemover(systemd: systemd).remove(layout)
            outcome.lines.forEach(io.out)
            return 0
        } catch {
            io.err("cephadm-exporter rm-daemon: failed: \(error)")
            return 1
        }
    }
}
