import Glibc
import Synchronization

/// A child process that could not be started.
public struct ChildProcessError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How a child process ended and what it printed.
public struct ChildProcessResult: Sendable, Equatable {
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        public var description: String {
            switch self {
            case .exited(let code): return "exit status \(code)"
            case .signalled(let signal): return "killed by signal \(signal)"
            }
        }
    }

    public let termination: Termination
    public let stdout: [UInt8]
    public let stderr: [UInt8]
    /// True when the deadline passed and the child was killed.
    public let timedOut: Bool

    public var succeeded: Bool { termination == .exited(0) && !timedOut }
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs external programs with posix_spawn: stdin fed from memory, stdout and stderr captured,
/// an optional deadline. Foundation.Process is avoided on purpose: it waits on inherited pipe
/// descriptors that daemonizing children keep open, and it is not usable from several threads
/// spawning at once without leaking pipe ends into each other's children.
public enum ChildProcess {
    /// Runs `argv` (argv[0] looked up on PATH when it has no slash) to completion.
    /// - stdin: bytes written to the child's standard input, which is then closed.
    /// - environment: the full environment for the child; nil inherits this process's.
    /// - timeoutSeconds: after this, the child gets SIGKILL and `timedOut` is set.
    /// - outputLimit: bytes kept of each of stdout and stderr (the rest is read and dropped).
    public static func run(
        _ argv: [String],
        stdin input: [UInt8] = [],
        environment: [String: String]? = nil,
        timeoutSeconds: Double? = nil,
        outputLimit: Int = 1 << 20
    ) throws(ChildProcessError) -> ChildProcessResult {
        guard let program = argv.first, !program.isEmpty else { throw ChildProcessError("no program to run") }
        // Writing to a child that exited early must be an EPIPE, not a fatal signal for us.
        signal(SIGPIPE, SIG_IGN)

        // pipe2(O_CLOEXEC) is not visible from Swift here, so pipe() + FD_CLOEXEC is made
        // atomic with respect to other spawns by this lock: a child spawned by another thread
        // at the same moment must not inherit our pipe ends, or our child would never see EOF.
        let (stdinPipe, stdoutPipe, stderrPipe, spawned) = try spawnLock.withLock { _ throws(ChildProcessError) in
            try spawnWithPipes(argv, environment: environment)
        }
        let pid: pid_t
        switch spawned {
        case .success(let p): pid = p
        case .failure(let error):
            closeAll([stdinPipe.write, stdoutPipe.read, stderrPipe.read])
            throw error
        }

        var io = PipeIO(stdinFD: input.isEmpty ? -1 : stdinPipe.write, input: input,
                        stdoutFD: stdoutPipe.read, stderrFD: stderrPipe.read, limit: outputLimit)
        if input.isEmpty { close(stdinPipe.write) }
        let deadline = timeoutSeconds.map { monotonicSeconds() + $0 }
        var timedOut = false
        var status: Int32? = nil
        var reapedAt: Double? = nil

        while true {
            let now = monotonicSeconds()
            if let deadline, now >= deadline, status == nil, !timedOut {
                kill(pid, SIGKILL)
                timedOut = true
            }
            if status == nil, let s = reap(pid, block: false) {
                status = s
                reapedAt = now
            }
            if io.finished {
                if status != nil { break }
                // The child closed its output but has not exited yet.
                usleep(5_000)
                continue
            }
            // A grandchild may keep the pipes open after the child itself exited; stop
            // waiting for its output shortly after the child is gone.
            if let reapedAt, now - reapedAt > 0.5 { break }
            var waitMs: Int32 = 100
            if let deadline, status == nil {
                waitMs = Int32(max(1, min(100, (deadline - now) * 1000)))
            }
            io.pump(timeoutMs: waitMs)
        }
        io.closeRemaining()

        let termination: ChildProcessResult.Termination
        if let s = status, let t = decode(s) {
            termination = t
        } else {
            termination = .exited(-1)
        }
        return ChildProcessResult(termination: termination, stdout: io.stdout, stderr: io.stderr, timedOut: timedOut)
    }

