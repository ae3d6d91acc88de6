import XCTest
@testable import FleetTUI

final class IMFDateTests: XCTestCase {
    func test_imfFixdate_parses_to_epoch_seconds() {
        XCTAssertEqual(IMFDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"), 784_111_777)
        XCTAssertEqual(IMFDate.parse("Thu, 01 Jan 1970 00:00:00 GMT"), 0)
        XCTAssertEqual(IMFDate.parse("Wed, 25 Nov 2026 00:25:53 GMT"), 1_795_566_353)
    }

    func test_malformed_dates_are_rejected() {
        XCTAssertNil(IMFDate.parse("Sunday, 06-Nov-94 08:49:37 GMT"))
        XCTAssertNil(IMFDate.parse("Sun, 06 Nov 1994 08:49:37 UTC"))
        XCTAssertNil(IMFDate.parse("Sun, 06 Foo 1994 08:49:37 GMT"))
        XCTAssertNil(IMFDate.parse("Sun, 06 Nov 1994 25:49:37 GMT"))
        XCTAssertNil(IMFDate.parse(""))
    }
}
