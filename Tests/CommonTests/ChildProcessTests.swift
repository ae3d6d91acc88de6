import XCTest
@testable import Common

final class ChildProcessTests: XCTestCase {
    func test_stdin_is_piped_and_stdout_captured() throws {
        let result = try ChildProcess.run(["cat"], stdin: Array("hello\n".utf8), timeoutSeconds: 10)
        XCTAssertTrue(result.succeeded)
        XCTAssertEqual(result.stdoutText, "hello\n")
    }

    func test_large_stdin_and_stdout_do_not_deadlock() throws {
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        let result = try ChildProcess.run(["cat"], stdin: big, timeoutSeconds: 30, outputLimit: 2 << 20)
        XCTAssertEqual(result.stdout.count, big.count)
    }

    func test_exit_status_and_stderr_are_reported() throws {
        let result = try ChildProcess.run(["sh", "-c", "echo oops >&2; exit 3"], timeoutSeconds: 10)
        XCTAssertEqual(result.termination, .exited(3))
        XCTAssertEqual(result.stderrText, "oops\n")
        XCTAssertFalse(result.succeeded)
    }

    func test_deadline_kills_the_child() throws {
        let result = try ChildProcess.run(["sleep", "30"], timeoutSeconds: 0.2)
        XCTAssertTrue(result.timedOut)
        XCTAssertEqual(result.termination, .signalled(SIGKILL))
    }

    func test_missing_program_is_an_error_naming_it() {
        XCTAssertThrowsError(try ChildProcess.run(["/nonexistent/prog"])) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/prog"))
        }
    }

    func test_child_that_exits_without_reading_stdin_does_not_kill_us() throws {
        let big = [UInt8](repeating: 0, count: 4 << 20)
        let result = try ChildProcess.run(["true"], stdin: big, timeoutSeconds: 10)
        XCTAssertTrue(result.succeeded)
    }

    func test_explicit_environment_replaces_the_inherited_one() throws {
        let result = try ChildProcess.run(["/usr/bin/env"], environment: ["ONLY": "this"], timeoutSeconds: 10)
        XCTAssertEqual(result.stdoutText, "ONLY=this\n")
    }
}
