import XCTest

@testable import Common

final class LogThrottleTests: XCTestCase {
    func test_one_event_per_interval_gets_through_with_the_count_of_the_rest() {
        var t = LogThrottle(intervalSecs: 10)
        XCTAssertEqual(t.shouldLog(now: 1), 0)
        XCTAssertNil(t.shouldLog(now: 2_000_000_000))
        XCTAssertNil(t.shouldLog(now: 9_000_000_000))
        XCTAssertEqual(t.shouldLog(now: 10_000_000_001), 2)
        XCTAssertNil(t.shouldLog(now: 10_000_000_002))
    }
}
