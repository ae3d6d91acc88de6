import Common
import Foundation
import Glibc
import XCTest

/// Runs the built `fleet` and `cephadm-exporter` binaries for the deploy and apply tests.
enum DeployBinaries {
    struct Run {
        let status: Int32
        let out: String
        let err: String
        var all: String { out + err }
    }

    static func fleet(_ args: [String], stdin: String = "") throws -> Run {
        try run([TestPaths.fleet] + args, stdin: stdin)
    }

    static func exporter(_ args: [String], stdin: String = "") throws -> Run {
        try run([TestPaths.exporter] + args, stdin: stdin)
    }

    static func run(_ argv: [String], stdin: String = "") throws -> Run {
        let r = try CommandRunner().run(argv, stdin: Array(stdin.utf8), timeoutSecs: 120)
        let status: Int32
        switch r.termination {
        case .exited(let code): status = code
        case .signalled(let signal): status = 128 + signal
        }
        return Run(status: status, out: r.stdoutText, err: r.stderrText)
    }

    /// Fails (never skips) with a clear message when a binary is missing or no longer routes a
    /// sub-command these tests drive: `make test` builds both binaries, so either is a bug.
    static func requireSubcommands() throws {
        for (binary, args, usage) in [
            (TestPaths.exporter, ["deploy", "--help"], "Usage: cephadm-exporter deploy"),
            (TestPaths.exporter, ["rm-daemon", "--help"], "Usage: cephadm-exporter rm-daemon"),
            (TestPaths.fleet, ["config", "--help"], "Usage: fleet config"),
            (TestPaths.fleet, ["apply", "--help"], "Usage: fleet apply"),
        ] {
            guard FileManager.default.isExecutableFile(atPath: binary) else {
                throw TestFailure("\(binary) is not built (run `swift build` first, as `make test` does)")
            }
            let r = try run([binary] + args)
            guard r.out.contains(usage) else {
                throw TestFailure("\(PathText.basename(binary)) does not route '\(args[0])' (no \"\(usage)\" in its --help): \(r.all)")
            }
        }
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        lstat(path, &info)
        return info.st_mode & 0o7777
    }

    static func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// Every path below `dir`, relative, sorted.
    static func tree(_ dir: String) -> [String] {
        ((FileManager.default.enumerator(atPath: dir)?.allObjects as? [String]) ?? []).sorted()
    }
}

/// A throwaway sshd on loopback: its own host key, an authorized client key, one ListenAddress
/// per test host (they all reach this sshd), stopped by its pid.
final class LoopbackSSHD {
    static let binary = "/usr/sbin/sshd"

    let dir: String
    let port: Int
    let clientKey: String
    private let process: SpawnedProcess

    /// Throws XCTSkip when sshd or ssh-keygen is missing.
    init(addresses: [String], in dir: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw XCTSkip("\(Self.binary) is missing; `make test` installs openssh-server")
        }
        guard let keygen = CommandRunner().which("ssh-keygen"), CommandRunner().which("ssh") != nil else {
            throw XCTSkip("ssh or ssh-keygen is missing; `make test` installs openssh-client")
        }
        self.dir = dir
        clientKey = dir + "/client_key"
        for (key, comment) in [(dir + "/host_key", "host"), (clientKey, "client")] {
            let r = try CommandRunner().run([keygen, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key], timeoutSecs: 30)
            guard r.succeeded else { throw TestFailure("ssh-keygen failed: \(r.stderrText)") }
        }
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: dir + "/authorized_keys")
        // Privilege separation needs this directory; it normally comes with the package.
        mkdir("/run/sshd", 0o755)
        var attempt = 0
        (process, port) = try PortCandidates.retrying { port -> (SpawnedProcess, Int)? in
            attempt += 1
            let log = dir + "/sshd-\(attempt).log"
            let config = [
                "Port \(port)",
            ] + addresses.map { "ListenAddress \($0)" } + [
                "HostKey \(dir)/host_key",
                "AuthorizedKeysFile \(dir)/authorized_keys",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "PidFile \(dir)/sshd.pid",
            ]
            try (config.joined(separator: "\n") + "\n").write(toFile: dir + "/sshd_config", atomically: true, encoding: .utf8)
            let process = try SpawnedProcess([Self.binary, "-D", "-f", dir + "/sshd_config", "-E", log],
                                             outputDir: dir, name: "sshd-\(attempt)")
            let up = TestPaths.eventually(timeout: 15) {
                !process.isRunning || addresses.allSatisfy { PortCandidates.accepts(port, host: $0) }
            }
            if up, process.isRunning { return (process, port) }
            let text = (DeployBinaries.read(log) ?? "") + process.stderr
            process.signal(SIGKILL)
            process.wait(timeout: 5)
            guard text.contains("Address already in use") else { throw TestFailure("sshd did not start: \(text)") }
            return nil
        }
    }

    deinit {
        process.signal(SIGTERM)
        if process.wait(timeout: 5) == nil {
            process.signal(SIGKILL)
            process.wait(timeout: 5)
        }
    }

    /// ssh options for `fleet apply`: this key, no host-key prompts or records.
    var fleetSSHArguments: [String] {
        ["--ssh-identity", clientKey, "--ssh-user", "root",
         "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"]
    }
}
