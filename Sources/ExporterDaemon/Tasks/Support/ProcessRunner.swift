import Glibc

/// What a finished child produced.
struct CommandResult: Sendable {
    let argv: [String]
    let termination: ChildTermination
    let stdout: [UInt8]
    /// Standard error, cut to the runner's limit (the start is kept).
    let stderr: String

    var command: String { argv.joined(separator: " ") }
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var succeeded: Bool { termination == .exited(0) }

    /// The same result, or `CommandError.failed` naming the command and its trimmed stderr.
    func checked() throws(CommandError) -> CommandResult {
        guard succeeded else {
            throw .failed(command: command, termination: termination, stderr: Self.tail(of: stderr.trimmingWhitespace()))
        }
        return self
    }

    /// Error output can be long; the end usually says what went wrong.
    private static func tail(of text: String, maxCharacters: Int = 2000) -> String {
        text.count <= maxCharacters ? text : "…" + String(text.suffix(maxCharacters))
    }
}

/// Runs external commands (systemctl, ceph-volume, podman/docker) with `posix_spawn`:
/// stdin from /dev/null, stdout and stderr captured through pipes with size limits, and a
/// deadline. Foundation's `Process` is avoided because it can hang on descriptors inherited by
/// grandchildren and cannot kill a whole process group.
///
/// The child runs in its own process group so that a timeout or cancellation kills everything
/// it started (ceph-volume and container engines fork helpers).
struct ProcessRunner: Sendable {
    var maxStdoutBytes = 64 << 20
    var maxStderrBytes = 64 << 10
    /// The search path for bare command names; nil means the daemon's own PATH.
    var searchPath: String?
    /// The child's environment; nil means the daemon's own.
    var environment: [String: String]?
    /// How long to keep reading after the child exited while something it started still holds
    /// the pipes open (a daemonizing helper); after that the output so far is used.
    var drainAfterExitSecs = 0.5

    init(searchPath: String? = nil, environment: [String: String]? = nil) {
        self.searchPath = searchPath
        self.environment = environment
    }

    static let defaultSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    var effectiveSearchPath: String {
        if let searchPath { return searchPath }
        if let path = getenv("PATH") { return String(cString: path) }
        return Self.defaultSearchPath
    }

    /// The absolute path of an executable named `name` on the search path, like `which`.
    func which(_ name: String) -> String? { Self.which(name, searchPath: effectiveSearchPath) }

    static func which(_ name: String, searchPath: String) -> String? {
        guard !name.isEmpty, !name.contains("/") else { return nil }
        for dir in searchPath.split(separator: ":") where !dir.isEmpty {
            let candidate = dir.hasSuffix("/") ? "\(dir)\(name)" : "\(dir)/\(name)"
            var st = stat()
            if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    /// Runs `argv` and waits for it, at most `timeoutSecs` and never past the context's
    /// deadline. A non-zero exit is returned, not thrown (systemctl reports states that way);
    /// call `checked()` or use `runChecked` when it is an error.
    func run(_ argv: [String], timeoutSecs: Double? = nil, context: ScrapeContext? = nil) throws(CommandError) -> CommandResult {
        guard let name = argv.first, !name.isEmpty else { throw .emptyCommand }
        let command = argv.joined(separator: " ")
        let executable: String
        if name.contains("/") {
            executable = name
        } else if let found = which(name) {
            executable = found
        } else {
            throw .notFound(command: name, searchPath: effectiveSearchPath)
        }
        if context?.isCancelled == true { throw .cancelled(command: command) }

        var deadline = context?.deadline
        if let timeoutSecs {
            let own = ContinuousClock.now.advanced(by: .milliseconds(Int64(max(0, timeoutSecs) * 1000)))
            deadline = deadline.map { min($0, own) } ?? own
        }
        let budgetSecs = deadline.map { Self.seconds($0 - ContinuousClock.now) } ?? 0

        let env = (environment ?? inheritedEnvironment()).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let started = spawnLock.withLock { _ -> Result<(pid: pid_t, stdout: Int32, stderr: Int32), CommandError> in
            guard let out = makeCloexecPipe() else {
                return .failure(.pipeFailed(command: command, reason: FileTree.lastErrorText()))
            }
            guard let err = makeCloexecPipe() else {
                let reason = FileTree.lastErrorText()
                close(out.read); close(out.write)
                return .failure(.pipeFailed(command: command, reason: reason))
            }
            let spawned = spawn(executable: executable, argv: argv, environment: env, stdoutFD: out.write, stderrFD: err.write)
            close(out.write)
            close(err.write)
            switch spawned {
            case .success(let pid):
                return .success((pid, out.read, err.read))
            case .failure(let failure):
                close(out.read); close(err.read)
                return .failure(.spawnFailed(command: command, reason: failure.reason))
            }
        }
        let child = try started.get()
        let pid = child.pid
        _ = setNonBlocking(child.stdout)
        _ = setNonBlocking(child.stderr)

        var collector = OutputCollector(stdoutFD: child.stdout, stderrFD: child.stderr,
                                        maxStdout: maxStdoutBytes, maxStderr: maxStderrBytes)
        defer { collector.closeAll() }

        var termination: ChildTermination?
        var exitedAt: ContinuousClock.Instant?
        var idleSleepMs: Int32 = 1
        while true {
            let now = ContinuousClock.now
            if let deadline, now >= deadline {
                Self.killAndReap(pid)
                throw .timedOut(command: command, afterSecs: budgetSecs)
            }
            if context?.isCancelled == true {
                Self.killAndReap(pid)
                throw .cancelled(command: command)
            }
            if collector.stdoutOverflowed {
                Self.killAndReap(pid)
                throw .outputTooLarge(command: command, limitBytes: maxStdoutBytes)
            }
            if termination == nil, let status = Self.reapIfExited(pid) {
                termination = ChildTermination(waitStatus: status)
                exitedAt = now
            }
            if let termination {
                let draining = exitedAt.map { Self.seconds(now - $0) < drainAfterExitSecs } ?? false
                if !collector.isOpen || !draining {
                    collector.readAvailable()
                    if collector.stdoutOverflowed {
                        throw .outputTooLarge(command: command, limitBytes: maxStdoutBytes)
                    }
                    return CommandResult(argv: argv, termination: termination, stdout: collector.stdout,
                                         stderr: String(decoding: collector.stderr, as: UTF8.self))
                }
            }
            // Wake at least every 50 ms to notice cancellation and the child's exit.
            var waitMs: Int32 = 50
            if let deadline {
                waitMs = min(waitMs, Int32(max(1, (Self.seconds(deadline - now) * 1000).rounded(.up))))
            }
            if collector.isOpen {
                collector.poll(timeoutMs: waitMs)
            } else {
                // Pipes closed but the child has not exited yet: back off gently.
                usleep(UInt32(min(idleSleepMs, waitMs)) * 1000)
                idleSleepMs = min(idleSleepMs * 2, 50)
            }
        }
    }

    /// `run` followed by `checked()`: a non-zero exit throws, naming the command and its stderr.
    func runChecked(_ argv: [String], timeoutSecs: Double? = nil, context: ScrapeContext? = nil) throws(CommandError) -> CommandResult {
        try run(argv, timeoutSecs: timeoutSecs, context: context).checked()
    }

    // MARK: spawning

    /// Starts the child with the pipes' write ends as its stdout and stderr; the error is the
    /// reason text when it cannot start.
    private func spawn(executable: String, argv: [String], environment env: [String], stdoutFD: Int32, stderrFD: Int32) -> Result<pid_t, SpawnFailure> {
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
        let cEnv = env.map { strdup($0) } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, cArgv, cEnv)
        guard rc == 0 else { return .failure(SpawnFailure("\(executable): \(String(cString: strerror(rc)))")) }
        return .success(pid)
    }

    // MARK: waiting

    private static func reapIfExited(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { return status }
            if rc < 0, errno == EINTR { continue }
            // rc == 0: still running. rc < 0 (ECHILD): someone else reaped it; treat as exit.
            return rc < 0 ? 0 : nil
        }
    }

