import Dispatch
import Foundation
import Synchronization
import XCTest

@testable import Common

/// When a run is cut short: timeouts, a context's deadline and cancellation, runaway output,
/// and grandchildren that outlive the child.
final class CommandRunnerStoppingTests: XCTestCase {
    private let runner = CommandRunner(searchPath: "/usr/bin:/bin")

    func test_timeout_kills_the_child_and_everything_it_started() throws {
        let dir = try CommandRunnerTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pidFile = dir + "/grandchild.pid"
        XCTAssertThrowsError(try runner.run(["sh", "-c", "sleep 60 & echo $! > \(pidFile); wait"], timeoutSecs: 0.5)) { error in
            guard case .timedOut(let command, let secs)? = error as? CommandError else { return XCTFail("\(error)") }
            XCTAssertTrue(command.hasPrefix("sh -c sleep 60"), command)
            XCTAssertEqual(secs, 0.5, accuracy: 0.1)
            XCTAssertTrue("\(error)".contains("did not finish within"), "\(error)")
        }
        let text = (try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? ""
        let grandchild = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        XCTAssertGreaterThan(grandchild, 0)
        XCTAssertFalse(Self.isRunning(grandchild), "the process group was killed")
    }

    func test_a_child_fed_input_is_still_killed_at_the_timeout() throws {
        XCTAssertThrowsError(try runner.run(["sh", "-c", "sleep 30"], stdin: Array("unread".utf8), timeoutSecs: 0.2)) { error in
            guard case .timedOut? = error as? CommandError else { return XCTFail("\(error)") }
        }
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
        var pipes = ChildPipes(stdoutFD: fd, stderrFD: -1, maxStdout: 64 << 20, maxStderr: 0)
        defer { pipes.closeAll() }
        pipes.readAvailable()
        XCTAssertEqual(pipes.stdout.count, 1 << 20)
        XCTAssertTrue(pipes.isOpen)
    }

    func test_large_output_on_both_pipes_is_read_completely() throws {
        let result = try runner.run(["sh", "-c", "head -c 3000000 /dev/zero; head -c 100000 /dev/zero >&2"], timeoutSecs: 30)
        XCTAssertEqual(result.stdout.count, 3_000_000)
        XCTAssertEqual(result.stderr.count, 64 << 10, "stderr is cut to its limit but drained")
    }

    func test_stdout_beyond_the_limit_kills_the_child_and_is_an_error() throws {
        var small = runner
        small.maxStdoutBytes = 1000
        XCTAssertThrowsError(try small.run(["sh", "-c", "head -c 5000 /dev/zero; sleep 30"], timeoutSecs: 20)) { error in
            XCTAssertEqual(error as? CommandError, .outputTooLarge(command: "sh -c head -c 5000 /dev/zero; sleep 30", limitBytes: 1000))
        }
    }

    func test_the_context_deadline_limits_a_run_without_its_own_timeout() throws {
        let context = TestContext(remainingSecs: 0.3)
        XCTAssertThrowsError(try runner.run(["sleep", "60"], context: context)) { error in
            guard case .timedOut? = error as? CommandError else { return XCTFail("\(error)") }
        }
    }

    func test_the_earlier_of_timeout_and_context_deadline_applies() throws {
        let context = TestContext(remainingSecs: 60)
        XCTAssertThrowsError(try runner.run(["sleep", "60"], timeoutSecs: 0.2, context: context)) { error in
            guard case .timedOut(_, let secs)? = error as? CommandError else { return XCTFail("\(error)") }
            XCTAssertEqual(secs, 0.2, accuracy: 0.1)
        }
    }

    func test_cancelling_the_context_kills_a_running_child() throws {
        let context = TestContext(remainingSecs: 60)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(200)) { context.cancel() }
        XCTAssertThrowsError(try runner.run(["sleep", "60"], context: context)) { error in
            XCTAssertEqual(error as? CommandError, .cancelled(command: "sleep 60"))
        }
    }

    func test_an_already_cancelled_context_starts_nothing() throws {
        let context = TestContext(remainingSecs: 60)
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

    private static func isRunning(_ pid: pid_t) -> Bool {
        // A zombie waiting for its new parent to reap it counts as gone.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        guard let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }
}

/// A time budget and a cancellation flag, as the exporter's scrape context carries them.
private final class TestContext: CommandContext {
    let remainingSecs: Double
    private let cancelled = Atomic<Bool>(false)

    init(remainingSecs: Double) { self.remainingSecs = remainingSecs }

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }
    func cancel() { cancelled.store(true, ordering: .releasing) }
}
