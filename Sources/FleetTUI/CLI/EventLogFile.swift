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
        guard let code = writeAll(fd, Array(lines.joined(separator: "\n").utf8) + [0x0A]) else { return nil }
        return "cannot write \(path): \(String(cString: strerror(code)))"
    }
}

/// The JSON line of one event: `time` (local, ISO 8601 with offset), `host`, `address`,
/// `from`, `to`, `cause`, and `kind` (status, task or skew).
enum EventLogFormat {
    static func line(_ e: FleetEvent, host: String, address: String, local: LocalTime) -> String {
        JSONWriter.compactString(.object(JSONObject([
            ("time", .string(local.iso8601(e.time))),
            ("host", .string(host)),
            ("address", .string(address)),
            ("from", .string(e.from.label)),
            ("to", .string(e.to.label)),
            ("cause", .string(e.cause)),
            ("kind", .string(e.kind.rawValue)),
        ])))
    }
}

/// `w`: writes an export next to the others, never over an existing file.
enum ExportFile {
    /// The absolute path written, or why not.
    static func write(_ export: ViewExport, format: ExportFormat, directory: String, stamp: String)
        -> Result<String, FileOperationError>
    {
        let dir = absolute(directory)
        let base = dir + "/fleet-" + export.kind + "-" + stamp
        var lastError = FileOperationError(operation: "create", path: base, errnoCode: EEXIST)
        for attempt in 0..<100 {
            let path = base + (attempt == 0 ? "" : "-\(attempt)") + "." + format.fileExtension
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                lastError = FileOperationError(operation: "create", path: path, errnoCode: errno)
                if errno == EEXIST { continue }
                return .failure(lastError)
            }
            defer { close(fd) }
            if let code = writeAll(fd, Array(export.content.utf8)) {
                return .failure(FileOperationError(operation: "write", path: path, errnoCode: code))
            }
            return .success(path)
        }
        return .failure(lastError)
    }

    private static func absolute(_ dir: String) -> String {
        if dir.hasPrefix("/") { return dir == "/" ? "" : dir }
        guard let raw = getcwd(nil, 0) else { return dir }
        defer { free(raw) }
        let cwd = String(cString: raw)
        return dir == "." ? cwd : cwd + "/" + dir
    }
}

/// Writes every byte, retrying short writes and EINTR; the errno of a failure, else nil.
private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            return errno
        }
        offset += n
    }
    return nil
}