    /// SIGKILLs the child's process group and reaps the child. A child stuck in the kernel
    /// (uninterruptible I/O on a failing disk) may not die at once: after a few seconds it is
    /// left to a background reaper so the scrape thread is not held hostage.
    private static func killAndReap(_ pid: pid_t) {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        for _ in 0..<500 {
            if reapIfExited(pid) != nil { return }
            usleep(10_000)
        }
        reapInBackground(pid)
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// Reads a child's stdout and stderr without blocking, keeping at most the configured bytes.
private struct OutputCollector {
    private var stdoutFD: Int32
    private var stderrFD: Int32
    private let maxStdout: Int
    private let maxStderr: Int
    private(set) var stdout: [UInt8] = []
    private(set) var stderr: [UInt8] = []
    private(set) var stdoutOverflowed = false

    init(stdoutFD: Int32, stderrFD: Int32, maxStdout: Int, maxStderr: Int) {
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
        self.maxStdout = maxStdout
        self.maxStderr = maxStderr
    }

    var isOpen: Bool { stdoutFD >= 0 || stderrFD >= 0 }

    mutating func poll(timeoutMs: Int32) {
        var fds: [pollfd] = []
        if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
        if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
        let n = Glibc.poll(&fds, nfds_t(fds.count), timeoutMs)
        if n > 0 { readAvailable() }
    }

    /// Reads whatever is ready on both pipes; closes a pipe at end of file.
    mutating func readAvailable() {
        if stdoutFD >= 0 {
            let open = Self.drain(stdoutFD, into: &stdout, keepAtMost: maxStdout + 1)
            if stdout.count > maxStdout { stdoutOverflowed = true }
            if !open { close(stdoutFD); stdoutFD = -1 }
        }
        if stderrFD >= 0 {
            let open = Self.drain(stderrFD, into: &stderr, keepAtMost: maxStderr)
            if !open { close(stderrFD); stderrFD = -1 }
        }
    }

    mutating func closeAll() {
        if stdoutFD >= 0 { close(stdoutFD); stdoutFD = -1 }
        if stderrFD >= 0 { close(stderrFD); stderrFD = -1 }
    }

    /// Reads until the pipe would block (returns true) or reaches end of file (false). Bytes
    /// past `keepAtMost` are read and dropped so a chatty child never stalls on a full pipe.
    private static func drain(_ fd: Int32, into buffer: inout [UInt8], keepAtMost: Int) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                let room = max(0, keepAtMost - buffer.count)
                buffer.append(contentsOf: chunk[0..<min(n, room)])
                continue
            }
            if n == 0 { return false }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK
        }
    }
}

/// Why `posix_spawn` refused, as text for `CommandError.spawnFailed`.
private struct SpawnFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
