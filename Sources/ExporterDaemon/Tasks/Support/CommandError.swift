/// How a child process ended.
enum ChildTermination: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    /// Decodes a `waitpid` status (the W* macros do not import into Swift).
    init(waitStatus status: Int32) {
        let low = status & 0x7f
        self = low == 0 ? .exited((status >> 8) & 0xff) : .signalled(low)
    }

    var description: String {
        switch self {
        case .exited(let code): return "exited with status \(code)"
        case .signalled(let signal): return "was killed by signal \(signal)"
        }
    }
}

/// Why running an external command gave no usable result. The supervisor reports these as
/// `CommandError exception: <description>`, so each message names the command.
enum CommandError: Error, Equatable, CustomStringConvertible {
    case emptyCommand
    case notFound(command: String, searchPath: String)
    case spawnFailed(command: String, reason: String)
    case pipeFailed(command: String, reason: String)
    case timedOut(command: String, afterSecs: Double)
    case cancelled(command: String)
    case outputTooLarge(command: String, limitBytes: Int)
    case failed(command: String, termination: ChildTermination, stderr: String)

    var description: String {
        switch self {
        case .emptyCommand:
            return "no command given"
        case .notFound(let command, let searchPath):
            return "\(command): command not found in PATH \(searchPath)"
        case .spawnFailed(let command, let reason):
            return "cannot start `\(command)`: \(reason)"
        case .pipeFailed(let command, let reason):
            return "cannot create output pipes for `\(command)`: \(reason)"
        case .timedOut(let command, let secs):
            return "`\(command)` did not finish within \(Self.seconds(secs)) and was killed"
        case .cancelled(let command):
            return "`\(command)` was killed because the scrape was cancelled"
        case .outputTooLarge(let command, let limit):
            return "`\(command)` wrote more than \(limit) bytes to stdout and was killed"
        case .failed(let command, let termination, let stderr):
            let detail = stderr.isEmpty ? " (no error output)" : ": \(stderr)"
            return "`\(command)` \(termination)\(detail)"
        }
    }

    private static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\((s * 1000).rounded() / 1000) s"
    }
}
