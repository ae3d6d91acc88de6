import Glibc

/// A failed file operation, naming the path and the system's reason.
public struct FileOperationError: Error, Equatable, CustomStringConvertible {
    public let operation: String   // "create", "write", "rename", ...
    public let path: String
    public let errnoCode: Int32

    public init(operation: String, path: String, errnoCode: Int32) {
        self.operation = operation
        self.path = path
        self.errnoCode = errnoCode
    }

    public var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(errnoCode)))"
    }
}

/// Replaces a file so that readers, and a crash or `kill -9` at any instant, see either the
/// whole old content or the whole new content, never a mix: the bytes go to a temporary file in
/// the same directory (created with the final mode and O_EXCL, so it is never readable by
/// others, even briefly), which is fsynced, renamed over the target, and the directory fsynced
/// so the rename itself survives a power loss. A shorter new value therefore never leaves the
/// tail of the old one behind (Pacific's Q5).
public enum AtomicFile {
    /// Prefix of temporary files, so leftovers of an interrupted write can be recognised.
    static func temporaryPrefix(for path: String) -> String {
        "." + PathText.basename(path) + ".tmp."
    }

    public static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws(FileOperationError) {
        try write(Array(text.utf8), to: path, mode: mode)
    }

    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(FileOperationError) {
        let pending = try prepare(bytes, for: path, mode: mode)
        do {
            try pending.commit()
        } catch {
            pending.discard()
            throw error
        }
    }

    /// Writes and fsyncs the temporary file without renaming it. Tests use the split to stop
    /// "between write and rename", as a crash would.
    public static func prepare(_ bytes: [UInt8], for path: String, mode: mode_t = 0o600) throws(FileOperationError) -> PendingAtomicFile {
        let directory = PathText.dirname(path)
        var fd: Int32 = -1
        var temporary = ""
        for _ in 0..<16 {
            temporary = directory + "/" + temporaryPrefix(for: path) + randomSuffix()
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw FileOperationError(operation: "create", path: temporary, errnoCode: errno) }
        defer { close(fd) }
        // open() applies the umask; the mode must be exactly what was asked for (0600 for secrets,
        // 0644 for unit files whatever the caller's umask).
        guard fchmod(fd, mode) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileOperationError(operation: "set the mode of", path: temporary, errnoCode: code)
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                unlink(temporary)
                throw FileOperationError(operation: "write", path: temporary, errnoCode: code)
            }
            offset += n
        }
        guard fsync(fd) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileOperationError(operation: "fsync", path: temporary, errnoCode: code)
        }
        return PendingAtomicFile(temporaryPath: temporary, path: path)
    }

    /// Removes temporary files that an interrupted write left next to `path`. Only call this
    /// while holding whatever lock serializes writers of `path`, or a live write could lose its file.
    public static func removeLeftovers(for path: String) {
        let directory = PathText.dirname(path)
        let prefix = temporaryPrefix(for: path)
        guard let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(prefix) { unlink(directory + "/" + name) }
        }
    }

    /// fsyncs a directory so that a rename or unlink inside it is durable.
    public static func syncDirectory(_ directory: String) throws(FileOperationError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileOperationError(operation: "open directory", path: directory, errnoCode: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileOperationError(operation: "fsync directory", path: directory, errnoCode: errno) }
    }

    private static func randomSuffix() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }
}

/// A fully written temporary file waiting to replace its target.
public struct PendingAtomicFile: Sendable {
    public let temporaryPath: String
    public let path: String

    public func commit() throws(FileOperationError) {
        guard rename(temporaryPath, path) == 0 else {
            throw FileOperationError(operation: "rename \(temporaryPath) to", path: path, errnoCode: errno)
        }
        try AtomicFile.syncDirectory(PathText.dirname(path))
    }

    public func discard() { unlink(temporaryPath) }
}
