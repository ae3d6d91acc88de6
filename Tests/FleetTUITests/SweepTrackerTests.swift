import XCTest

@testable import FleetTUI

/// When sweeps end: every host at first; later, not the hosts that were unreachable when the
/// sweep began (the poller spaces their polls out up to a minute).
final class SweepTrackerTests: XCTestCase {
    /// Results of `hosts` at time `t`, each taking 0.5 s; the sweeps they completed.
    private func results(_ tracker: inout SweepTracker, _ hosts: [Int], at t: Double, answered: Bool = true) -> [SweepTracker.Completed] {
        hosts.compactMap { tracker.record(host: $0, startedAt: t, receivedAt: t + 0.5, answered: answered) }
    }

    func test_a_sweep_ends_with_the_last_host_and_counts_every_result() {
        var t = SweepTracker(hosts: 3)
        XCTAssertEqual(results(&t, [0, 1, 0], at: 10), [])
        XCTAssertEqual(results(&t, [2], at: 12), [SweepTracker.Completed(durationSecs: 2.5, polls: 4, endedAt: 12.5)])
        XCTAssertEqual(results(&t, [2, 1], at: 20), [])
        XCTAssertEqual(results(&t, [0], at: 21).count, 1)
    }

    func test_hosts_unreachable_when_a_sweep_begins_are_not_waited_for_but_their_results_count() {
        var t = SweepTracker(hosts: 3)
        _ = results(&t, [0, 1], at: 0)
        XCTAssertEqual(results(&t, [2], at: 0, answered: false).count, 1, "the first sweep waits for all")
        XCTAssertEqual(results(&t, [0], at: 5), [])
        XCTAssertEqual(results(&t, [2], at: 6, answered: false), [], "a result of a host not waited for ends nothing")
        XCTAssertEqual(results(&t, [1], at: 7), [SweepTracker.Completed(durationSecs: 2.5, polls: 3, endedAt: 7.5)])
        // Host 2 is not heard from again (its next poll is a minute away): the sweeps go on.
        XCTAssertEqual(results(&t, [0], at: 10), [])
        XCTAssertEqual(results(&t, [1], at: 11), [SweepTracker.Completed(durationSecs: 1.5, polls: 2, endedAt: 11.5)])
    }

    func test_a_host_that_answers_again_is_waited_for_from_the_next_sweep() {
        var t = SweepTracker(hosts: 2)
        _ = results(&t, [0], at: 0)
        _ = results(&t, [1], at: 0, answered: false)
        // Sweep 2 waits for host 0 only; host 1 answers during it.
        XCTAssertEqual(results(&t, [1], at: 4), [])
        XCTAssertEqual(results(&t, [0], at: 5).count, 1)
        // Sweep 3 waits for both again.
        XCTAssertEqual(results(&t, [0], at: 10), [])
        XCTAssertEqual(results(&t, [1], at: 11).count, 1)
    }

    func test_a_host_that_becomes_unreachable_during_a_sweep_counts_for_it() {
        var t = SweepTracker(hosts: 2)
        XCTAssertEqual(results(&t, [0], at: 0), [])
        XCTAssertEqual(results(&t, [1], at: 1, answered: false).count, 1)
    }

    func test_when_every_host_is_unreachable_the_sweep_waits_for_all_of_them() {
        var t = SweepTracker(hosts: 2)
        XCTAssertEqual(results(&t, [0, 1], at: 0, answered: false).count, 1)
        XCTAssertEqual(results(&t, [0], at: 60, answered: false), [], "not a sweep per result")
        XCTAssertEqual(results(&t, [1], at: 61, answered: false).count, 1)
    }

    func test_a_host_added_during_a_sweep_is_waited_for_and_unknown_hosts_are_ignored() {
        var t = SweepTracker(hosts: 1)
        t.appendHost()
        XCTAssertEqual(results(&t, [0, 5, -1], at: 0), [])
        XCTAssertEqual(results(&t, [1], at: 1).count, 1)
    }
}
