import Common

/// Runs commands on hosts with the system `ssh` client: BatchMode (never a password prompt),
/// the configured identity, user and options, the command quoted for the remote shell, and the
/// payload on stdin.
struct SSHRunner: HostCommandRunner {
    let settings: SSHSettings
    /// The ssh program (tests may point it elsewhere).
    var sshProgram = "ssh"

    func arguments(for argv: [String], on target: DeployTarget) -> [String] {
        // ssh keeps the first value it sees for an option: BatchMode comes first so that no
        // option can turn prompts back on (a prompt would wait forever); the operator's options
        // come before our ConnectTimeout default so they can override it.
        var args = [sshProgram, "-o", "BatchMode=yes"]
        for option in settings.options { args += ["-o", option] }
        args += ["-o", "ConnectTimeout=\(settings.connectTimeout)"]
        if let port = target.sshPort { args += ["-p", String(port)] }
        if let identity = settings.identityFile { args += ["-i", identity] }
        if let user = settings.user { args += ["-l", user] }
        args += ["--", target.address, ShellQuoting.commandLine(argv)]
        return args
    }

    func run(_ argv: [String], on target: DeployTarget, stdin: [UInt8], timeoutSeconds: Double) -> HostCommandResult {
        let outcome = Result { () throws(CommandError) in
            try CommandRunner.interactive.run(arguments(for: argv, on: target), stdin: stdin, timeoutSecs: timeoutSeconds)
        }
        return HostCommandOutcome.interpret(outcome, viaSSH: true, program: argv.first ?? "", timeoutSeconds: timeoutSeconds)
    }
}

/// Runs commands on this host directly (the host `fleet bootstrap` runs on).
struct LocalRunner: HostCommandRunner {
    func run(_ argv: [String], on target: DeployTarget, stdin: [UInt8], timeoutSeconds: Double) -> HostCommandResult {
        let outcome = Result { () throws(CommandError) in
            try CommandRunner.interactive.run(argv, stdin: stdin, timeoutSecs: timeoutSeconds)
        }
        return HostCommandOutcome.interpret(outcome, viaSSH: false, program: argv.first ?? "", timeoutSeconds: timeoutSeconds)
    }
}

/// Sends each host to the runner that can reach it.
struct RoutingRunner: HostCommandRunner {
    let remote: any HostCommandRunner
    let local: any HostCommandRunner

    func run(_ argv: [String], on target: DeployTarget, stdin: [UInt8], timeoutSeconds: Double) -> HostCommandResult {
        (target.isLocal ? local : remote).run(argv, on: target, stdin: stdin, timeoutSeconds: timeoutSeconds)
    }
}

extension CommandRunner {
    /// For commands the operator runs from a terminal: Ctrl-C reaches them too.
    static var interactive: CommandRunner {
        var r = CommandRunner()
        r.ownProcessGroup = false
        return r
    }
}
