import XCTest

@testable import Common

final class OpenFileBudgetTests: XCTestCase {
    func test_a_soft_limit_that_already_fits_is_left_alone() {
        let b = OpenFileBudget.plan(connectionCap: 1024, soft: 65536, hard: 65536)
        XCTAssertEqual(b, OpenFileBudget(softLimit: 65536, connectionCap: 1024, warning: nil))
    }

    func test_the_soft_limit_is_raised_to_what_the_cap_needs_not_to_the_hard_limit() {
        let b = OpenFileBudget.plan(connectionCap: 1024, soft: 1024, hard: 524_288)
        XCTAssertEqual(b.softLimit, UInt64(1024 + OpenFileBudget.defaultHeadroom))
        XCTAssertEqual(b.connectionCap, 1024)
        XCTAssertNil(b.warning)
    }

    func test_a_hard_limit_too_low_lowers_the_cap_and_says_so() {
        let b = OpenFileBudget.plan(connectionCap: 1024, soft: 1024, hard: 1024)
        XCTAssertEqual(b.softLimit, 1024)
        XCTAssertEqual(b.connectionCap, 1024 - OpenFileBudget.defaultHeadroom)
        let warning = try? XCTUnwrap(b.warning)
        XCTAssertTrue(warning?.contains("allows 960 connections, not 1024") == true, warning ?? "")
        XCTAssertTrue(warning?.contains("at least 1088") == true, warning ?? "")
    }

    func test_the_cap_never_drops_below_the_minimum() {
        let b = OpenFileBudget.plan(connectionCap: 1024, soft: 20, hard: 40)
        XCTAssertEqual(b.connectionCap, OpenFileBudget.minimumConnections)
        XCTAssertEqual(b.softLimit, 40)
    }

    func test_this_process_limits_are_readable() {
        let (soft, hard) = OpenFileLimit.current()
        XCTAssertGreaterThan(soft, 0)
        XCTAssertGreaterThanOrEqual(hard, soft)
    }
}
