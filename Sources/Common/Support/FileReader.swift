import Glibc

/// A failed file read, with errno, naming the path.
public struct FileReadError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let code: Int32
    public var description: String { "\(path): \(String(cString: strerror(code)))" }
}

/// Small whole-file reads without Foundation (the daemon stays small).
public enum FileReader {
    public static func readBytes(_ path: String, limit: Int = 64 << 20) -> Result<[UInt8], FileReadError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(FileReadError(path: path, code: errno)) }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while out.count < limit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(FileReadError(path: path, code: errno))
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return .success(out)
    }

    public static func readText(_ path: String) -> Result<String, FileReadError> {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }
}
