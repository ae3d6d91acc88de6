import Glibc

/// Runs external programs (systemctl, ceph-volume, podman/docker, ssh) with `posix_spawn`:
/// input fed from memory (or stdin from /dev/null), stdout and stderr captured through pipes
/// with size limits, and a deadline. Foundation's `Process` is avoided: it waits on descriptors
/// inherited by daemonizing grandchildren, leaks pipe ends between threads spawning at once,
/// and cannot kill a whole process group.
///
/// The child runs in its own process group, so a timeout or cancellation kills everything it
/// started.
public struct CommandRunner: Sendable {
    /// Stdout past this kills the child and is an error (output that large is a runaway).
    public var maxStdoutBytes = 64 << 20
    /// Stderr past this is read and dropped; the start is kept.
    public var maxStderrBytes = 64 << 10
    /// The search path for bare command names; nil means this process's PATH.
    public var searchPath: String?
    /// The child's whole environment; nil means this process's own.
    public var environment: [String: String]?
    /// How long to keep reading after the child exited while something it started still holds
    /// the pipes open (a daemonizing helper); after that the output so far is used.
    public var drainAfterExitSecs = 0.5
    /// The child leads its own process group, so a timeout kills everything it started. Set
    /// false for children an operator may interrupt from the terminal (ssh sessions of
    /// `fleet apply`): they stay in the terminal's group and get its Ctrl-C; a timeout then
    /// kills only the child itself.
    public var ownProcessGroup = true

    public init(searchPath: String? = nil, environment: [String: String]? = nil) {
        self.searchPath = searchPath
        self.environment = environment
    }

    public static let defaultSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    public var effectiveSearchPath: String {
        if let searchPath { return searchPath }
        if let path = getenv("PATH") { return String(cString: path) }
        return Self.defaultSearchPath
    }

    /// The absolute path of an executable named `name` on the search path, like `which`.
    public func which(_ name: String) -> String? { Self.which(name, searchPath: effectiveSearchPath) }

    /// The first regular, executable file called `name` in `searchPath`; names with a slash
    /// are not looked up.
    public static func which(_ name: String, searchPath: String) -> String? {
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

    /// Runs `argv` (argv[0] looked up on the search path when it has no slash) and waits for
    /// it, at most `timeoutSecs` and never past the context's deadline.
    /// - stdin: bytes written to the child's standard input, which is then closed; when empty
    ///   the child reads /dev/null.
    /// A non-zero exit is returned, not thrown; call `checked()` or use `runChecked` when it is
    /// an error. A timeout, cancellation or too much stdout kills the child's process group and
    /// throws.
    public func run(_ argv: [String], stdin input: [UInt8] = [], timeoutSecs: Double? = nil,
                    context: (any CommandContext)? = nil) throws(CommandError) -> CommandResult {
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
        // A child that exits without reading all its input must make our write fail with
        // EPIPE, not kill this process.
        if !input.isEmpty { signal(SIGPIPE, SIG_IGN) }

        // The budget becomes a deadline on the system's monotonic clock: the child runs in real time.
        let budget = [timeoutSecs, context?.remainingSecs].compactMap { $0 }.min()
        let deadline = budget.map { Clock.monotonicNanos() &+ Clock.nanos(fromSeconds: $0) }
        let child = try SpawnedChild.start(executable: executable, argv: argv, environment: environmentStrings(),
                                           pipesStdin: !input.isEmpty, ownGroup: ownProcessGroup, command: command)
        var pipes = ChildPipes(stdinFD: child.stdinFD, input: input, stdoutFD: child.stdoutFD, stderrFD: child.stderrFD,
                               maxStdout: maxStdoutBytes, maxStderr: maxStderrBytes)
        defer { pipes.closeAll() }
        let termination = try wait(for: child, pipes: &pipes, deadline: deadline, budgetSecs: budget ?? 0,
                                   context: context, command: command)
        return CommandResult(argv: argv, termination: termination, stdout: pipes.stdout, stderr: pipes.stderr)
    }

    /// `run` followed by `checked()`: a non-zero exit throws, naming the command and its stderr.
    public func runChecked(_ argv: [String], stdin input: [UInt8] = [], timeoutSecs: Double? = nil,
                           context: (any CommandContext)? = nil) throws(CommandError) -> CommandResult {
        try run(argv, stdin: input, timeoutSecs: timeoutSecs, context: context).checked()
    }

    /// Feeds and reads the child's pipes until it has exited and they are closed (or the drain
    /// grace has passed), killing it on the deadline, on cancellation or on too much output.
    private func wait(for child: SpawnedChild, pipes: inout ChildPipes, deadline: UInt64?, budgetSecs: Double,
                      context: (any CommandContext)?, command: String) throws(CommandError) -> ChildTermination {
        var termination: ChildTermination?
        var exitedAt: UInt64?
        var idleSleepMs: Int32 = 1
        while true {
            let now = Clock.monotonicNanos()
            if let deadline, now >= deadline {
                child.killAndReap()
                throw .timedOut(command: command, afterSecs: budgetSecs)
            }
            if context?.isCancelled == true {
                child.killAndReap()
                throw .cancelled(command: command)
            }
            if pipes.stdoutOverflowed {
                child.killAndReap()
                throw .outputTooLarge(command: command, limitBytes: maxStdoutBytes)
            }
            if termination == nil, let ended = child.reapIfExited() {
                termination = ended
                exitedAt = now
            }
            if let termination, let exitedAt {
                if !pipes.isOpen || Clock.seconds(fromNanos: now &- exitedAt) >= drainAfterExitSecs {
                    pipes.readAvailable()
                    if pipes.stdoutOverflowed { throw .outputTooLarge(command: command, limitBytes: maxStdoutBytes) }
                    return termination
                }
            }
            // Wake at least every 50 ms to notice cancellation and the child's exit.
            var waitMs: Int32 = 50
            if let deadline {
                waitMs = Int32(max(1, min(Double(waitMs), (Clock.seconds(fromNanos: deadline &- now) * 1000).rounded(.up))))
            }
            if pipes.isOpen {
                pipes.poll(timeoutMs: waitMs)
            } else {
                // Pipes closed but the child has not exited yet: back off gently.
                usleep(UInt32(min(idleSleepMs, waitMs)) * 1000)
                idleSleepMs = min(idleSleepMs * 2, 50)
            }
        }
    }

    /// `KEY=value` strings for the child: the configured environment in key order, or this
    /// process's own as it stands.
    private func environmentStrings() -> [String] {
        if let environment {
            return environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        }
        var strings: [String] = []
        var entry = environ
        while let text = entry.pointee {
            strings.append(String(cString: text))
            entry += 1
        }
        return strings
    }
}
