import Common
import Glibc

/// Writes one exporter daemon's files and unit and, when systemd runs, starts it. Everything
/// that can be checked is checked by the caller before this runs (config, ids, port, binary),
/// so a bad request changes nothing.
struct DaemonDeployer {
    let systemd: Systemd
    /// Directories where a distribution's packages install units; a target found there is not
    /// installed again (it would shadow the packaged one).
    var vendorUnitDirs: [String] = Self.defaultVendorUnitDirs

    static let defaultVendorUnitDirs = ["/usr/lib/systemd/system", "/lib/systemd/system"]

    struct Request {
        let command: DaemonCommandLine
        let config: ExporterConfig
        let start: Bool
        /// Ask a running daemon to re-read its credentials (SIGHUP) instead of restarting it:
        /// what `fleet rotate` does, so no client sees the exporter go away.
        var reload = false
        var layout: ExporterInstance { command.layout }
    }

    /// Where a running daemon without systemd is found (tests point it at a fake /proc).
    var procRoot = "/proc"
    var sendSignal: (pid_t, Int32) -> Int32 = { kill($0, $1) }

    /// Returns the lines to print. Throws on the first step that fails.
    func deploy(_ request: Request) throws(DeployError) -> [String] {
        let layout = request.layout
        var lines = ["Deploying \(layout.daemonName) for cluster \(layout.fsid) on port \(request.config.port)"]
        do {
            if !FileSystem.isDirectory(layout.dataDir) {
                try FileSystem.makeDirectories(layout.dataDir, mode: 0o755)
            }
            try FileSystem.ensureDirectory(layout.clusterDir, mode: ExporterInstance.clusterDirMode)
        } catch {
            throw .file(error)
        }
        guard let lock = DirectoryLock.acquire(layout.clusterDir) else {
            throw .lock("cannot lock \(layout.clusterDir): \(String(cString: strerror(errno)))")
        }
        defer { withExtendedLifetime(lock) {} }

        do {
            try FileSystem.ensureDirectory(layout.daemonDir, mode: ExporterInstance.daemonDirMode)
            try AtomicFile.write(request.config.crt, to: layout.file("crt"), mode: ExporterInstance.secretFileMode)
            try AtomicFile.write(request.config.key, to: layout.file("key"), mode: ExporterInstance.secretFileMode)
            try AtomicFile.write(request.config.token, to: layout.file("token"), mode: ExporterInstance.secretFileMode)
            try writePerHostFiles(request.config, layout)
            try AtomicFile.write(UnitRunScript.text(request.command), to: layout.file("unit.run"), mode: ExporterInstance.scriptMode)
            try AtomicFile.write(UnitMeta(ports: [request.config.port]).text, to: layout.file("unit.meta"), mode: ExporterInstance.markerMode)
            if !FileSystem.exists(layout.file("unit.created")) {
                try AtomicFile.write("mtime is the time this daemon was first deployed\n", to: layout.file("unit.created"), mode: ExporterInstance.markerMode)
            }
            try AtomicFile.write("mtime is the time this daemon was last deployed\n", to: layout.file("unit.configured"), mode: ExporterInstance.markerMode)
            let perHost = [request.config.ca.map { _ in DaemonCredentials.File.ca }, request.config.previousToken.map { _ in DaemonCredentials.File.previousToken },
                           request.config.requireClientCertificate ? DaemonCredentials.File.clientCertificateRequired : nil].compactMap { $0 }
            lines.append("  wrote \(layout.daemonDir)/{\((["crt", "key", "token"] + perHost + ["unit.run", "unit.meta", "unit.created", "unit.configured"]).joined(separator: ","))}")

            if try FileSystem.makeDirectories(layout.clusterLogDir, mode: ExporterInstance.logDirMode) {
                lines.append("  created log directory \(layout.clusterLogDir)")
            }

            try FileSystem.makeDirectories(layout.unitDir, mode: 0o755)
            for (path, text) in [(layout.cephTargetPath, UnitFile.cephTarget()),
                                 (layout.clusterTargetPath, UnitFile.clusterTarget(fsid: layout.fsid))]
            where !unitInstalled(PathText.basename(path), in: layout.unitDir) {
                try AtomicFile.write(text, to: path, mode: ExporterInstance.unitFileMode)
                lines.append("  installed \(path) (it was missing)")
            }
            try AtomicFile.write(UnitFile.service(request.command), to: layout.unitFilePath, mode: ExporterInstance.unitFileMode)
            lines.append("  wrote \(layout.unitFilePath)")
        } catch {
            throw .file(error)
        }

        lines += try startIfWanted(request)
        return lines
    }

