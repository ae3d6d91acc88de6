import Common
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
        let env = (environment ?? ProcessEnvironment.current()).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let child = try SpawnedChild.start(executable: executable, argv: argv, environment: env, command: command)
        var output = OutputCollector(stdoutFD: child.stdoutFD, stderrFD: child.stderrFD,
                                     maxStdout: maxStdoutBytes, maxStderr: maxStderrBytes)
        defer { output.closeAll() }
        let termination = try wait(for: child, collecting: &output, deadline: deadline, context: context, command: command)
        return CommandResult(argv: argv, termination: termination, stdout: output.stdout,
                             stderr: String(decoding: output.stderr, as: UTF8.self))
    }

    /// `run` followed by `checked()`: a non-zero exit throws, naming the command and its stderr.
    func runChecked(_ argv: [String], timeoutSecs: Double? = nil, context: ScrapeContext? = nil) throws(CommandError) -> CommandResult {
        try run(argv, timeoutSecs: timeoutSecs, context: context).checked()
    }

    /// Reads the child's output until it has exited and its pipes are closed (or the drain
    /// grace has passed), killing it on the deadline, on cancellation or on too much output.
    private func wait(for child: SpawnedChild, collecting output: inout OutputCollector, deadline: ContinuousClock.Instant?,
                      context: ScrapeContext?, command: String) throws(CommandError) -> ChildTermination {
        let budgetSecs = deadline.map { Self.seconds($0 - ContinuousClock.now) } ?? 0
        var termination: ChildTermination?
        var exitedAt: ContinuousClock.Instant?
        var idleSleepMs: Int32 = 1
        while true {
            let now = ContinuousClock.now
            if let deadline, now >= deadline {
                child.killAndReap()
                throw .timedOut(command: command, afterSecs: budgetSecs)
            }
            if context?.isCancelled == true {
                child.killAndReap()
                throw .cancelled(command: command)
            }
            if output.stdoutOverflowed {
                child.killAndReap()
                throw .outputTooLarge(command: command, limitBytes: maxStdoutBytes)
            }
            if termination == nil, let ended = child.reapIfExited() {
                termination = ended
                exitedAt = now
            }
            if let termination, let exitedAt {
                if !output.isOpen || Self.seconds(now - exitedAt) >= drainAfterExitSecs {
                    output.readAvailable()
                    if output.stdoutOverflowed { throw .outputTooLarge(command: command, limitBytes: maxStdoutBytes) }
                    return termination
                }
            }
            // Wake at least every 50 ms to notice cancellation and the child's exit.
            var waitMs: Int32 = 50
            if let deadline {
                waitMs = min(waitMs, Int32(max(1, (Self.seconds(deadline - now) * 1000).rounded(.up))))
            }
            if output.isOpen {
                output.poll(timeoutMs: waitMs)
            } else {
                // Pipes closed but the child has not exited yet: back off gently.
                usleep(UInt32(min(idleSleepMs, waitMs)) * 1000)
                idleSleepMs = min(idleSleepMs * 2, 50)
            }
        }
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
