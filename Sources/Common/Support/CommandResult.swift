/// How a child process ended.
public enum ChildTermination: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    /// Decodes a `waitpid` status (the W* macros do not import into Swift).
    init(waitStatus status: Int32) {
        let low = status & 0x7f
        self = low == 0 ? .exited((status >> 8) & 0xff) : .signalled(low)
    }

    public var description: String {
        switch self {
        case .exited(let code): return "exited with status \(code)"
        case .signalled(let signal): return "was killed by signal \(signal)"
        }
    }
}

/// What a child that ran to its end produced. A non-zero exit is a result, not an error
/// (systemctl reports unit states that way); `checked()` turns it into one.
public struct CommandResult: Sendable, Equatable {
    public let argv: [String]
    public let termination: ChildTermination
    public let stdout: [UInt8]
    /// Standard error, cut to the runner's limit (the start is kept).
    public let stderr: [UInt8]

    public init(argv: [String], termination: ChildTermination, stdout: [UInt8], stderr: [UInt8]) {
        self.argv = argv
        self.termination = termination
        self.stdout = stdout
        self.stderr = stderr
    }

    public var command: String { argv.joined(separator: " ") }
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    public var succeeded: Bool { termination == .exited(0) }

    /// The same result, or `CommandError.failed` naming the command and its trimmed stderr.
    public func checked() throws(CommandError) -> CommandResult {
        guard succeeded else {
            throw .failed(command: command, termination: termination, stderr: Self.tail(of: stderrText.trimmingWhitespace()))
        }
        return self
    }

    /// Error output can be long; the end usually says what went wrong.
    private static func tail(of text: String, maxCharacters: Int = 2000) -> String {
        text.count <= maxCharacters ? text : "…" + String(text.suffix(maxCharacters))
    }
}

/// Why running an external command gave no usable result. Each message names the command
/// (the exporter reports these as `CommandError exception: <description>`).
public enum CommandError: Error, Equatable, CustomStringConvertible {
    case emptyCommand
    case notFound(command: String, searchPath: String)
    case spawnFailed(command: String, reason: String)
    case pipeFailed(command: String, reason: String)
    case timedOut(command: String, afterSecs: Double)
    case cancelled(command: String)
    case outputTooLarge(command: String, limitBytes: Int)
    case failed(command: String, termination: ChildTermination, stderr: String)

    public var description: String {
        switch self {
        case .emptyCommand:
            return "no command given"
        case .notFound(let command, let searchPath):
            return "\(command): command not found in PATH \(searchPath)"
        case .spawnFailed(let command, let reason):
            return "cannot start `\(command)`: \(reason)"
        case .pipeFailed(let command, let reason):
            return "cannot create pipes for `\(command)`: \(reason)"
        case .timedOut(let command, let secs):
            return "`\(command)` did not finish within \(DecimalText.seconds(secs)) s and was killed"
        case .cancelled(let command):
            return "`\(command)` was killed because the scrape was cancelled"
        case .outputTooLarge(let command, let limit):
            return "`\(command)` wrote more than \(limit) bytes to stdout and was killed"
        case .failed(let command, let termination, let stderr):
            let detail = stderr.isEmpty ? " (no error output)" : ": \(stderr)"
            return "`\(command)` \(termination)\(detail)"
        }
    }
}

/// What a command is run on behalf of: a time budget it may not outlive and a flag that calls it
/// off early. The exporter's scrape context is the one there is (hence the wording of
/// `CommandError.cancelled`), so a cut-off scrape kills its children.
public protocol CommandContext: Sendable {
    /// Seconds left before the work this command is part of must be done (never negative).
    var remainingSecs: Double { get }
    var isCancelled: Bool { get }
}
