import Common
import Foundation
import Glibc
import XCTest

/// Debian's cephadm 16.2.15 (the Pacific reference, `make deps` installs it) and ours, run
/// side by side in one hermetic sandbox: a temporary directory whose `bin` is the whole PATH
/// of both (a podman stand-in that answers `podman version` and fails everything else, the
/// real `sysctl`, and whatever a test adds), so neither sees the host's systemctl, container
/// engine or Ceph. cephadm's own log and logrotate files go to the sandbox too
/// (Tests/Fixtures/pacific/run-cephadm.py).
final class PacificSandbox {
    static var cephadmPath: String { ProcessInfo.processInfo.environment["PACIFIC_CEPHADM"] ?? "/usr/sbin/cephadm" }
    static var launcher: String { TestPaths.fixtures + "/pacific/run-cephadm.py" }
    static let python = "/usr/bin/python3"

    /// Skips the test, saying how to get the reference, when cephadm is not installed.
    static func requireReference() throws {
        guard FileManager.default.isExecutableFile(atPath: cephadmPath), FileManager.default.isExecutableFile(atPath: python) else {
            throw XCTSkip("the Pacific reference \(cephadmPath) is not installed: `make deps` installs Debian's cephadm 16.2.15")
        }
    }

    let dir: String
    var bin: String { dir + "/bin" }

    init() throws {
        try Self.requireReference()
        dir = try TestPaths.makeTempDir("pacific-conformance")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try addScript("podman", """
            if [ "$1" = version ]; then echo 4.3.1; exit 0; fi
            echo "podman stand-in: no containers here ($*)" >&2
            exit 125
            """)
        for tool in ["/usr/sbin/sysctl", "/sbin/sysctl"] where FileManager.default.fileExists(atPath: tool) {
            try FileManager.default.createSymbolicLink(atPath: bin + "/sysctl", withDestinationPath: tool)
            break
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// A `#!/bin/sh` script on the sandbox's PATH (inside it, the system's PATH for its tools).
    func addScript(_ name: String, _ body: String) throws {
        let path = "\(bin)/\(name)"
        try? FileManager.default.removeItem(atPath: path)
        try ("#!/bin/sh\nPATH=/usr/bin:/bin\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    var environment: [String: String] {
        ["PATH": bin, "CONFORMANCE_TMP": dir, "PACIFIC_CEPHADM": Self.cephadmPath, "LANG": "C.UTF-8"]
    }

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// `cephadm ARGS` (the reference).
    func pacific(_ args: [String], extraEnvironment: [String: String] = [:], timeout: Double = 120) throws -> Run {
        try run([Self.python, Self.launcher] + args, extraEnvironment: extraEnvironment, timeout: timeout)
    }

    /// `cephadm-exporter ARGS` (ours), with the same PATH.
    func ours(_ args: [String], timeout: Double = 120) throws -> Run {
        try run([TestPaths.exporter] + args, timeout: timeout)
    }

    /// Starts a long-running process in the sandbox's environment.
    func spawn(_ argv: [String], extraEnvironment: [String: String] = [:], name: String) throws -> SpawnedProcess {
        try SpawnedProcess(argv, environment: environment.merging(extraEnvironment) { _, new in new }, outputDir: dir, name: name)
    }

    private func run(_ argv: [String], extraEnvironment: [String: String] = [:], timeout: Double) throws -> Run {
        let name = "run-\(UInt32.random(in: 0...UInt32.max))"
        let process = try spawn(argv, extraEnvironment: extraEnvironment, name: name)
        guard let status = process.wait(timeout: timeout) else {
            process.signal(SIGKILL)
            throw TestFailure("\(argv.joined(separator: " ")) did not finish within \(Int(timeout)) s")
        }
        return Run(status: status, stdout: process.stdout, stderr: process.stderr)
    }

    /// Runs both and parses their JSON output; a failure names the command and its stderr.
    func bothJSON(pacific pacificArgs: [String], ours oursArgs: [String]) throws -> (pacific: JSONValue, ours: JSONValue) {
        let p = try pacific(pacificArgs)
        guard p.status == 0 else { throw TestFailure("cephadm \(pacificArgs.joined(separator: " ")) exited \(p.status):\n\(p.stderr)") }
        let o = try ours(oursArgs)
        guard o.status == 0 else { throw TestFailure("cephadm-exporter \(oursArgs.joined(separator: " ")) exited \(o.status):\n\(o.stderr)") }
        return (try parse(p.stdout, "cephadm"), try parse(o.stdout, "cephadm-exporter"))
    }

    private func parse(_ text: String, _ who: String) throws -> JSONValue {
        do { return try JSONParser.parse(Array(text.utf8)) } catch { throw TestFailure("\(who) printed no JSON (\(error)):\n\(text.prefix(2000))") }
    }
}
