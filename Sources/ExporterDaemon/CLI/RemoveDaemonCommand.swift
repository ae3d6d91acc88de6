import Common

/// `cephadm-exporter rm-daemon`: removes one exporter daemon from this host.
enum RemoveDaemonCommand {
    static let options: [OptionSpec] = ExporterInstance.options(idHelp: "daemon id (cephadm-exporter.ID)", unitDir: true) + [
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
        let layout: ExporterInstance
        do throws(UsageError) {
            guard let given = try ParsedArguments.unlessHelp(args, options: options, print: io.writeOut, help: help) else { return 0 }
            layout = try ExporterInstance(options: given)
        } catch {
            io.err("cephadm-exporter rm-daemon: \(error.message)")
            io.err("Run 'cephadm-exporter rm-daemon --help' for usage.")
            return 2
        }
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
