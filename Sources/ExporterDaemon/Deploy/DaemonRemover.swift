import Common
import Glibc

/// Removes one exporter daemon: stops and disables its unit (when systemd runs), removes the
/// unit file whatever else is missing (Pacific kept it when unit.run was gone: Q12), removes the
/// daemon directory, and tidies what deploy created and nothing else uses any more.
struct DaemonRemover {
    let systemd: Systemd

    struct Outcome {
        var lines: [String] = []
        var foundAnything = false
    }

    func remove(_ layout: ExporterInstance) throws(DeployError) -> Outcome {
        var outcome = Outcome()
        let unitPresent = FileSystem.exists(layout.unitFilePath)
        let dirPresent = FileSystem.exists(layout.daemonDir)
        guard unitPresent || dirPresent else {
            outcome.lines.append("Nothing to remove: neither \(layout.unitFilePath) nor \(layout.daemonDir) exists")
            return outcome
        }
        outcome.foundAnything = true
        outcome.lines.append("Removing \(layout.daemonName) of cluster \(layout.fsid)")
        let lock = FileSystem.isDirectory(layout.clusterDir) ? DirectoryLock.acquire(layout.clusterDir) : nil
        defer { withExtendedLifetime(lock) {} }

        let systemdRunning = systemd.isRunning
        if systemdRunning {
            // Errors are expected here (a unit that never started) and do not stop the removal.
            for step in [["stop", layout.unitName], ["disable", layout.unitName], ["reset-failed", layout.unitName]] {
                let result = systemd.systemctl(step)
                outcome.lines.append("  \(result.succeeded ? result.command : result.summary + " (ignored)")")
            }
        } else {
            outcome.lines.append("  \(Systemd.notRunningNote): no unit to stop or disable")
        }

        do {
            if unitPresent {
                try FileSystem.removeFile(layout.unitFilePath)
                outcome.lines.append("  removed \(layout.unitFilePath)")
            }
            outcome.lines += try removeUnusedTargets(layout, systemdRunning: systemdRunning)
            if systemdRunning {
                let reload = systemd.systemctl(["daemon-reload"])
                outcome.lines.append("  \(reload.summary)")
            }
            if dirPresent {
                try FileSystem.removeTree(layout.daemonDir)
                outcome.lines.append("  removed \(layout.daemonDir)")
            }
        } catch {
            throw .file(error)
        }
        if FileSystem.isDirectory(layout.clusterDir), FileSystem.list(layout.clusterDir).isEmpty,
           FileSystem.removeIfEmpty(layout.clusterDir) {
            outcome.lines.append("  removed \(layout.clusterDir) (empty)")
        }
        if FileSystem.isDirectory(layout.clusterLogDir) {
            if FileSystem.removeIfEmpty(layout.clusterLogDir) {
                outcome.lines.append("  removed \(layout.clusterLogDir) (empty)")
            } else {
                outcome.lines.append("  kept the logs in \(layout.clusterLogDir)")
            }
        }
        return outcome
    }

    /// Removes `ceph-<fsid>.target` and `ceph.target` when deploy installed them (they carry its
    /// marker) and no remaining unit in the directory refers to them.
    private func removeUnusedTargets(_ layout: ExporterInstance, systemdRunning: Bool) throws(FileOperationError) -> [String] {
        var lines: [String] = []
        for path in [layout.clusterTargetPath, layout.cephTargetPath] {
            let name = PathText.basename(path)
            guard let text = FileSystem.readText(path), text.hasPrefix(UnitFile.marker) else { continue }
            let referenced = FileSystem.list(layout.unitDir).contains { other in
                other != name && (FileSystem.readText(PathText.join(layout.unitDir, other))?.contains(name) ?? false)
            }
            if referenced { continue }
            if systemdRunning { _ = systemd.systemctl(["disable", name]) }
            try FileSystem.removeFile(path)
            lines.append("  removed \(path) (installed by deploy, no longer used)")
        }
        return lines
    }
}
