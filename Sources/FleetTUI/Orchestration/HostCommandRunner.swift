import Common

/// Runs a command on one host and says how it went.
protocol HostCommandRunner: Sendable {
    /// - argv: the command as words (quoted for the remote shell by SSH runners).
    /// - stdin: bytes piped to the command (the exporter config; never put on a command line).
    func run(_ argv: [String], on target: DeployTarget, stdin: [UInt8], timeoutSeconds: Double) -> HostCommandResult
}

/// The outcome of one host command: success with its output, or a one-line reason.
struct HostCommandResult: Sendable, Equatable {
    let failureReason: String?
    let stdout: String
    let stderr: String

    var succeeded: Bool { failureReason == nil }

    static func success(stdout: String, stderr: String = "") -> HostCommandResult {
        HostCommandResult(failureReason: nil, stdout: stdout, stderr: stderr)
    }

    static func failure(_ reason: String, stdout: String = "", stderr: String = "") -> HostCommandResult {
        HostCommandResult(failureReason: reason, stdout: stdout, stderr: stderr)
    }
}

/// Turns a child process run into a HostCommandResult with a reason an operator can act on.
enum HostCommandOutcome {
    /// ssh's own failures (cannot connect, host key, authentication) exit with 255.
    static let sshFailureStatus: Int32 = 255

    static func interpret(_ outcome: Result<CommandResult, CommandError>, viaSSH: Bool, program: String,
                          timeoutSeconds: Double) -> HostCommandResult {
        let result: CommandResult
        switch outcome {
        case .success(let finished):
            result = finished
        case .failure(.timedOut):
            return .failure("timed out after \(DecimalText.seconds(timeoutSeconds)) s (see --timeout)")
        case .failure(let error):
            return .failure(viaSSH ? "cannot run ssh: \(error)" : "\(error)")
        }
        let out = result.stdoutText, err = result.stderrText
        switch result.termination {
        case .exited(0):
            return .success(stdout: out, stderr: err)
        case .exited(HostCommandOutcome.sshFailureStatus) where viaSSH:
            return .failure("ssh: " + (lastLine(err) ?? "connection failed (exit status 255)"), stdout: out, stderr: err)
        case .exited(127):
            return .failure("\(program) was not found on the host (install it there or point --remote-binary at it)", stdout: out, stderr: err)
        case .exited(let code):
            return .failure(summary(err) ?? "exit status \(code)", stdout: out, stderr: err)
        case .signalled(let signal):
            return .failure("killed by signal \(signal)", stdout: out, stderr: err)
        }
    }

    /// The useful part of a failed command's stderr on one line: the problem lines, without the
    /// "failed:" header and usage hints, capped so the result table stays readable.
    static func summary(_ stderr: String) -> String? {
        let lines = stderr.split(separator: "\n").map { $0.trimmingWhitespace() }.filter {
            !$0.isEmpty && !$0.hasSuffix("failed:") && !$0.hasPrefix("Run '")
        }
        guard !lines.isEmpty else { return nil }
        let joined = lines.joined(separator: "; ")
        return joined.count > 400 ? String(joined.prefix(397)) + "..." : joined
    }

    static func lastLine(_ text: String) -> String? {
        text.split(separator: "\n").map { $0.trimmingWhitespace() }.last { !$0.isEmpty }
    }

}
