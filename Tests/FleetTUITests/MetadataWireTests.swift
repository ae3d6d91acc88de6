import Common
import XCTest
@testable import FleetTUI

final class MetadataWireTests: XCTestCase {
    func test_pacific_body_without_task_detail_decodes() throws {
        let body = try MetadataBody.healthy()
        let snap = try MetadataDocument.decode(body.bytes)
        XCTAssertEqual(snap.health.startedEpochSecs, Clock.started)
        XCTAssertEqual(snap.health.activity(of: .disks), .active)
        XCTAssertEqual(snap.health.httpServer, .active)
        XCTAssertNil(snap.health.taskDetail)
        XCTAssertEqual(snap.record(.host).scrapeTimestamp, Clock.now - 2)
        XCTAssertEqual(snap.record(.host).data?.json?["hostname"]?.stringValue, "dummy")
        XCTAssertEqual(snap.record(.daemons).data?.json?.arrayValue?.count, 3)
        XCTAssertEqual(snap.record(.disks).data?.json?.arrayValue?.count, 5)
    }

    func test_task_detail_is_decoded_when_present() throws {
        var body = try MetadataBody.healthy()
        body.taskDetail = ["host": ["interval_secs": 10, "restarts": 2, "consecutive_failures": 0,
                                    "last_success_epoch_secs": .double(Clock.now - 2)],
                           "disks": ["interval_secs": 60.5, "restarts": 0, "consecutive_failures": 1,
                                     "last_success_epoch_secs": nil]]
        let snap = try MetadataDocument.decode(body.bytes)
        XCTAssertEqual(snap.health.taskDetail?[.host],
                       TaskDetail(intervalSecs: 10, restarts: 2, consecutiveFailures: 0, lastSuccessEpochSecs: Clock.now - 2))
        XCTAssertEqual(snap.health.taskDetail?[.disks]?.intervalSecs, 60.5)
        XCTAssertNil(snap.health.taskDetail?[.disks]?.lastSuccessEpochSecs)
        XCTAssertNil(snap.health.taskDetail?[.daemons])
    }

    func test_empty_records_before_the_first_scrape_are_pending() throws {
        let snap = try MetadataDocument.decode(MetadataBody().bytes)
        XCTAssertTrue(snap.record(.host).isEmpty)
        XCTAssertTrue(snap.record(.daemons).isEmpty)
        XCTAssertFalse(snap.record(.disks).hasData)
    }

    func test_failed_first_scrape_has_errors_and_null_data() throws {
        var body = MetadataBody()
        body.disks = ["scrape_errors": ["RuntimeError exception: Failed command"], "data": nil]
        let snap = try MetadataDocument.decode(body.bytes)
        XCTAssertFalse(snap.record(.disks).isEmpty)
        XCTAssertFalse(snap.record(.disks).hasData)
        XCTAssertNil(snap.record(.disks).scrapeTimestamp)
        XCTAssertEqual(snap.record(.disks).scrapeErrors, ["RuntimeError exception: Failed command"])
    }

    func test_unknown_keys_are_ignored() throws {
        var json = try MetadataBody.healthy().json
        guard case .object(var root) = json else { return XCTFail() }
        root["future"] = ["x": 1]
        json = .object(root)
        XCTAssertNoThrow(try MetadataDocument.decode(JSONWriter.compact(json)))
    }

    func test_body_that_is_not_json_is_reported_with_the_offset() {
        XCTAssertThrowsError(try MetadataDocument.decode(Array("<html>".utf8))) { error in
            guard case MetadataWireError.notJSON(let e) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(e.offset, 0)
            XCTAssertTrue("\(error)".hasPrefix("metadata body is not JSON"), "\(error)")
        }
    }

    func test_unexpected_shapes_name_the_field() throws {
        func message(_ body: MetadataBody) -> String {
            do { _ = try MetadataDocument.decode(body.bytes); return "decoded" } catch { return "\(error)" }
        }
        var b = MetadataBody()
        b.set("disks", "running")
        XCTAssertEqual(message(b), "metadata field 'health.tasks.disks': expected \"active\" or \"inactive\", found the string \"running\"")

        b = MetadataBody()
        b.tasks.removeAll { $0.0 == "host" }
        XCTAssertEqual(message(b), "metadata field 'health.tasks.host' is missing")

        b = MetadataBody()
        b.host = MetadataBody.record(at: 1, data: [1, 2])
        XCTAssertEqual(message(b), "metadata field 'host.data': expected an object or null, found an array")

        b = MetadataBody()
        b.daemons = ["scrape_timestamp": "yesterday"]
        XCTAssertEqual(message(b), "metadata field 'daemons.scrape_timestamp': expected a number, found the string \"yesterday\"")

        b = MetadataBody()
        b.errors = []
        b.disks = ["scrape_errors": [1]]
        XCTAssertEqual(message(b), "metadata field 'disks.scrape_errors[0]': expected a string, found the number 1")

        b = MetadataBody()
        b.taskDetail = ["host": ["restarts": 1.5]]
        XCTAssertEqual(message(b), "metadata field 'health.task_detail.host.restarts': expected an integer, found the number 1.5")

        XCTAssertThrowsError(try MetadataDocument.decode(Array("[]".utf8))) { error in
            XCTAssertEqual("\(error)", "metadata field '(body)': expected an object, found an array")
        }
        XCTAssertThrowsError(try MetadataDocument.decode(Array("{\"health\": {}}".utf8))) { error in
            XCTAssertEqual("\(error)", "metadata field 'health.tasks' is missing")
        }
    }
}
