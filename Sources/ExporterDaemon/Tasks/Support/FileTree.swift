import Common
import Glibc

/// Read-only access to files below a `SystemRoot`. Every reader of /proc, /sys, /etc, /run and
/// /var/lib/ceph goes through here so the tasks can be pointed at a fixture tree. Paths passed
/// in are the absolute paths as they would be on the host (`/sys/block`).
struct FileTree: Sendable {
    let root: SystemRoot

    init(_ root: SystemRoot) { self.root = root }

    /// The file's bytes, or nil if it cannot be opened or read (missing, permission, EINVAL
    /// from sysfs attributes such as `speed` on a link that is down, or larger than `limit`).
    func readBytes(_ path: String, limit: Int = 16 << 20) -> [UInt8]? {
        try? FileReader.read(root.path(path), limit: limit)
    }

    /// The file's text, or nil when unreadable.
    func readText(_ path: String) -> String? {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The file's text with surrounding white space removed (sysfs attributes end in "\n").
    func readTrimmed(_ path: String) -> String? {
        readText(path).map { $0.trimmingWhitespace() }
    }

    /// Names in a directory, sorted, or nil if it cannot be listed. Dot-names are left out: the
    /// kernel never creates them in the places read here, and fixture trees use `.keep` files
    /// to make otherwise empty directories exist in git.
    func list(_ path: String) -> [String]? {
        guard let dir = opendir(root.path(path)) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            names.append(name)
        }
        return names.sorted()
    }

    func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(root.path(path), &st) == 0
    }

    /// True for a directory or a symlink to one.
    func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(root.path(path), &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The last component of the path a symlink chain resolves to (`device/driver` -> `ixgbe`).
    func resolvedBasename(_ path: String) -> String? {
        guard let resolved = realpath(root.path(path), nil) else { return nil }
        defer { free(resolved) }
        let full = String(cString: resolved)
        return full.split(separator: "/").last.map(String.init)
    }

    /// Modification time as whole seconds and nanoseconds since the epoch.
    func modificationTime(_ path: String) -> (seconds: Int64, nanoseconds: Int)? {
        var st = stat()
        guard stat(root.path(path), &st) == 0 else { return nil }
        return (Int64(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec))
    }

    /// Why the last failed call failed, for error messages (`No such file or directory`).
    static func lastErrorText() -> String { String(cString: strerror(errno)) }
}
