import Common
import Glibc

/// `--events-log FILE`: appends events as JSON lines (`O_APPEND`, so several dashboards may
/// share one file without interleaving within a line). Opened before the terminal starts, so a
/// bad path is reported as a usage error.
final class EventLogFile {
    let path: String
    private let fd: Int32

    init(path: String) throws(UsageError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw UsageError("--events-log: cannot open \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// Writes the lines (each gets a newline); the system's reason when the write failed.
    func append(_ lines: [String]) -> String? {
        guard !lines.isEmpty else { return nil }
        guard let code = FileBytes.writeAll(fd, Array(lines.joined(separator: "\n").utf8) + [0x0A]) else { return nil }
        return "cannot write \(path): \(String(cString: strerror(code)))"
    }
}
