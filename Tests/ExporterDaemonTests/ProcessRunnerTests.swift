import Dispatch
import Foundation
import XCTest

@testable import ExporterDaemon

final class ProcessRunnerTests: XCTestCase {
    private let runner = ProcessRunner(searchPath: "/usr/bin:/bin")

    func test_stdout_and_stderr_are_captured_separately() throws {
        let result = try runner.run(["sh", "-c", "echo out; echo err >&2; echo more"])
        XCTAssertEqual(result.stdoutText, "out\nmore\n")
        XCTAssertEqual(result.stderr, "err\n")
        XCTAssertEqual(result.termination, .exited(0))
        XCTAssertTrue(result.succeeded)
    }

    func test_stdin_is_empty_so_a_reading_child_does_not_wait() throws {
        let result = try runner.run(["cat"], timeoutSecs: 10)
        XCTAssertEqual(result.stdout, [])
        XCTAssertTrue(result.succeeded)
    }

    func test_nonzero_exit_is_returned_by_run_and_thrown_by_checked_with_the_command_and_stderr() throws {
        let result = try runner.run(["sh", "-c", "echo '  disk on fire  ' >&2; exit 3"])
        XCTAssertEqual(result.termination, .exited(3))
        XCTAssertThrowsError(try result.checked()) { error in
            XCTAssertEqual(error as? CommandError,
                           .failed(command: "sh -c echo '  disk on fire  ' >&2; exit 3", termination: .exited(3), stderr: "disk on fire"))
            XCTAssertEqual("\(error)", "`sh -c echo '  disk on fire  ' >&2; exit 3` exited with status 3: disk on fire")
        }
        XCTAssertThrowsError(try runner.runChecked(["false"])) { error in
            XCTAssertEqual("\(error)", "`false` exited with status 1 (no error output)")
        }
    }

    func test_a_child_killed_by_a_signal_is_reported_as_such() throws {
        let result = try runner.run(["sh", "-c", "kill -TERM $$"])
        XCTAssertEqual(result.termination, .signalled(SIGTERM))
        XCTAssertFalse(result.succeeded)
    }

    func test_large_output_on_both_pipes_is_read_completely() throws {
        let result = try runner.run(["sh", "-c", "head -c 3000000 /dev/zero; head -c 100000 /dev/zero >&2"], timeoutSecs: 30)
        XCTAssertEqual(result.stdout.count, 3_000_000)
        XCTAssertEqual(result.stderr.utf8.count, 64 << 10, "stderr is cut to its limit but drained")
    }

    func test_stdout_beyond_the_limit_kills_the_child_and_is_an_error() throws {
        var small = runner
        small.maxStdoutBytes = 1000
        XCTAssertThrowsError(try small.run(["sh", "-c", "head -c 5000 /dev/zero; sleep 30"], timeoutSecs: 20)) { error in
            XCTAssertEqual(error as? CommandError, .outputTooLarge(command: "sh -c head -c 5000 /dev/zero; sleep 30", limitBytes: 1000))
        }
    }

