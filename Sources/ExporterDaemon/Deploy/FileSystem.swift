import Common
import Glibc

/// The few file-system steps deploy and removal need, each failing with the path and reason.
enum FileSystem {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// mkdir -p; directories it creates get `mode` (exactly, whatever the umask).
    /// Returns whether the last component was created.
    @discardableResult
    static func makeDirectories(_ path: String, mode: mode_t) throws(FileOperationError) -> Bool {
        var prefix = ""
        var created = false
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, mode) == 0 {
                chmod(prefix, mode)
                created = true
            } else if errno == EEXIST {
                guard isDirectory(prefix) else {
                    throw FileOperationError(operation: "create directory", path: prefix, errnoCode: ENOTDIR)
                }
                created = false
            } else {
                throw FileOperationError(operation: "create directory", path: prefix, errnoCode: errno)
            }
        }
        return created
    }

    /// Creates the directory if needed and sets its mode either way: secrets live below it.
    static func ensureDirectory(_ path: String, mode: mode_t) throws(FileOperationError) {
        try makeDirectories(path, mode: mode)
        guard chmod(path, mode) == 0 else {
            throw FileOperationError(operation: "set the mode of", path: path, errnoCode: errno)
        }
    }

    /// A unit file or marker's text; nil when it cannot be read (it is then treated as absent).
    static func readText(_ path: String) -> String? { try? FileReader.readText(path, limit: 1 << 20) }

    /// Names in a directory (without . and ..), sorted; empty when it cannot be read.
    static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func removeFile(_ path: String) throws(FileOperationError) {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw FileOperationError(operation: "remove", path: path, errnoCode: errno)
        }
    }

    /// rm -rf without following symlinks.
    static func removeTree(_ path: String) throws(FileOperationError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw FileOperationError(operation: "inspect", path: path, errnoCode: errno)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in list(path) { try removeTree(path + "/" + name) }
            guard rmdir(path) == 0 || errno == ENOENT else {
                throw FileOperationError(operation: "remove directory", path: path, errnoCode: errno)
            }
        } else {
            try removeFile(path)
        }
    }

    /// Removes a directory only if it is empty; true when it was removed.
    static func removeIfEmpty(_ path: String) -> Bool {
        rmdir(path) == 0
    }
}
