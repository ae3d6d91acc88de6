import Glibc
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

    private func pipeReadEnd() -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        return (fds[0], fds[1])
    }

    func test_timers_fire_while_a_handler_yields_on_every_turn() throws {
        let loop = try EventLoop()
        let (r, w) = pipeReadEnd()
        defer { close(r); close(w) }
        let yielder = Yielder(loop: loop, fd: r)
        try loop.register(fd: r, events: 0, handler: yielder)
        loop.resumeNextTurn(fd: r)
        var firedAfterResumes = -1
        loop.schedule(after: 0.05) {
            firedAfterResumes = yielder.resumes
            loop.stop()
        }
        loop.run()
        XCTAssertGreaterThan(firedAfterResumes, 1, "the handler ran turn after turn, and the timer still fired")
    }

    func test_a_handler_unregistered_while_queued_is_not_resumed() throws {
        let loop = try EventLoop()
        let (r, w) = pipeReadEnd()
        defer { close(r); close(w) }
        let yielder = Yielder(loop: loop, fd: r)
        try loop.register(fd: r, events: 0, handler: yielder)
        loop.resumeNextTurn(fd: r)
        loop.schedule(after: 0.02) {
            loop.unregister(fd: r)
            yielder.unregistered = true
        }
        loop.schedule(after: 0.05) { loop.stop() }
        loop.run()
        XCTAssertGreaterThan(yielder.resumes, 0)
        XCTAssertEqual(yielder.resumesAfterUnregister, 0)
    }

    func test_a_resume_runs_on_the_next_turn_not_the_current_one() throws {
        let loop = try EventLoop()
        let (r, w) = pipeReadEnd()
        defer { close(r); close(w) }
        let yielder = Yielder(loop: loop, fd: r)
        try loop.register(fd: r, events: 0, handler: yielder)
        var seenInSameCallback = -1
        loop.schedule(after: 0) {
            loop.resumeNextTurn(fd: r)
            seenInSameCallback = yielder.resumes
        }
        loop.schedule(after: 0.02) { loop.stop() }
        loop.run()
        XCTAssertEqual(seenInSameCallback, 0)
        XCTAssertGreaterThan(yielder.resumes, 0)
    }
}
