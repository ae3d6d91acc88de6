import Glibc

/// An exclusive flock on a directory, so two deploys or removals for the same cluster on one
/// host do not interleave (Pacific took /run/cephadm/<fsid>.lock). Released when dropped or
/// when the process dies.
final class DirectoryLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }
    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    static func acquire(_ directory: String) -> DirectoryLock? {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            close(fd)
            return nil
        }
        return DirectoryLock(fd: fd)
    }
}
