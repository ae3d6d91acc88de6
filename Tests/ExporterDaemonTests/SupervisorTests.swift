import Common
import Synchronization
import XCTest

@testable import ExporterDaemon

/// A task whose scrapes follow a script: succeed, throw, or hang until cancelled.
final class ScriptedTask: GatherTask, @unchecked Sendable {
    enum Step { case succeed, fail, hang }
    let name: TaskName
    private let steps: Mutex<[Step]>
    let calls = Atomic<Int>(0)

    init(_ name: TaskName, _ steps: [Step]) {
        self.name = name
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
            while !context.isCancelled { usleep(10_000) }
            throw Boom()
        }
    }
}

final class SupervisorTests: XCTestCase {
    let logger = Logger(component: "test", level: .error, backends: [])

    func wait(_ what: String, timeout: Double = 10, _ cond: () -> Bool) {
        let deadline = Clock.monotonicNanos() + UInt64(timeout * 1e9)
        while Clock.monotonicNanos() < deadline {
            if cond() { return }
            usleep(10_000)
        }
        XCTFail("timed out waiting for \(what)")
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
        let task = ScriptedTask(.host, [])
        let cache = MetadataCache(startedEpochSecs: 0, intervals: [:])
        let s = Supervisor(schedules: [TaskSchedule(task: task, intervalSecs: 3600, timeoutSecs: 60)], cache: cache,
                           policy: .never, backoff: Backoff(), logger: logger)
        s.start()
        defer { s.stop() }
        wait("first scrape") { cache.record(.host).scrapeTimestamp != nil }
        XCTAssertEqual(cache.health().status(.host), .active)
    }

    func test_failed_scrape_marks_inactive_at_once_and_restarts_with_backoff() {
        let task = ScriptedTask(.disks, [.fail, .succeed])
        let cache = MetadataCache(startedEpochSecs: 0, intervals: [:])
        let s = Supervisor(schedules: [TaskSchedule(task: task, intervalSecs: 0.05, timeoutSecs: 60)], cache: cache,
                           policy: .onFailure, backoff: Backoff(baseSecs: 0.2, maxSecs: 1), logger: logger)
        s.start()
        defer { s.stop() }
        wait("failure") { cache.health().status(.disks) == .inactive }
        let h = cache.health()
        XCTAssertTrue(h.errors.first?.hasPrefix("disks stopped at ") ?? false)
        XCTAssertEqual(cache.record(.disks).scrapeErrors, ["Boom exception: scripted failure"])
        XCTAssertEqual(cache.record(.disks).dataJSON, Array("null".utf8))
        XCTAssertEqual(h.details[.disks]?.consecutiveFailures, 1)
        wait("restart") { cache.health().details[.disks]?.restarts == 1 && cache.health().status(.disks) == .active }
        wait("data after restart") { cache.record(.disks).scrapeErrors == [] }
        XCTAssertEqual(cache.health().details[.disks]?.consecutiveFailures, 0)
    }

    func test_never_policy_leaves_the_task_stopped() {
        let task = ScriptedTask(.daemons, [.fail])
        let cache = MetadataCache(startedEpochSecs: 0, intervals: [:])
        let s = Supervisor(schedules: [TaskSchedule(task: task, intervalSecs: 0.05, timeoutSecs: 60)], cache: cache,
                           policy: .never, backoff: Backoff(baseSecs: 0.05, maxSecs: 0.05), logger: logger)
        s.start()
        defer { s.stop() }
        wait("failure") { cache.health().status(.daemons) == .inactive }
        usleep(1_500_000)
        XCTAssertEqual(cache.health().status(.daemons), .inactive)
        XCTAssertEqual(task.calls.load(ordering: .relaxed), 1)
    }

    func test_hung_scrape_is_cut_off_by_the_timeout_and_cancelled() {
        let task = ScriptedTask(.host, [.hang])
        let cache = MetadataCache(startedEpochSecs: 0, intervals: [:])
        let s = Supervisor(schedules: [TaskSchedule(task: task, intervalSecs: 0.1, timeoutSecs: 0.3)], cache: cache,
                           policy: .never, backoff: Backoff(), logger: logger)
        s.start()
        defer { s.stop() }
        wait("timeout") { cache.health().status(.host) == .inactive }
        let err = cache.record(.host).scrapeErrors?.first ?? ""
        XCTAssertTrue(err.hasPrefix("ScrapeTimeout exception: host scrape did not finish within"), err)
    }
}

