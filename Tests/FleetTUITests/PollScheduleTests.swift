import XCTest

@testable import FleetTUI

final class PollScheduleTests: XCTestCase {
    func test_offsets_are_stable_inside_the_interval_and_spread_across_it() {
        let names = (0..<1000).map { "127.0.0.1:\(20000 + $0)" }
        let offsets = names.map { PollSchedule.offset(for: $0, intervalSecs: 5) }
        XCTAssertEqual(offsets, names.map { PollSchedule.offset(for: $0, intervalSecs: 5) }, "same host, same slot")
        XCTAssertTrue(offsets.allSatisfy { $0 >= 0 && $0 < 5 })
        // Ten half-second buckets each get roughly a tenth of the hosts: no burst.
        var buckets = [Int](repeating: 0, count: 10)
        for o in offsets { buckets[min(9, Int(o / 0.5))] += 1 }
        XCTAssertTrue(buckets.allSatisfy { $0 > 50 && $0 < 150 }, "\(buckets)")
    }

    func test_failing_hosts_back_off_doubling_up_to_a_minute() {
        XCTAssertEqual(PollSchedule.nextDelay(intervalSecs: 5, consecutiveFailures: 0), 5)
        XCTAssertEqual(PollSchedule.nextDelay(intervalSecs: 5, consecutiveFailures: 1), 5)
        XCTAssertEqual(PollSchedule.nextDelay(intervalSecs: 5, consecutiveFailures: 2), 10)
        XCTAssertEqual(PollSchedule.nextDelay(intervalSecs: 5, consecutiveFailures: 3), 20)
        XCTAssertEqual(PollSchedule.nextDelay(intervalSecs: 5, consecutiveFailures: 10), 60)
        XCTAssertEqual(PollSchedule.nextDelay(intervalSecs: 120, consecutiveFailures: 5), 120, "never faster than the interval")
    }

    func test_connection_budget_keeps_a_margin_under_the_open_files_limit() {
        XCTAssertEqual(PollSchedule.connectionBudget(openFilesLimit: 1024), 960)
        XCTAssertEqual(PollSchedule.connectionBudget(openFilesLimit: 10), 1)
        XCTAssertEqual(PollSchedule.connectionBudget(openFilesLimit: 1_048_576), 1_048_512)
    }
}
