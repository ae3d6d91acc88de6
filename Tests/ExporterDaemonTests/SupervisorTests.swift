import Common
import Synchronization
import XCTest

@testable import ExporterDaemon

/// A task whose scrapes follow a script: succeed, throw, or hang until cancelled.
final class ScriptedTask: GatherTask {
    enum Step { case succeed, fail, hang }
    let spec: TaskSpec
    private let steps: Mutex<[Step]>
    let calls = Atomic<Int>(0)

    init(_ name: TaskName, _ steps: [Step]) {
        self.spec = TaskCatalog.standard.spec(for: name) ?? .host
        self.steps = Mutex(steps)
    }

    struct Boom: Error, CustomStringConvertible { var description: String { "scripted failure" } }

    func scrape(_ context: ScrapeContext) throws -> ScrapeOutput {
        calls.add(1, ordering: .relaxed)
        let step = steps.withLock { $0.isEmpty ? Step.succeed : $0.removeFirst() }
        switch step {
        case .succeed: return ScrapeOutput(data: ["n": .int(calls.load(ordering: .relaxed))])
        case .fail: throw Boom()
        case .hang:
            // Held until the supervisor cancels the scrape; only this fake task waits in real time.
            while !context.isCancelled { usleep(1_000) }
            throw Boom()
        }
    }
}

/// The supervisor on a `TestClock`: intervals, timeouts and backoff pass when the test moves the
/// clock, so no test waits for real seconds. `clock.waitForWaiters(n)` returns once the task
/// threads and the monitor have done their work and wait again.
final class SupervisorTests: XCTestCase {
    let logger = Logger(component: "test", level: .error, backends: [])

    /// Waits (in real time, briefly) for a thread to publish what it has just done.
    func eventually(_ what: String, _ condition: () -> Bool) {
        let deadline = Clock.monotonicNanos() + 10_000_000_000
        while Clock.monotonicNanos() < deadline {
            if condition() { return }
            usleep(1_000)
        }
        XCTFail("timed out waiting for \(what)")
    }

    private func supervise(_ task: ScriptedTask, interval: Double, timeout: Double = 60, policy: RestartPolicy,
                           backoff: Backoff = Backoff(), clock: TestClock) -> (Supervisor, MetadataCache) {
        let cache = MetadataCache(startedEpochSecs: 0, intervals: [:])
        let s = Supervisor(schedules: [TaskSchedule(task: task, intervalSecs: interval, timeoutSecs: timeout)], cache: cache,
                           policy: policy, backoff: backoff, logger: logger, clock: clock)
        s.start()
        return (s, cache)
    }

    func test_backoff_doubles_from_base_to_cap() {
        let b = Backoff(baseSecs: 10, maxSecs: 300)
        XCTAssertEqual((1...7).map { b.delay(afterConsecutiveFailures: $0) }, [10, 20, 40, 80, 160, 300, 300])
        XCTAssertNil(Supervision.onFailure(previousConsecutiveFailures: 0, policy: .never, backoff: b).restartAfterSecs)
        XCTAssertEqual(Supervision.onFailure(previousConsecutiveFailures: 2, policy: .onFailure, backoff: b),
                       FailureDecision(consecutiveFailures: 3, restartAfterSecs: 40))
    }

    func test_exception_text_names_the_error_type() {
        XCTAssertEqual(Supervision.exceptionText(ScriptedTask.Boom()), "Boom exception: scripted failure")
    }

    func test_first_scrape_runs_at_start_not_one_interval_later() {
        let clock = TestClock()
        let task = ScriptedTask(.host, [])
        let (s, cache) = supervise(task, interval: 3600, policy: .never, clock: clock)
        defer { s.stop() }
        XCTAssertTrue(clock.waitForWaiters(2), "the task thread and the monitor wait")
        XCTAssertEqual(cache.record(.host).scrapeTimestamp, clock.wallSeconds(), "scraped before any time passed")
        XCTAssertEqual(cache.health().activity(of: .host), .active)
    }

    func test_scrapes_repeat_every_interval_from_start_to_start() {
        let clock = TestClock()
        let task = ScriptedTask(.host, [])
        let (s, cache) = supervise(task, interval: 5, policy: .never, clock: clock)
        defer { s.stop() }
        let t0 = clock.wallSeconds()
        XCTAssertTrue(clock.waitForWaiters(2))
        clock.advance(bySeconds: 4.999)
        XCTAssertTrue(clock.waitForWaiters(2))
        XCTAssertEqual(task.calls.load(ordering: .relaxed), 1, "not before the interval")
        clock.advance(bySeconds: 0.001)
        XCTAssertTrue(clock.waitForWaiters(2))
        XCTAssertEqual(task.calls.load(ordering: .relaxed), 2)
        XCTAssertEqual(try XCTUnwrap(cache.record(.host).scrapeTimestamp), t0 + 5, accuracy: 1e-6)
    }