    func test_timeout_kills_the_child_and_everything_it_started() throws {
        let tree = try TemporaryTree()
        let pidFile = tree.full("grandchild.pid")
        XCTAssertThrowsError(try runner.run(["sh", "-c", "sleep 60 & echo $! > \(pidFile); wait"], timeoutSecs: 0.5)) { error in
            guard case .timedOut(_, let secs)? = error as? CommandError else { return XCTFail("\(error)") }
            XCTAssertEqual(secs, 0.5, accuracy: 0.1)
            XCTAssertTrue("\(error)".contains("did not finish within"), "\(error)")
        }
        let grandchild = pid_t(tree.read("grandchild.pid")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        XCTAssertGreaterThan(grandchild, 0)
        XCTAssertFalse(Self.isRunning(grandchild), "the process group was killed")
    }

    func test_a_child_writing_without_pause_is_still_killed_at_the_timeout() throws {
        XCTAssertThrowsError(try runner.run(["sh", "-c", "yes >&2"], timeoutSecs: 0.3)) { error in
            guard case .timedOut? = error as? CommandError else { return XCTFail("\(error)") }
        }
    }

    func test_one_read_pass_stops_after_a_mebibyte_so_a_flooding_child_cannot_starve_the_deadline_check() throws {
        // /dev/zero never runs dry and never ends, like a child that writes without pause.
        let fd = open("/dev/zero", O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        var output = OutputCollector(stdoutFD: fd, stderrFD: -1, maxStdout: 64 << 20, maxStderr: 0)
        defer { output.closeAll() }
        output.readAvailable()
        XCTAssertEqual(output.stdout.count, 1 << 20)
        XCTAssertTrue(output.isOpen)
    }

    func test_the_context_deadline_limits_a_run_without_its_own_timeout() throws {
        let context = ScrapeContext(deadline: .now + .milliseconds(300))
        XCTAssertThrowsError(try runner.run(["sleep", "60"], context: context)) { error in
            guard case .timedOut? = error as? CommandError else { return XCTFail("\(error)") }
        }
    }

    func test_cancelling_the_context_kills_a_running_child() throws {
        let context = ScrapeContext(deadline: .now + .seconds(60))
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(200)) { context.cancel() }
        XCTAssertThrowsError(try runner.run(["sleep", "60"], context: context)) { error in
            XCTAssertEqual(error as? CommandError, .cancelled(command: "sleep 60"))
        }
    }

    func test_an_already_cancelled_context_starts_nothing() throws {
        let context = ScrapeContext(deadline: .now + .seconds(60))
        context.cancel()
        XCTAssertThrowsError(try runner.run(["sh", "-c", "exit 0"], context: context)) { error in
            XCTAssertEqual(error as? CommandError, .cancelled(command: "sh -c exit 0"))
        }
    }

    func test_a_background_grandchild_holding_the_pipes_does_not_hold_up_the_result() throws {
        let result = try runner.run(["sh", "-c", "sleep 5 & echo done"], timeoutSecs: 4)
        XCTAssertEqual(result.stdoutText, "done\n")
        XCTAssertTrue(result.succeeded)
    }

    func test_unknown_commands_and_unstartable_paths_are_errors() throws {
        XCTAssertThrowsError(try runner.run(["no-such-command-here"])) { error in
            XCTAssertEqual(error as? CommandError, .notFound(command: "no-such-command-here", searchPath: "/usr/bin:/bin"))
        }
        XCTAssertThrowsError(try runner.run(["/nonexistent/ceph-volume", "inventory"])) { error in
            guard case .spawnFailed(let command, let reason)? = error as? CommandError else { return XCTFail("\(error)") }
            XCTAssertEqual(command, "/nonexistent/ceph-volume inventory")
            XCTAssertTrue(reason.contains("No such file"), reason)
        }
        XCTAssertThrowsError(try runner.run([])) { error in XCTAssertEqual(error as? CommandError, .emptyCommand) }
    }

    func test_which_finds_executable_files_only() throws {
        let tree = try TemporaryTree()
        try tree.add(script: "bin/tool", "exit 0")
        try tree.add(file: "bin/notexec", "", mode: 0o644)
        try tree.add(directory: "bin/adir")
        let path = "/nonexistent:\(tree.full("bin"))"
        XCTAssertEqual(ProcessRunner.which("tool", searchPath: path), tree.full("bin/tool"))
        XCTAssertNil(ProcessRunner.which("notexec", searchPath: path))
        XCTAssertNil(ProcessRunner.which("adir", searchPath: path))
        XCTAssertNil(ProcessRunner.which("bin/tool", searchPath: path), "names with a slash are not looked up")
    }

    func test_the_child_gets_the_given_environment_and_default_signal_handling() throws {
        var custom = runner
        custom.environment = ["GATHER_TEST": "yes", "PATH": "/usr/bin:/bin"]
        let result = try custom.run(["sh", "-c", "echo $GATHER_TEST; grep -E '^Sig(Ign|Blk)' /proc/self/status"])
        let lines = result.stdoutText.split(separator: "\n")
        XCTAssertEqual(lines.first, "yes")
        XCTAssertTrue(lines.contains("SigBlk:\t0000000000000000"), result.stdoutText)
    }

    func test_concurrent_runs_each_see_their_own_end_of_file() throws {
        let results = Mutexed<[String]>([])
        let runner = self.runner
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let text = (try? runner.run(["sh", "-c", "echo \(i)"], timeoutSecs: 20).stdoutText) ?? "failed"
            results.append(text)
        }
        XCTAssertEqual(results.value.sorted(), (0..<8).map { "\($0)\n" }.sorted())
    }

    private static func isRunning(_ pid: pid_t) -> Bool {
        // A zombie waiting for its new parent to reap it counts as gone.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        guard let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }
}

/// A value shared with `concurrentPerform`.
private final class Mutexed<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
    func append<E>(_ element: E) where T == [E] { lock.lock(); stored.append(element); lock.unlock() }
}
