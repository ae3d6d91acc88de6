import Common
import Glibc

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
            if let code = FileBytes.writeAll(fd, Array(export.content.utf8)) {
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

enum FileBytes {
    /// Writes every byte, retrying short writes and EINTR; the errno of a failure, else nil.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
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
}
