import Glibc

/// Why a file could not be read, naming the path.
public struct FileReadError: Error, Equatable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// open(2), fstat(2) or read(2) failed with this errno.
        case system(Int32)
        /// The file holds more than the reader's limit; nothing is returned (never a cut copy).
        case tooLarge(limit: Int)
        case isDirectory
        /// A FIFO, socket or device where a regular file is required (reading one could block).
        case notRegularFile
    }

    public let path: String
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// The errno of a failed system call, nil for the other reasons.
    public var code: Int32? { if case .system(let e) = reason { return e }; return nil }

    /// What went wrong without the path (`No such file or directory`).
    public var reasonText: String {
        switch reason {
        case .system(let e): return String(cString: strerror(e))
        case .tooLarge(let limit): return "larger than \(limit) bytes"
        case .isDirectory: return "is a directory"
        case .notRegularFile: return "not a regular file"
        }
    }

    public var description: String { "\(path): \(reasonText)" }
}

/// The one way the programs read a whole file or descriptor (no Foundation: the daemon stays
/// small): bounded, and a file larger than the bound is an error rather than a truncated read.
public enum FileReader {
    public static let defaultLimit = 64 << 20

    /// A whole file's bytes. With `regularFileOnly`, a FIFO, socket or device is refused before
    /// anything is read (it is opened non-blocking, so even opening a FIFO cannot hang).
    public static func read(_ path: String, limit: Int = defaultLimit, regularFileOnly: Bool = false)
        throws(FileReadError) -> [UInt8]
    {
        let fd = open(path, O_RDONLY | O_CLOEXEC | (regularFileOnly ? O_NONBLOCK : 0))
        guard fd >= 0 else { throw FileReadError(path: path, reason: .system(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileReadError(path: path, reason: .system(errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: throw FileReadError(path: path, reason: .isDirectory)
        case S_IFREG: break
        default: if regularFileOnly { throw FileReadError(path: path, reason: .notRegularFile) }
        }
        return try readAll(fd: fd, limit: limit, name: path)
    }

    /// A whole file as UTF-8 text (invalid sequences become U+FFFD).
    public static func readText(_ path: String, limit: Int = defaultLimit, regularFileOnly: Bool = false)
        throws(FileReadError) -> String
    {
        String(decoding: try read(path, limit: limit, regularFileOnly: regularFileOnly), as: UTF8.self)
    }

    /// Reads an open descriptor to its end (standard input, a pipe); `name` is used in errors.
    public static func readAll(fd: Int32, limit: Int = defaultLimit, name: String) throws(FileReadError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileReadError(path: name, reason: .system(errno))
            }
            if n == 0 { return out }
            guard out.count + n <= limit else { throw FileReadError(path: name, reason: .tooLarge(limit: limit)) }
            out.append(contentsOf: chunk[0..<n])
        }
    }
}
