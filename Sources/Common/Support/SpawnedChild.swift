import CShims
import Dispatch
import Glibc

/// A child started with `posix_spawn` in its own process group, its stdout and stderr on
/// non-blocking pipes whose read ends the parent keeps, and its stdin either a pipe the parent
/// writes (when there is input) or /dev/null.
///
/// Every pipe is close-on-exec from birth (`pipe2`), so children spawned by other threads at
/// the same moment never inherit an end and each child sees end of file when its own exits;
/// no lock around spawning is needed.
struct SpawnedChild {
    let pid: pid_t
    /// -1 when stdin is /dev/null.
    let stdinFD: Int32
    let stdoutFD: Int32
    let stderrFD: Int32
    /// Whether the child leads its own process group (then kills reach its whole group).
    let ownGroup: Bool

    static func start(executable: String, argv: [String], environment: [String], pipesStdin: Bool,
                      ownGroup: Bool = true, command: String) throws(CommandError) -> SpawnedChild {
        var created: [(read: Int32, write: Int32)] = []
        for _ in 0..<(pipesStdin ? 3 : 2) {
            var fds: [Int32] = [-1, -1]
            guard cshim_pipe_cloexec(&fds) == 0 else {
                let reason = errnoText()
                for pipe in created { close(pipe.read); close(pipe.write) }
                throw .pipeFailed(command: command, reason: reason)
            }
            created.append((fds[0], fds[1]))
        }
        let out = created[0], err = created[1]
        let input = pipesStdin ? created[2] : nil
        let spawned = spawn(executable: executable, argv: argv, environment: environment, ownGroup: ownGroup,
                            stdinFD: input?.read, stdoutFD: out.write, stderrFD: err.write)
        // The child has its own copies now; ours of its ends would keep its pipes from ever
        // reaching end of file.
        close(out.write)
        close(err.write)
        if let input { close(input.read) }
        let pid: pid_t
        switch spawned {
        case .success(let started):
            pid = started
        case .failure(let refusal):
            close(out.read)
            close(err.read)
            if let input { close(input.write) }
            throw .spawnFailed(command: command, reason: "\(executable): \(String(cString: strerror(refusal.value)))")
        }
        let child = SpawnedChild(pid: pid, stdinFD: input?.write ?? -1, stdoutFD: out.read, stderrFD: err.read, ownGroup: ownGroup)
        for fd in [child.stdinFD, child.stdoutFD, child.stderrFD] where fd >= 0 { _ = cshim_set_nonblocking(fd) }
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
    /// left to a background waiter so the caller is not held hostage.
    func killAndReap() {
        if ownGroup { kill(-pid, SIGKILL) }
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

    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// posix_spawn's error number when it refuses.
    private struct SpawnErrno: Error { let value: Int32 }

    private static func spawn(executable: String, argv: [String], environment: [String], ownGroup: Bool,
                              stdinFD: Int32?, stdoutFD: Int32, stderrFD: Int32) -> Result<pid_t, SpawnErrno> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdinFD {
            posix_spawn_file_actions_adddup2(&actions, stdinFD, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdoutFD, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrFD, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a timeout or cancellation kills everything it started
        // (ceph-volume, container engines and ssh fork helpers).
        let groupFlag = ownGroup ? POSIX_SPAWN_SETPGROUP : 0
        posix_spawnattr_setflags(&attributes, Int16(groupFlag | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        if ownGroup { posix_spawnattr_setpgroup(&attributes, 0) }
        // The daemon blocks signals in its threads for a signalfd and both programs ignore
        // SIGPIPE; either would otherwise be inherited across exec and change how the child behaves.
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
