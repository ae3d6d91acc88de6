import XCTest

@testable import FleetTUI

final class ThresholdsTests: XCTestCase {
    func test_stale_after_is_a_multiple_of_the_interval_unless_given_in_seconds() {
        var t = Thresholds()
        XCTAssertEqual(t.staleAfter(intervalSecs: 20), 60)
        XCTAssertEqual(t.ageLevel(61, intervalSecs: 20), .warn)
        t.staleAfterSecs = 100
        XCTAssertEqual(t.staleAfter(intervalSecs: 20), 100)
        XCTAssertEqual(t.ageLevel(61, intervalSecs: 20), .ok)
    }

    func test_absolute_age_limits_win_over_the_stale_rule() {
        let t = Thresholds(warnAgeSecs: 30, critAgeSecs: 90)
        XCTAssertEqual(t.ageLevel(10, intervalSecs: 5), .ok)
        XCTAssertEqual(t.ageLevel(31, intervalSecs: 60), .warn)
        XCTAssertEqual(t.ageLevel(91, intervalSecs: 60), .crit)
    }
}
