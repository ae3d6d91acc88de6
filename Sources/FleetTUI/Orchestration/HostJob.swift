import Common

/// One thing to do on one host: deploy the exporter there, or remove it.
struct HostJob: Sendable {
    enum Action: String, Sendable {
        case deploy
        case remove
    }

    let target: DeployTarget
    let action: Action
    let argv: [String]
    let stdin: [UInt8]
    let runner: any HostCommandRunner
}

/// What happened to one job, worded for the result table.
struct HostJobResult: Sendable {
    let target: DeployTarget
    let action: HostJob.Action
    let result: HostCommandResult

    var succeeded: Bool { result.succeeded }

    /// `deployed`, `removed` or `failed`.
    var outcome: String {
        guard result.succeeded else { return "failed" }
        return action == .deploy ? "deployed" : "removed"
    }

    /// The reason for a failure, or a short note on what the host reported.
    var detail: String {
        if let reason = result.failureReason { return reason }
        let out = result.stdout
        switch action {
        case .deploy:
            var parts = [DaemonIdentity.daemonName(id: target.daemonID)]
            if let port = Self.deployedPort(out) { parts.append("port \(port)") }
            if out.contains("reloaded: sent SIGHUP") || out.contains("systemctl try-reload-or-restart") {
                parts.append("reloaded")
            } else if out.contains("not running (no live") {
                parts.append("not running (the new credentials apply when it starts)")
            } else if out.contains("--no-start:") {
                parts.append("not started (--no-start)")
            } else if out.contains("systemd is not running") {
                parts.append("not started (no systemd on the host)")
            } else if out.contains("systemctl restart") {
                parts.append("running")
            }
            return parts.joined(separator: ", ")
        case .remove:
            return out.contains("Nothing to remove") ? "nothing was deployed there" : DaemonIdentity.daemonName(id: target.daemonID)
        }
    }

    /// The port from deploy's first line, `Deploying ... on port P`.
    static func deployedPort(_ output: String) -> Int? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Deploying ") }),
              let last = line.split(separator: " ").last else { return nil }
        return Int(last)
    }
}
