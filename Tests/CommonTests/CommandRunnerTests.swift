import Dispatch
import Foundation
import Synchronization
import XCTest

@testable import Common

/// What a run gives back: output, exit, input, environment, path lookup and start failures.
final class CommandRunnerTests: XCTestCase {
    private let runner = CommandRunner(searchPath: "/usr/bin:/bin")

    func test_stdout_and_stderr_are_captured_separately() throws {
        let result = try runner.run(["sh", "-c", "echo out; echo err >&2; echo more"])
        XCTAssertEqual(result.stdoutText, "out\nmore\n")
        XCTAssertEqual(result.stderrText, "err\n")
        XCTAssertEqual(result.termination, .exited(0))
        XCTAssertTrue(result.succeeded)
    }

    func test_input_is_piped_to_stdin_and_then_closed() throws {
        let result = try runner.run(["cat"], stdin: Array("hello\n".utf8), timeoutSecs: 10)
        XCTAssertTrue(result.succeeded)
        XCTAssertEqual(result.stdoutText, "hello\n")
    }

    func test_without_input_stdin_is_empty_so_a_reading_child_does_not_wait() throws {
        let result = try runner.run(["cat"], timeoutSecs: 10)
        XCTAssertEqual(result.stdout, [])
        XCTAssertTrue(result.succeeded)
    }

    func test_large_input_and_output_at_once_do_not_deadlock() throws {
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        let result = try runner.run(["cat"], stdin: big, timeoutSecs: 30)
        XCTAssertEqual(result.stdout, big)
    }

    func test_a_child_that_exits_without_reading_its_input_does_not_kill_us() throws {
        let big = [UInt8](repeating: 0, count: 4 << 20)
        let result = try runner.run(["true"], stdin: big, timeoutSecs: 10)
        XCTAssertTrue(result.succeeded)
    }

    func test_nonzero_exit_is_returned_by_run_and_thrown_by_checked_with_the_command_and_stderr() throws {
        let result = try runner.run(["sh", "-c", "echo '  disk on fire  ' >&2; exit 3"])
        XCTAssertEqual(result.termination, .exited(3))
        XCTAssertEqual(result.stderrText, "  disk on fire  \n")
        XCTAssertFalse(result.succeeded)
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

    func test_unknown_commands_and_unstartable_paths_are_errors_naming_them() throws {
        XCTAssertThrowsError(try runner.run(["no-such-command-here"])) { error in
            XCTAssertEqual(error as? CommandError, .notFound(command: "no-such-command-here", searchPath: "/usr/bin:/bin"))
        }
        XCTAssertThrowsError(try runner.run(["/nonexistent/ceph-volume", "inventory"])) { error in
            guard case .spawnFailed(let command, let reason)? = error as? CommandError else { return XCTFail("\(error)") }
            XCTAssertEqual(command, "/nonexistent/ceph-volume inventory")
            XCTAssertTrue(reason.contains("No such file"), reason)
            XCTAssertTrue("\(error)".contains("/nonexistent/ceph-volume"), "\(error)")
        }
        XCTAssertThrowsError(try runner.run([])) { error in XCTAssertEqual(error as? CommandError, .emptyCommand) }
    }

    func test_which_finds_executable_files_only() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/bin/adir", withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/bin/tool", contents: Data("#!/bin/sh\nexit 0\n".utf8), attributes: [.posixPermissions: 0o755]))
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/bin/notexec", contents: Data(), attributes: [.posixPermissions: 0o644]))
        let path = "/nonexistent:\(dir)/bin"
        XCTAssertEqual(CommandRunner.which("tool", searchPath: path), dir + "/bin/tool")
        XCTAssertEqual(CommandRunner(searchPath: path).which("tool"), dir + "/bin/tool")
        XCTAssertNil(CommandRunner.which("notexec", searchPath: path))
        XCTAssertNil(CommandRunner.which("adir", searchPath: path))
        XCTAssertNil(CommandRunner.which("bin/tool", searchPath: path), "names with a slash are not looked up")
    }

    func test_the_child_gets_the_given_environment_and_default_signal_handling() throws {
        var custom = runner
        custom.environment = ["GATHER_TEST": "yes", "PATH": "/usr/bin:/bin"]
        let result = try custom.run(["sh", "-c", "echo $GATHER_TEST; grep -E '^Sig(Ign|Blk)' /proc/self/status"])
        let lines = result.stdoutText.split(separator: "\n")
        XCTAssertEqual(lines.first, "yes")
        XCTAssertTrue(lines.contains("SigBlk:\t0000000000000000"), result.stdoutText)
    }

    func test_a_given_environment_replaces_the_inherited_one() throws {
        let result = try CommandRunner(environment: ["ONLY": "this"]).run(["/usr/bin/env"], timeoutSecs: 10)
        XCTAssertEqual(result.stdoutText, "ONLY=this\n")
    }

    func test_the_child_runs_in_its_own_process_group() throws {
        let result = try runner.run(["sh", "-c", "echo $$; cut -d' ' -f5 /proc/$$/stat"], timeoutSecs: 10)
        let words = result.stdoutText.split(whereSeparator: { $0 == "\n" || $0 == " " })
        XCTAssertEqual(words.count, 2, result.stdoutText)
        XCTAssertEqual(words.first, words.last, "the child leads its own group")
    }

    func test_an_interactive_child_stays_in_our_process_group_so_ctrl_c_reaches_it() throws {
        var interactive = runner
        interactive.ownProcessGroup = false
        let result = try interactive.run(["sh", "-c", "cut -d' ' -f5 /proc/$$/stat"], timeoutSecs: 10)
        XCTAssertEqual(Int32(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)), getpgrp())
    }

    func test_concurrent_runs_each_see_their_own_end_of_file() throws {
        let results = Collected()
        let runner = self.runner
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let input = Array("\(i)\n".utf8)
            let text = (try? runner.run(["sh", "-c", "cat; echo \(i)"], stdin: input, timeoutSecs: 20).stdoutText) ?? "failed"
            results.append(text)
        }
        XCTAssertEqual(results.values.sorted(), (0..<8).map { "\($0)\n\($0)\n" }.sorted())
    }

    static func temporaryDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "command-runner-XXXXXX").utf8CString)
        return String(cString: try XCTUnwrap(mkdtemp(&template)))
    }
}

/// Strings appended from `concurrentPerform`.
private final class Collected: Sendable {
    private let stored = Mutex<[String]>([])
    var values: [String] { stored.withLock { $0 } }
    func append(_ text: String) { stored.withLock { $0.append(text) } }
}
