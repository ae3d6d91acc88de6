import Common
import Glibc

/// `DATA/FSID/cephadm-exporter.ID/exporter.pid`: written by `run` once it serves, removed when it
/// stops, so that `deploy --reload` can ask a daemon started without systemd (through its
/// `unit.run`) to re-read its credentials. A pid is trusted only while `/proc/PID/cmdline` is
/// still this daemon's `run --fsid FSID --id ID`: a stale file whose pid now belongs to another
/// process is never signalled.
struct DaemonPidFile {
    let instance: ExporterInstance

    static let name = "exporter.pid"
    var path: String { instance.file(Self.name) }

    /// Best effort: a daemon that cannot write it still serves (the reason is returned for the log).
    func write(pid: pid_t = getpid()) -> String? {
        do {
            try AtomicFile.write("\(pid)\n", to: path, mode: ExporterInstance.secretFileMode)
            return nil
        } catch {
            return "cannot write \(path): \(error); `deploy --reload` will not find this daemon without systemd"
        }
    }

    /// Removes the file if it still names this process.
    func remove(pid: pid_t = getpid()) {
        if read() == pid { unlink(path) }
    }

    func read() -> pid_t? {
        guard let text = try? FileReader.readText(path, limit: 64, regularFileOnly: true),
              let pid = pid_t(text.trimmingWhitespace()), pid > 1 else { return nil }
        return pid
    }

    /// The running daemon's pid, or nil when none runs for this instance.
    func runningDaemon(procRoot: String = "/proc") -> pid_t? {
        guard let pid = read(),
              let bytes = try? FileReader.read("\(procRoot)/\(pid)/cmdline", limit: 64 * 1024) else { return nil }
        let args = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        return Self.isDaemonCommand(args, instance: instance) ? pid : nil
    }

    /// `... run ... --fsid FSID ... --id ID ...` (either `--opt value` or `--opt=value`).
    static func isDaemonCommand(_ args: [String], instance: ExporterInstance) -> Bool {
        func value(_ option: String) -> String? {
            for (i, a) in args.enumerated() {
                if a == option, i + 1 < args.count { return args[i + 1] }
                if a.hasPrefix(option + "=") { return String(a.dropFirst(option.count + 1)) }
            }
            return nil
        }
        return args.contains("run") && value("--fsid") == instance.fsid && value("--id") == instance.id
    }
}