    /// `ca.crt`, `token.prev` and `mtls` as the config says; a file the config no longer calls
    /// for is removed (a host moved back to shared mode, a rotation's grace period over).
    private func writePerHostFiles(_ config: ExporterConfig, _ layout: ExporterInstance) throws(FileOperationError) {
        let files: [(String, String?)] = [
            (DaemonCredentials.File.ca, config.ca),
            (DaemonCredentials.File.previousToken, config.previousToken.map { JSONWriter.compactString($0.json) + "\n" }),
            (DaemonCredentials.File.clientCertificateRequired,
             config.requireClientCertificate ? DaemonCredentials.File.clientCertificateRequiredText : nil),
        ]
        for (name, text) in files {
            if let text {
                try AtomicFile.write(text, to: layout.file(name), mode: ExporterInstance.secretFileMode)
            } else {
                try FileSystem.removeFile(layout.file(name))
            }
        }
    }

    private func startIfWanted(_ request: Request) throws(DeployError) -> [String] {
        let layout = request.layout
        if request.reload { return reload(layout) }
        let byHand = "start it by hand with \(layout.file("unit.run"))"
        guard request.start else {
            return ["  --no-start: the unit was not enabled or started; \(byHand), or `systemctl enable --now \(layout.unitName)`"]
        }
        guard systemd.isRunning else {
            return ["  \(Systemd.notRunningNote): the unit was written but not enabled or started; \(byHand)"]
        }
        var lines: [String] = []
        for step in [["daemon-reload"], ["enable", layout.clusterTargetName], ["enable", layout.unitName]] {
            let outcome = systemd.systemctl(step)
            guard outcome.succeeded else { throw .systemctl(outcome) }
            lines.append("  \(outcome.command)")
        }
        // A unit left in the failed state refuses to start until reset; failure here is harmless.
        _ = systemd.systemctl(["reset-failed", layout.unitName])
        // restart, not start: a redeploy must pick up a new port, certificate or binary.
        let restart = systemd.systemctl(["restart", layout.unitName])
        guard restart.succeeded else { throw .systemctl(restart) }
        lines.append("  \(restart.command)")
        return lines
    }

    /// SIGHUP through systemd (`ExecReload`) or, without systemd, to the pid the daemon wrote.
    /// A daemon that is not running picks the files up when it starts.
    private func reload(_ layout: ExporterInstance) -> [String] {
        if systemd.isRunning {
            let outcome = systemd.systemctl(["try-reload-or-restart", layout.unitName])
            return ["  " + outcome.summary]
        }
        let pidFile = DaemonPidFile(instance: layout)
        guard let pid = pidFile.runningDaemon(procRoot: procRoot) else {
            return ["  not running (no live \(DaemonPidFile.name)): the new credentials apply when it starts"]
        }
        guard sendSignal(pid, SIGHUP) == 0 else {
            return ["  cannot signal pid \(pid): \(String(cString: strerror(errno))); send it SIGHUP by hand"]
        }
        return ["  reloaded: sent SIGHUP to pid \(pid) (it re-reads its credentials without restarting)"]
    }

    private func unitInstalled(_ name: String, in unitDir: String) -> Bool {
        ([unitDir] + vendorUnitDirs).contains { FileSystem.exists(PathText.join($0, name)) }
    }
}
