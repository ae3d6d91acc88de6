import Glibc
import Synchronization
import XCTest

@testable import Common

final class EventLoopTests: XCTestCase {
    /// A handler that always has more work: it yields on every turn.
    final class Yielder: EventHandler {
        let loop: EventLoop
        let fd: Int32
        var resumes = 0
        var resumesAfterUnregister = 0
        var unregistered = false
        init(loop: EventLoop, fd: Int32) {
            self.loop = loop
            self.fd = fd
        }
        func handleEvents(_ events: UInt32) {}
        func resume() {
            resumes += 1
            if unregistered { resumesAfterUnregister += 1 }
            loop.resumeNextTurn(fd: fd)
        }
    }

    /// A loop with a `Yielder` registered on a pipe that never becomes readable, queued for the
    /// next turn; `body` schedules what it checks, then the loop runs until something stops it.
    private func runWithYielder(_ body: (EventLoop, Yielder) -> Void) throws -> Yielder {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { fds.forEach { close($0) } }
        let loop = try EventLoop()
        let yielder = Yielder(loop: loop, fd: fds[0])
        try loop.register(fd: fds[0], events: 0, handler: yielder)
        body(loop, yielder)
        loop.run()
        return yielder
    }

    func test_timers_fire_while_a_handler_yields_on_every_turn() throws {
        var firedAfterResumes = -1
        _ = try runWithYielder { loop, yielder in
            loop.resumeNextTurn(fd: yielder.fd)
            loop.schedule(after: 0.05) {
                firedAfterResumes = yielder.resumes
                loop.stop()
            }
        }
        XCTAssertGreaterThan(firedAfterResumes, 1, "the handler ran turn after turn, and the timer still fired")
    }

    func test_a_handler_unregistered_while_queued_is_not_resumed() throws {
        let yielder = try runWithYielder { loop, yielder in
            loop.resumeNextTurn(fd: yielder.fd)
            loop.schedule(after: 0.02) {
                loop.unregister(fd: yielder.fd)
                yielder.unregistered = true
            }
            loop.schedule(after: 0.05) { loop.stop() }
        }
        XCTAssertGreaterThan(yielder.resumes, 0)
        XCTAssertEqual(yielder.resumesAfterUnregister, 0)
    }

    func test_a_resume_runs_on_the_next_turn_not_the_current_one() throws {
        var seenInSameCallback = -1
        let yielder = try runWithYielder { loop, yielder in
            loop.schedule(after: 0) {
                loop.resumeNextTurn(fd: yielder.fd)
                seenInSameCallback = yielder.resumes
            }
            loop.schedule(after: 0.02) { loop.stop() }
        }
        XCTAssertEqual(seenInSameCallback, 0)
        XCTAssertGreaterThan(yielder.resumes, 0)
    }

    func test_run_makes_its_thread_the_owner_that_debug_builds_check() throws {
        let loop = try EventLoop()
        loop.schedule(after: 60) {}  // set-up before `run()`, from the creating thread
        XCTAssertTrue(loop.isOnLoopThread)
        let ownerSeenOnLoop = Atomic<Int>(-1)
        let done = Atomic<Bool>(false)
        NativeThread.spawn(name: "test-loop") {
            loop.run()
            done.store(true, ordering: .releasing)
        }
        loop.execute {
            ownerSeenOnLoop.store(loop.isOnLoopThread ? 1 : 0, ordering: .releasing)
            loop.stop()
        }
        while !done.load(ordering: .acquiring) { usleep(1000) }
        XCTAssertEqual(ownerSeenOnLoop.load(ordering: .acquiring), 1, "the loop's thread owns it")
        XCTAssertFalse(loop.isOnLoopThread, "once it runs, the thread that set it up no longer does")
    }

    /// What a turn produced is handed on at its end: the end-of-turn body runs once a turn,
    /// after that turn's timers and resumed handlers, and once more as the loop stops.
    func test_the_end_of_turn_body_runs_after_each_turns_work() throws {
        var resumesAtEachEnd: [Int] = []
        var timerBeforeFirstEnd = false
        let yielder = try runWithYielder { loop, yielder in
            loop.atEndOfEachTurn {
                resumesAtEachEnd.append(yielder.resumes)
                if yielder.resumes >= 3 { loop.stop() }
            }
            loop.schedule(after: 0) {
                timerBeforeFirstEnd = resumesAtEachEnd.isEmpty
                loop.resumeNextTurn(fd: yielder.fd)
            }
        }
        XCTAssertTrue(timerBeforeFirstEnd, "the turn's timer runs before the turn ends")
        XCTAssertEqual(yielder.resumes, 3)
        // Timers run first in a turn, so the handler the timer queues is resumed in that same
        // turn; three turns, then the call as the loop stops.
        XCTAssertEqual(resumesAtEachEnd, [1, 2, 3, 3])
    }
}
