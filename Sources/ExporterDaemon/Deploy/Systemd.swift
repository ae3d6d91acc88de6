import Common
import Glibc

/// systemctl, when systemd is the running init. Containers and build sandboxes often have the
/// systemctl binary without a running systemd; there the unit files are still written, the
/// systemctl steps are skipped, and the output says so.
struct Systemd: Sendable {
    /// systemd creates this directory at boot; its presence is how sd_booted() decides.
    let markerDirectory: String
    let run: @Sendable ([String]) -> Result<CommandResult, CommandError>

    static let live = Systemd(markerDirectory: "/run/systemd/system") { argv in
        Result { () throws(CommandError) in try CommandRunner().run(argv, timeoutSecs: 120) }
    }

    var isRunning: Bool {
        var info = stat()
        return stat(markerDirectory, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static let notRunningNote = "systemd is not running here (no /run/systemd/system)"

    /// Runs `systemctl ARGS`; on failure, the reason from its stderr.
    func systemctl(_ arguments: [String]) -> SystemctlOutcome {
        let command = (["systemctl"] + arguments).joined(separator: " ")
        let result: CommandResult
        switch run(["systemctl"] + arguments) {
        case .success(let finished):
            result = finished
        case .failure(.timedOut):
            return SystemctlOutcome(command: command, succeeded: false, detail: "timed out")
        case .failure:
            return SystemctlOutcome(command: command, succeeded: false, detail: "systemctl could not be run")
        }
        if result.succeeded { return SystemctlOutcome(command: command, succeeded: true, detail: "") }
        let detail = result.stderrText.split(separator: "\n").last.map(String.init) ?? result.termination.description
        return SystemctlOutcome(command: command, succeeded: false, detail: detail)
    }
}

struct SystemctlOutcome: Sendable, Equatable {
    let command: String
    let succeeded: Bool
    let detail: String

    var summary: String { succeeded ? command : "\(command): failed: \(detail)" }
}
