/// The command that runs the exporter in the foreground. The unit's ExecStart and `unit.run`
/// both use it, so starting by hand and starting through systemd run the same thing.
struct DaemonCommandLine: Sendable, Equatable {
    let binary: String
    let layout: ExporterInstance
    let port: Int
    /// `run --bind`: nil listens on every address.
    var bind: String? = nil

    var arguments: [String] {
        [binary, "run",
         "--fsid", layout.fsid,
         "--id", layout.id,
         "--port", String(port)]
            + (bind.map { ["--bind", $0] } ?? [])
            + ["--data-dir", layout.dataDir,
               "--log-dir", layout.logDir]
    }
}
