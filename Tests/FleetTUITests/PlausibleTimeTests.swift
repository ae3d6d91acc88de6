import Common
import XCTest
@testable import FleetTUI

/// Absurd numbers from a host make it BAD with a message, never OK.
final class PlausibleTimeTests: XCTestCase {
    private func classify(_ r: PollResult) -> Classification { HostClassifier.classify(r, thresholds: Thresholds()) }

    func test_a_scrape_timestamp_far_in_the_future_is_BAD_naming_the_field() throws {
        for value in [1e300, Clock.now + 2 * 86_400] {
            var body = try MetadataBody.healthy()
            body.host = MetadataBody.record(at: value, data: try Fixture.rhelFacts())
            let c = classify(Poll.response(0, body: body.bytes))
            XCTAssertEqual(c.sample.status, .bad, "\(value)")
            XCTAssertEqual(c.sample.error, "implausible time: host.scrape_timestamp is \(JSONWriter.formatDouble(value)) (before 2000-01-01 or more than a day ahead of this machine's clock)")
            XCTAssertNotNil(c.detail, "what the host sent stays visible")
        }
    }

    func test_times_before_2000_are_BAD() throws {
        var body = try MetadataBody.healthy()
        body.started = 3600
        XCTAssertEqual(classify(Poll.response(0, body: body.bytes)).sample.error?.hasPrefix("implausible time: health.started_epoch_secs is 3600.0"), true)
        body = try MetadataBody.healthy()
        body.taskDetail = ["disks": ["interval_secs": 20, "last_success_epoch_secs": -1]]
        XCTAssertEqual(classify(Poll.response(0, body: body.bytes)).sample.status, .bad)
    }

    func test_an_interval_beyond_a_day_is_BAD_because_nothing_would_ever_be_stale() throws {
        var body = try MetadataBody.healthy()
        body.taskDetail = ["host": ["interval_secs": 1e300]]
        let c = classify(Poll.response(0, body: body.bytes))
        XCTAssertEqual(c.sample.status, .bad)
        XCTAssertTrue(c.sample.error?.hasPrefix("implausible interval: health.task_detail.host.interval_secs") ?? false, "\(c.sample.error ?? "")")
    }

    func test_a_date_header_in_year_one_or_days_ahead_is_BAD_but_hours_of_skew_are_not() throws {
        let body = try MetadataBody.healthy().bytes
        let yearOne = PollResult(hostIndex: 0, startedAt: Clock.now, latencySecs: 0.004,
                                 outcome: .response(status: 200, dateHeader: "Mon, 01 Jan 0001 00:00:00 GMT", body: body))
        let c = classify(yearOne)
        XCTAssertEqual(c.sample.status, .bad)
        XCTAssertEqual(c.sample.error, "implausible time: the Date header says Mon, 01 Jan 0001 00:00:00 GMT (before 2000-01-01 or more than a day ahead of this machine's clock)")
        XCTAssertNil(c.sample.skewSecs)

        XCTAssertEqual(classify(Poll.response(0, body: body, exporterNow: Clock.now + 2 * 86_400)).sample.status, .bad)
        let skewed = classify(Poll.response(0, body: body, exporterNow: Clock.now + 3 * 3600))
        XCTAssertNotEqual(skewed.sample.status, .bad, "a clock three hours off is skew, shown as such")
        XCTAssertEqual(skewed.sample.skewSecs ?? 0, 3 * 3600, accuracy: 1)
    }

    func test_an_auth_failure_with_an_absurd_date_still_says_AUTH() {
        let r = PollResult(hostIndex: 0, startedAt: Clock.now, latencySecs: 0.004,
                           outcome: .response(status: 401, dateHeader: "Mon, 01 Jan 0001 00:00:00 GMT", body: []))
        XCTAssertEqual(classify(r).sample.status, .auth)
    }
}
