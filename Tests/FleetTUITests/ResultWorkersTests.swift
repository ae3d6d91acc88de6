import Common
import Dispatch
import Synchronization
import XCTest
@testable import FleetTUI

/// The poller hands results to worker threads: every result is handled once, each host's in
/// the order they were handed over, and a full queue makes the submitter wait, not drop.
final class ResultWorkersTests: XCTestCase {
    private static func result(_ host: Int, _ n: Int) -> PollResult {
        PollResult(hostIndex: host, startedAt: Double(n), latencySecs: 0, outcome: .failed(.timeout("poll \(n)")))
    }

    func test_every_result_is_handled_once_in_order_per_host() {
        let seen = Mutex<[Int: [Double]]>([:])
        let done = DispatchSemaphore(value: 0)
        let total = 4 * 250
        let count = Atomic<Int>(0)
        let workers = ResultWorkers(count: 3, capacity: 4) { r in
            seen.withLock { $0[r.hostIndex, default: []].append(r.startedAt) }
            if count.add(1, ordering: .relaxed).newValue == total { done.signal() }
        }
        for n in 0..<250 {
            for host in 0..<4 { workers.submit(Self.result(host, n)) }
            // The poller flushes once per loop turn; here a "turn" is four results.
            workers.flush()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
        workers.stop()
        let byHost = seen.withLock { $0 }
        for host in 0..<4 {
            XCTAssertEqual(byHost[host], (0..<250).map(Double.init), "host \(host) in order, each once")
        }
    }

    func test_a_result_submitted_to_a_sleeping_worker_is_handled_once_flushed() {
        let handled = DispatchSemaphore(value: 0)
        let workers = ResultWorkers(count: 1) { _ in handled.signal() }
        workers.submit(Self.result(0, 1))
        workers.flush()
        XCTAssertEqual(handled.wait(timeout: .now() + 60), .success)
        // The worker has gone back to sleep (or soon will): a later result needs a flush too,
        // and one flush wakes it for everything queued.
        for n in 2...5 { workers.submit(Self.result(0, n)) }
        workers.flush()
        for _ in 2...5 { XCTAssertEqual(handled.wait(timeout: .now() + 60), .success) }
        workers.stop()
        workers.join()
    }

    func test_without_workers_the_handler_runs_on_the_caller() {
        let caller = pthread_self()
        let onCaller = Atomic<Bool>(false)
        let workers = ResultWorkers(count: 0) { _ in onCaller.store(pthread_equal(pthread_self(), caller) != 0, ordering: .relaxed) }
        workers.submit(Self.result(0, 1))
        XCTAssertTrue(onCaller.load(ordering: .relaxed))
    }

    func test_a_full_queue_makes_the_submitter_wait_and_loses_nothing() {
        assertFullQueueWaits(capacity: 1, maxBytes: 1 << 20, body: [])
    }

    func test_queued_bodies_are_bounded_in_bytes_too() {
        // Room for a hundred results but not for two bodies of 8 bytes.
        assertFullQueueWaits(capacity: 100, maxBytes: 10, body: Array(repeating: 0x7B, count: 8))
    }

    private func assertFullQueueWaits(capacity: Int, maxBytes: Int, body: [UInt8],
                                      file: StaticString = #filePath, line: UInt = #line) {
        let gate = DispatchSemaphore(value: 0)
        let handled = Mutex<[Double]>([])
        let workers = ResultWorkers(count: 1, capacity: capacity, maxBytes: maxBytes) { r in
            gate.wait()
            handled.withLock { $0.append(r.startedAt) }
        }
        let submitted = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            for n in 0..<4 {
                let r = body.isEmpty ? ResultWorkersTests.result(0, n)
                    : PollResult(hostIndex: 0, startedAt: Double(n), latencySecs: 0, outcome: .response(status: 200, dateHeader: nil, body: body))
                workers.submit(r)
            }
            submitted.signal()
        }
        // The first result is taken and blocks in the handler, the second fills the queue (by
        // count or by bytes): the submitter must wait for room before the third.
        let deadline = DispatchTime.now() + 60
        while workers.waits == 0 && DispatchTime.now() < deadline { usleep(1_000) }
        XCTAssertGreaterThan(workers.waits, 0, "the submitter waited for room", file: file, line: line)
        XCTAssertEqual(submitted.wait(timeout: .now()), .timedOut, "it is still waiting", file: file, line: line)
        for _ in 0..<4 { gate.signal() }
        XCTAssertEqual(submitted.wait(timeout: .now() + 60), .success, file: file, line: line)
        workers.flush()
        workers.stop()
        workers.join()
        XCTAssertEqual(handled.withLock { $0 }, [0, 1, 2, 3], file: file, line: line)
    }
}