    /// Starts a long-running child with stdin from /dev/null and stdout/stderr appended to
    /// files, and returns its pid. The caller stops it with `kill` and reaps it with `waitForExit`.
    public static func start(
        _ argv: [String],
        environment: [String: String]? = nil,
        stdoutPath: String,
        stderrPath: String
    ) throws(ChildProcessError) -> pid_t {
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard devNull >= 0 else { throw ChildProcessError("cannot open /dev/null: \(errnoText())") }
        let out = open(stdoutPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard out >= 0 else {
            let text = errnoText()
            close(devNull)
            throw ChildProcessError("cannot open \(stdoutPath): \(text)")
        }
        let err = open(stderrPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard err >= 0 else {
            let text = errnoText()
            closeAll([devNull, out])
            throw ChildProcessError("cannot open \(stderrPath): \(text)")
        }
        defer { closeAll([devNull, out, err]) }
        return try spawn(argv, environment: environment, stdin: devNull, stdout: out, stderr: err).get()
    }

    /// Waits up to `timeoutSeconds` for `pid` to exit; nil if it is still running then.
    public static func waitForExit(_ pid: pid_t, timeoutSeconds: Double) -> ChildProcessResult.Termination? {
        let deadline = monotonicSeconds() + timeoutSeconds
        while true {
            if let s = reap(pid, block: false) { return decode(s) }
            if monotonicSeconds() >= deadline { return nil }
            usleep(10_000)
        }
    }

    /// Looks a program up on PATH the way a shell would; nil when it is not there.
    public static func findOnPath(_ name: String, path: String? = nil) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let searchPath = path ?? (getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin")
        for dir in searchPath.split(separator: ":") where !dir.isEmpty {
            let candidate = dir + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    // MARK: - spawning

    private static let spawnLock = Mutex(())

    private typealias Pipe = (read: Int32, write: Int32)

    /// Creates the three pipes, spawns, and closes the child's ends. Called under `spawnLock`.
    private static func spawnWithPipes(
        _ argv: [String], environment: [String: String]?
    ) throws(ChildProcessError) -> (Pipe, Pipe, Pipe, Result<pid_t, ChildProcessError>) {
        let stdinPipe = try makePipe()
        let stdoutPipe: Pipe
        let stderrPipe: Pipe
        do {
            stdoutPipe = try makePipe()
        } catch {
            closeAll([stdinPipe.read, stdinPipe.write])
            throw error
        }
        do {
            stderrPipe = try makePipe()
        } catch {
            closeAll([stdinPipe.read, stdinPipe.write, stdoutPipe.read, stdoutPipe.write])
            throw error
        }
        let spawned = spawn(argv, environment: environment, stdin: stdinPipe.read, stdout: stdoutPipe.write, stderr: stderrPipe.write)
        closeAll([stdinPipe.read, stdoutPipe.write, stderrPipe.write])
        return (stdinPipe, stdoutPipe, stderrPipe, spawned)
    }


    private static func spawn(
        _ argv: [String], environment: [String: String]?, stdin: Int32, stdout: Int32, stderr: Int32
    ) -> Result<pid_t, ChildProcessError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with no blocked signals and default handlers even if this process
        // blocks signals for a signalfd or ignores SIGPIPE.
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArgv = argv.map { strdup($0) } + [nil]
        defer { cArgv.forEach { free($0) } }
        let envStrings: [String]
        if let environment {
            envStrings = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        } else {
            envStrings = currentEnvironment()
        }
        let cEnv = envStrings.map { strdup($0) } + [nil]
        defer { cEnv.forEach { free($0) } }

        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgv, cEnv)
        guard rc == 0 else {
            return .failure(ChildProcessError("cannot run \(argv[0]): \(String(cString: strerror(rc)))"))
        }
        return .success(pid)
    }

    private static func currentEnvironment() -> [String] {
        var out: [String] = []
        var p = environ
        while let entry = p.pointee {
            out.append(String(cString: entry))
            p += 1
        }
        return out
    }

    private static func makePipe() throws(ChildProcessError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw ChildProcessError("cannot create a pipe: \(errnoText())") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    private static func reap(_ pid: pid_t, block: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, block ? 0 : WNOHANG)
            if r == pid { return status }
            if r < 0 && errno == EINTR { continue }
            return nil
        }
    }

    private static func decode(_ status: Int32) -> ChildProcessResult.Termination? {
        let low = status & 0x7f
        if low == 0 { return .exited((status >> 8) & 0xff) }
        if low != 0x7f { return .signalled(low) }
        return nil
    }

    private static func closeAll(_ fds: [Int32]) { for fd in fds where fd >= 0 { close(fd) } }

    private static func monotonicSeconds() -> Double { Double(Clock.monotonicNanos()) / 1e9 }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Feeds stdin and drains stdout/stderr together with poll(2), so a child that fills one pipe
/// while we write the other cannot deadlock us.
private struct PipeIO {
    var stdinFD: Int32
    let input: [UInt8]
    var written = 0
    var stdoutFD: Int32
    var stderrFD: Int32
    let limit: Int
    var stdout: [UInt8] = []
    var stderr: [UInt8] = []

    init(stdinFD: Int32, input: [UInt8], stdoutFD: Int32, stderrFD: Int32, limit: Int) {
        self.stdinFD = stdinFD
        self.input = input
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
        self.limit = limit
        for fd in [stdinFD, stdoutFD, stderrFD] where fd >= 0 {
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        }
    }

    var finished: Bool { stdinFD < 0 && stdoutFD < 0 && stderrFD < 0 }

    mutating func pump(timeoutMs: Int32) {
        var fds: [pollfd] = []
        if stdinFD >= 0 { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
        if stdoutFD >= 0 { fds.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
        if stderrFD >= 0 { fds.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
        guard !fds.isEmpty else { return }
        let n = poll(&fds, nfds_t(fds.count), timeoutMs)
        guard n > 0 else { return }
        for p in fds where p.revents != 0 {
            if p.fd == stdinFD { writeInput() }
            else if p.fd == stdoutFD {
                if !Self.drain(stdoutFD, into: &stdout, limit: limit) { close(stdoutFD); stdoutFD = -1 }
            } else if p.fd == stderrFD {
                if !Self.drain(stderrFD, into: &stderr, limit: limit) { close(stderrFD); stderrFD = -1 }
            }
        }
    }

    private mutating func writeInput() {
        while written < input.count {
            let n = input.withUnsafeBytes { raw in
                Glibc.write(stdinFD, raw.baseAddress! + written, raw.count - written)
            }
            if n > 0 { written += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            break  // EPIPE: the child closed its stdin; the rest is not wanted
        }
        close(stdinFD)
        stdinFD = -1
    }

    /// Reads what is available; false once the pipe reached end of file.
    private static func drain(_ fd: Int32, into buffer: inout [UInt8], limit: Int) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                let room = max(0, limit - buffer.count)
                buffer.append(contentsOf: chunk.prefix(min(n, room)))
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return true }
            return false
        }
    }

    mutating func closeRemaining() {
        for fd in [stdinFD, stdoutFD, stderrFD] where fd >= 0 { close(fd) }
        stdinFD = -1; stdoutFD = -1; stderrFD = -1
    }
}
