import CShims
import Glibc

// Kept apart from files importing Foundation or Dispatch: CShims is built with _GNU_SOURCE,
// and mixing its view of the libc headers with theirs in one file makes clang reject both.

/// A pipe whose ends are close-on-exec from birth, so a child spawned by another thread at
/// the same moment cannot inherit (and hold open) our write end.
func makeCloexecPipe() -> (read: Int32, write: Int32)? {
    var fds: [Int32] = [-1, -1]
    guard pipe2(&fds, O_CLOEXEC) == 0 else { return nil }
    return (fds[0], fds[1])
}

func setNonBlocking(_ fd: Int32) -> Bool { cshim_set_nonblocking(fd) == 0 }
