import CShims
import Glibc
import Synchronization

/// Held while a pipe is created and marked close-on-exec, and while a child is spawned, so no
/// child started by this runner on another thread can inherit a pipe end in the instant before
/// it is marked. (`pipe2(O_CLOEXEC)` would close that window by itself, but it is declared
/// only under _GNU_SOURCE, which CShims deliberately does not define.)
let spawnLock = Mutex<Void>(())

/// A pipe whose ends are close-on-exec. Call with `spawnLock` held.
func makeCloexecPipe() -> (read: Int32, write: Int32)? {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { return nil }
    guard cshim_set_cloexec(fds[0]) == 0, cshim_set_cloexec(fds[1]) == 0 else {
        let saved = errno
        close(fds[0]); close(fds[1])
        errno = saved
        return nil
    }
    return (fds[0], fds[1])
}

func setNonBlocking(_ fd: Int32) -> Bool { cshim_set_nonblocking(fd) == 0 }
