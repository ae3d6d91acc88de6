import Common
import Glibc

/// An exclusive flock(2) on the store's lock file, serializing fleet processes that change the
/// store. The kernel drops it when the process dies, so a killed fleet never leaves it stuck.
/// Sendable: its only state is the descriptor, fixed at creation.
final class StoreLock: Sendable {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Takes the lock, telling `onWait` once if another process holds it and we must wait.
    static func acquire(path: String, onWait: (String) -> Void) throws(FleetStoreError) -> StoreLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .cannotLock(path: path, reason: String(cString: strerror(errno)))
        }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return StoreLock(fd: fd) }
        guard errno == EWOULDBLOCK else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .cannotLock(path: path, reason: reason)
        }
        onWait("waiting for another fleet process that holds \(path)")
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .cannotLock(path: path, reason: reason)
        }
        return StoreLock(fd: fd)
    }
}
