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

    /// Skips the test until the dispatchers route the sub-commands this test drives.
    static func requireSubcommands() throws {
        for (binary, args, usage) in [
            (TestPaths.exporter, ["deploy", "--help"], "Usage: cephadm-exporter deploy"),
            (TestPaths.exporter, ["rm-daemon", "--help"], "Usage: cephadm-exporter rm-daemon"),
            (TestPaths.fleet, ["config", "--help"], "Usage: fleet config"),
            (TestPaths.fleet, ["apply", "--help"], "Usage: fleet apply"),
        ] {
            guard FileManager.default.isExecutableFile(atPath: binary) else {
                throw XCTSkip("\(binary) is not built")
            }
            let r = try run([binary] + args)
            guard r.out.contains(usage) else {
                throw XCTSkip("\(PathText.basename(binary)) does not route '\(args[0])' yet (no \"\(usage)\" in its --help)")
            }
        }
    }

    /// A TCP port that was free on 127.0.0.1 a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw TestFailure("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
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
        port = try DeployBinaries.freePort()
        clientKey = dir + "/client_key"
        for (key, comment) in [(dir + "/host_key", "host"), (clientKey, "client")] {
            let r = try CommandRunner().run([keygen, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key], timeoutSecs: 30)
            guard r.succeeded else { throw TestFailure("ssh-keygen failed: \(r.stderrText)") }
        }
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: dir + "/authorized_keys")
        // Privilege separation needs this directory; it normally comes with the package.
        mkdir("/run/sshd", 0o755)
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
        process = try SpawnedProcess([Self.binary, "-D", "-f", dir + "/sshd_config", "-E", dir + "/sshd.log"],
                                     outputDir: dir, name: "sshd")
        let up = TestPaths.eventually(timeout: 15) { [port] in
            !self.process.isRunning || addresses.allSatisfy { Self.accepts($0, port) }
        }
        guard up, process.isRunning else {
            throw TestFailure("sshd did not start: \(DeployBinaries.read(dir + "/sshd.log") ?? "") \(process.stderr)")
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

    private static func accepts(_ address: String, _ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        a.sin_addr = in_addr(s_addr: inet_addr(address))
        return withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
