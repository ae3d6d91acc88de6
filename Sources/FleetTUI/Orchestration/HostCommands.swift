import Common

/// The `cephadm-exporter` commands fleet runs on a host.
enum HostCommands {
    /// Deploy with the config on stdin (`--config-json -`): secrets never appear in a process
    /// list or in the remote shell's history.
    /// `reload`: the running daemon re-reads its credentials (SIGHUP) instead of restarting
    /// (`fleet rotate`).
    static func deploy(fsid: String, target: DeployTarget, layout: RemoteLayout, reload: Bool = false) -> [String] {
        [layout.binary, "deploy", "--fsid", fsid, "--id", target.daemonID, "--config-json", "-"]
            + layout.directoryArguments + (reload ? ["--reload"] : layout.noStart ? ["--no-start"] : [])
    }

    static func remove(fsid: String, target: DeployTarget, layout: RemoteLayout) -> [String] {
        [layout.binary, "rm-daemon", "--fsid", fsid, "--id", target.daemonID] + layout.directoryArguments
    }

    /// The config as sent to hosts: the same fields `fleet config get` prints (shared mode), or
    /// the host's own config (per-host mode).
    static func payload(_ config: ExporterConfig) -> [UInt8] {
        JSONWriter.compact(config.json) + [UInt8(ascii: "\n")]
    }
}