    func test_failed_scrape_marks_inactive_at_once_and_restarts_with_backoff() {
        let clock = TestClock()
        let task = ScriptedTask(.disks, [.fail, .succeed])
        let (s, cache) = supervise(task, interval: 20, policy: .onFailure, backoff: Backoff(baseSecs: 10, maxSecs: 300), clock: clock)
        defer { s.stop() }
        eventually("failure") { cache.health().activity(of: .disks) == .inactive }
        let h = cache.health()
        XCTAssertTrue(h.errors.first?.hasPrefix("disks stopped at ") ?? false)
        XCTAssertEqual(cache.record(.disks).scrapeErrors, ["Boom exception: scripted failure"])
        XCTAssertEqual(cache.record(.disks).data, .null)
        XCTAssertEqual(h.consecutiveFailures(of: .disks), 1)

        XCTAssertTrue(clock.waitForWaiters(1), "only the monitor is left")
        clock.advance(bySeconds: 9)
        XCTAssertTrue(clock.waitForWaiters(1))
        XCTAssertEqual(cache.health().taskDetail?[.disks]?.restarts, 0, "no restart before the backoff")
        clock.advance(bySeconds: 1)  // the monitor looks once a second
        XCTAssertTrue(clock.waitForWaiters(2), "the restarted thread scraped and waits for its interval")
        XCTAssertEqual(cache.health().taskDetail?[.disks]?.restarts, 1)
        XCTAssertEqual(cache.health().activity(of: .disks), .active)
        XCTAssertEqual(cache.record(.disks).scrapeErrors, [])
        XCTAssertEqual(cache.health().taskDetail?[.disks]?.consecutiveFailures, 0)
    }

    func test_repeated_failures_double_the_backoff() {
        let clock = TestClock()
        let task = ScriptedTask(.disks, [.fail, .fail, .succeed])
        let (s, cache) = supervise(task, interval: 20, policy: .onFailure, backoff: Backoff(baseSecs: 10, maxSecs: 300), clock: clock)
        defer { s.stop() }
        eventually("first failure") { cache.health().taskDetail?[.disks]?.consecutiveFailures == 1 }
        clock.waitForWaiters(1)
        clock.advance(bySeconds: 10)
        eventually("second failure") { cache.health().taskDetail?[.disks]?.consecutiveFailures == 2 }
        clock.waitForWaiters(1)
        clock.advance(bySeconds: 19)
        clock.waitForWaiters(1)
        XCTAssertEqual(cache.health().taskDetail?[.disks]?.restarts, 1, "the second restart waits 20 s")
        clock.advance(bySeconds: 1)
        XCTAssertTrue(clock.waitForWaiters(2))
        XCTAssertEqual(cache.health().taskDetail?[.disks]?.restarts, 2)
        XCTAssertEqual(task.calls.load(ordering: .relaxed), 3)
        XCTAssertEqual(cache.health().taskDetail?[.disks]?.consecutiveFailures, 0, "the success reset the run")
        XCTAssertEqual(cache.health().taskDetail?[.disks]?.failures, 2, "the total is kept (/metrics: task_failures_total)")
    }

    func test_never_policy_leaves_the_task_stopped() {
        let clock = TestClock()
        let task = ScriptedTask(.daemons, [.fail])
        let (s, cache) = supervise(task, interval: 0.05, policy: .never, backoff: Backoff(baseSecs: 0.05, maxSecs: 0.05), clock: clock)
        defer { s.stop() }
        eventually("failure") { cache.health().activity(of: .daemons) == .inactive }
        for _ in 0..<10 {
            clock.waitForWaiters(1)
            clock.advance(bySeconds: 3600)
        }
        clock.waitForWaiters(1)
        XCTAssertEqual(cache.health().activity(of: .daemons), .inactive)
        XCTAssertEqual(task.calls.load(ordering: .relaxed), 1)
    }

    func test_hung_scrape_is_cut_off_by_the_timeout_and_cancelled() {
        let clock = TestClock()
        let task = ScriptedTask(.host, [.hang])
        let (s, cache) = supervise(task, interval: 5, timeout: 30, policy: .never, clock: clock)
        defer { s.stop() }
        eventually("the scrape to start") { task.calls.load(ordering: .relaxed) == 1 }
        XCTAssertTrue(clock.waitForWaiters(1), "the monitor waits; the task hangs in its scrape")
        clock.advance(bySeconds: 29)
        clock.waitForWaiters(1)
        XCTAssertEqual(cache.health().activity(of: .host), .active, "not cut off before its timeout")
        clock.advance(bySeconds: 2)
        eventually("timeout") { cache.health().activity(of: .host) == .inactive }
        let err = cache.record(.host).scrapeErrors?.first ?? ""
        XCTAssertEqual(err, "ScrapeTimeout exception: host scrape did not finish within 30s")
    }
}
