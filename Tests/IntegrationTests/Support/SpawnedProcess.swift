import Foundation
import Glibc

/// A child process started with posix_spawn (not Foundation.Process, which hangs on
/// descriptors inherited by daemonizing children such as tmux), output sent to files.
final class SpawnedProcess {
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private(set) var exitStatus: Int32?

    init(_ argv: [String], environment: [String: String] = [:], stdinPath: String = "/dev/null",
         outputDir: String, name: String) throws {
        stdoutPath = "\(outputDir)/\(name).stdout"
        stderrPath = "\(outputDir)/\(name).stderr"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var p: pid_t = 0
        let rc = posix_spawn(&p, argv[0], &actions, nil, cArgs, cEnv)
        guard rc == 0 else { throw TestFailure("posix_spawn \(argv[0]) failed: \(String(cString: strerror(rc)))") }
        pid = p
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            _ = wait(timeout: 5)
        }
    }

    func signal(_ sig: Int32) { kill(pid, sig) }

    /// Waits for the exit; the exit status (128+signal when killed), or nil on timeout.
    @discardableResult
    func wait(timeout: Double) -> Int32? {
        if let s = exitStatus { return s }
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                exitStatus = code
                return code
            }
            usleep(10_000)
        } while Date() < deadline
        return nil
    }

    var isRunning: Bool {
        if exitStatus != nil { return false }
        return wait(timeout: 0) == nil
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

enum TestPaths {
    /// The directory holding the built executables (next to the test bundle).
    static var binDir: String {
        if let d = ProcessInfo.processInfo.environment["EXPORTER_BIN_DIR"] { return d }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The xctest bundle may be a directory on some layouts.
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("cephadm-exporter").path), url.path != "/" {
            url = url.deletingLastPathComponent()
        }
        return url.path
    }

    static var exporter: String { binDir + "/cephadm-exporter" }
    static var fleet: String { binDir + "/fleet" }
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }
    static var fixtures: String { packageRoot + "/Tests/Fixtures" }

    static func makeTempDir(_ prefix: String) throws -> String {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        return String(cString: p)
    }

    /// Polls `condition` until it holds or `timeout` passes.
    static func eventually(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }
}
