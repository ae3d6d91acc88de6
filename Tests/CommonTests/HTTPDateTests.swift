import Foundation
import XCTest
@testable import Common

final class HTTPDateTests: XCTestCase {
    func test_known_instants_format_as_IMF_fixdate() {
        XCTAssertEqual(HTTPDate.format(epochSeconds: 0), "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(epochSeconds: 784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT")
        XCTAssertEqual(HTTPDate.format(epochSeconds: 1_795_568_523), "Wed, 25 Nov 2026 01:02:03 GMT")
        XCTAssertEqual(HTTPDate.format(epochSeconds: 1_709_251_199), "Thu, 29 Feb 2024 23:59:59 GMT")
        XCTAssertEqual(HTTPDate.format(epochSeconds: 951_825_600), "Tue, 29 Feb 2000 12:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(epochSeconds: -1), "Wed, 31 Dec 1969 23:59:59 GMT")
    }

    func test_instants_outside_years_1_to_9999_are_clamped_to_four_digit_years() {
        XCTAssertEqual(HTTPDate.format(epochSeconds: 253_402_300_799), "Fri, 31 Dec 9999 23:59:59 GMT")
        XCTAssertEqual(HTTPDate.format(epochSeconds: Int.max), "Fri, 31 Dec 9999 23:59:59 GMT")
        XCTAssertEqual(HTTPDate.format(epochSeconds: Int.min), "Mon, 01 Jan 0001 00:00:00 GMT")
    }

    func test_formatting_agrees_with_Foundation_across_two_centuries() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        var rng = SeededGenerator(seed: 7)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        for _ in 0..<2000 {
            let seconds = Int.random(in: -2_208_988_800...4_102_444_800, using: &rng) // 1900 to 2100
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday],
                                                from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            guard let year = parts.year, let month = parts.month, let day = parts.day, let hour = parts.hour,
                  let minute = parts.minute, let second = parts.second, let weekday = parts.weekday else {
                return XCTFail("Foundation gave no components for \(seconds)")
            }
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            let expected = "\(weekdays[weekday - 1]), \(two(day)) \(months[month - 1]) \(year) \(two(hour)):\(two(minute)):\(two(second)) GMT"
            XCTAssertEqual(HTTPDate.format(epochSeconds: seconds), expected, "\(seconds)")
        }
    }

    func test_the_three_date_forms_parse_to_the_same_instant() {
        XCTAssertEqual(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"), 784_111_777)
        XCTAssertEqual(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT"), 784_111_777)
        XCTAssertEqual(HTTPDate.parse("Sun Nov  6 08:49:37 1994"), 784_111_777)
        XCTAssertEqual(HTTPDate.parse("Wed Nov 25 01:02:03 2026"), 1_795_568_523)
    }

    func test_RFC_850_two_digit_years_below_70_are_in_the_2000s() {
        XCTAssertEqual(HTTPDate.parse("Wednesday, 25-Nov-26 01:02:03 GMT"), 1_795_568_523)
        XCTAssertEqual(HTTPDate.parse("Thursday, 01-Jan-70 00:00:00 GMT"), 0)
    }

    func test_a_leap_second_is_accepted() {
        XCTAssertEqual(HTTPDate.parse("Sat, 31 Dec 2016 23:59:60 GMT"), HTTPDate.parse("Sun, 01 Jan 2017 00:00:00 GMT"))
    }

    func test_formatted_dates_parse_back_to_the_same_second() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<5000 {
            let seconds = Int.random(in: -62_135_596_800...253_402_300_799, using: &rng)
            XCTAssertEqual(HTTPDate.parse(HTTPDate.format(epochSeconds: seconds)), seconds)
        }
    }

    func test_invalid_dates_are_nil() {
        for text in ["", "garbage", "Mon, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 nov 1994 08:49:37 GMT",
                     "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT",
                     "Sun, 06 Nov 1994 08:49:61 GMT", "Fri, 30 Feb 2024 00:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ",
                     " Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT",
                     "Sun Nov 6 08:49:37 1994", "Sun, 06-Nov-94 08:49:37 GMT", "Thu, 29 Feb 2023 00:00:00 GMT"] {
            XCTAssertNil(HTTPDate.parse(text), text)
        }
    }

    func test_cache_reformats_only_when_the_second_changes() {
        var cache = HTTPDateCache()
        XCTAssertEqual(cache.string(forEpochSeconds: 0), "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(cache.string(forEpochSeconds: 0), "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(cache.string(forEpochSeconds: 61), "Thu, 01 Jan 1970 00:01:01 GMT")
    }
}
