import XCTest
@testable import Common

final class LogRateLimiterTests: XCTestCase {
    enum Kind: Hashable, Sendable { case a, b }
    let second: UInt64 = 1_000_000_000

    func test_burst_lines_pass_then_the_rest_are_counted_and_reported_with_the_next_line() {
        var l = LogRateLimiter<Kind>(intervalNanos: 10 * second, burst: 2)
        XCTAssertEqual(l.decide(.a, now: 0), .write(suppressedBefore: 0))
        XCTAssertEqual(l.decide(.a, now: 1), .write(suppressedBefore: 0))
        for t in 2..<1002 { XCTAssertEqual(l.decide(.a, now: UInt64(t)), .suppress) }
        XCTAssertEqual(l.decide(.a, now: 10 * second - 1), .suppress, "the window is still open")
        XCTAssertEqual(l.decide(.a, now: 10 * second), .write(suppressedBefore: 1001))
        XCTAssertEqual(l.decide(.a, now: 10 * second + 1), .write(suppressedBefore: 0), "the new window has its burst")
    }

    func test_kinds_are_limited_independently() {
        var l = LogRateLimiter<Kind>(intervalNanos: 10 * second, burst: 1)
        XCTAssertEqual(l.decide(.a, now: 0), .write(suppressedBefore: 0))
        XCTAssertEqual(l.decide(.a, now: 5), .suppress)
        XCTAssertEqual(l.decide(.b, now: 6), .write(suppressedBefore: 0), "a flood of a does not hide b")
    }

    func test_due_summaries_report_a_stopped_flood_once() {
        var l = LogRateLimiter<Kind>(intervalNanos: 10 * second, burst: 1)
        _ = l.decide(.a, now: 0)
        _ = l.decide(.a, now: 1)
        _ = l.decide(.a, now: 2)
        _ = l.decide(.b, now: 3)
        XCTAssertTrue(l.dueSummaries(now: 5 * second).isEmpty, "window still open")
        let due = l.dueSummaries(now: 11 * second)
        XCTAssertEqual(due.map(\.kind), [.a], "b held nothing back")
        XCTAssertEqual(due.map(\.suppressed), [2])
        XCTAssertTrue(l.dueSummaries(now: 12 * second).isEmpty, "reported once")
        XCTAssertEqual(l.decide(.a, now: 12 * second), .write(suppressedBefore: 0), "already reported")
    }

    func test_a_clock_reading_earlier_than_the_window_opens_a_new_window_instead_of_trapping() {
        var l = LogRateLimiter<Kind>(intervalNanos: 10 * second, burst: 1)
        _ = l.decide(.a, now: 100 * second)
        XCTAssertEqual(l.decide(.a, now: 100 * second + 1), .suppress)
        XCTAssertEqual(l.decide(.a, now: 0), .write(suppressedBefore: 1))
        XCTAssertEqual(l.decide(.a, now: .max), .write(suppressedBefore: 0))
    }
}
