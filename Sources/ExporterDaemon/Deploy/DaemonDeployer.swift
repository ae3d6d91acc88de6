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
        var layout: ExporterInstance { command.layout }
    }

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
            try AtomicFile.write(UnitRunScript.text(request.command), to: layout.file("unit.run"), mode: ExporterInstance.scriptMode)
            try AtomicFile.write(UnitMeta(ports: [request.config.port]).text, to: layout.file("unit.meta"), mode: ExporterInstance.markerMode)
            if !FileSystem.exists(layout.file("unit.created")) {
                try AtomicFile.write("mtime is the time this daemon was first deployed\n", to: layout.file("unit.created"), mode: ExporterInstance.markerMode)
            }
            try AtomicFile.write("mtime is the time this daemon was last deployed\n", to: layout.file("unit.configured"), mode: ExporterInstance.markerMode)
            lines.append("  wrote \(layout.daemonDir)/{crt,key,token,unit.run,unit.meta,unit.created,unit.configured}")

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

    private func startIfWanted(_ request: Request) throws(DeployError) -> [String] {
        let layout = request.layout
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

    private func unitInstalled(_ name: String, in unitDir: String) -> Bool {
        ([unitDir] + vendorUnitDirs).contains { FileSystem.exists(PathText.join($0, name)) }
    }
}
