import Dispatch
import Glibc

/// A child started with `posix_spawn` in its own process group, stdin from /dev/null and
/// stdout/stderr on non-blocking pipes whose read ends the parent keeps.
struct SpawnedChild {
    let pid: pid_t
    let stdoutFD: Int32
    let stderrFD: Int32

    static func start(executable: String, argv: [String], environment: [String], command: String) throws(CommandError) -> SpawnedChild {
        let started = spawnLock.withLock { _ -> Result<SpawnedChild, CommandError> in
            guard let out = makeCloexecPipe() else {
                return .failure(.pipeFailed(command: command, reason: FileTree.lastErrorText()))
            }
            guard let err = makeCloexecPipe() else {
                let reason = FileTree.lastErrorText()
                close(out.read); close(out.write)
                return .failure(.pipeFailed(command: command, reason: reason))
            }
            let rc = spawn(executable: executable, argv: argv, environment: environment, stdoutFD: out.write, stderrFD: err.write)
            close(out.write)
            close(err.write)
            switch rc {
            case .success(let pid):
                return .success(SpawnedChild(pid: pid, stdoutFD: out.read, stderrFD: err.read))
            case .failure(let refusal):
                close(out.read); close(err.read)
                return .failure(.spawnFailed(command: command, reason: "\(executable): \(String(cString: strerror(refusal.value)))"))
            }
        }
        let child = try started.get()
        _ = setNonBlocking(child.stdoutFD)
        _ = setNonBlocking(child.stderrFD)
        return child
    }

    /// How the child ended, or nil while it runs.
    func reapIfExited() -> ChildTermination? {
        var status: Int32 = 0
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { return ChildTermination(waitStatus: status) }
            if rc == 0 { return nil }
            if errno == EINTR { continue }
            // ECHILD: reaped elsewhere (SIGCHLD ignored), so the status is lost; not a success.
            return .exited(-1)
        }
    }

    /// SIGKILLs the child's process group and reaps the child. A child stuck in the kernel
    /// (uninterruptible I/O on a failing disk) may not die at once: after a few seconds it is
    /// left to a background waiter so the scrape thread is not held hostage.
    func killAndReap() {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        for _ in 0..<500 {
            if reapIfExited() != nil { return }
            usleep(10_000)
        }
        let pid = self.pid
        DispatchQueue.global().async {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
    }

    /// posix_spawn's error number when it refuses.
    private struct SpawnErrno: Error { let value: Int32 }

    private static func spawn(executable: String, argv: [String], environment: [String],
                              stdoutFD: Int32, stderrFD: Int32) -> Result<pid_t, SpawnErrno> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrFD, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        // The daemon blocks signals in its threads and ignores SIGPIPE; both would otherwise
        // be inherited across exec and change how the child behaves.
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, cArgv, cEnv)
        return rc == 0 ? .success(pid) : .failure(SpawnErrno(value: rc))
    }
}
