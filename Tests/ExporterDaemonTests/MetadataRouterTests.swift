import Common
import XCTest

@testable import ExporterDaemon

final class MetadataRouterTests: XCTestCase {
    let verifier = TokenVerifier(token: "MyAccessToken")
    let auth = "Bearer MyAccessToken"

    func cache(active: [TaskName]) -> MetadataCache {
        let c = MetadataCache(startedEpochSecs: 1000, intervals: [:])
        c.update(health: { h in
            for t in active { h.tasks[t] = .active }
        })
        return c
    }

    func route(_ target: String, method: String = "GET", authorization: String? = "Bearer MyAccessToken",
               active: [TaskName] = TaskCatalog.standard.names) -> HTTPServerResponse {
        MetadataRouter.respond(method: method, target: target, authorization: authorization, verifier: verifier,
                               snapshot: cache(active: active).snapshot(), live: { LiveMetrics(now: 1001) }).0
    }

    func test_metadata_status_is_200_206_500_by_inactive_task_count() {
        XCTAssertEqual(route("/v1/metadata", active: TaskCatalog.standard.names).status, 200)
        XCTAssertEqual(route("/v1/metadata", active: [.disks]).status, 206)
        XCTAssertEqual(route("/v1/metadata", active: [.host, .daemons]).status, 206)
        let allDead = route("/v1/metadata", active: [])
        XCTAssertEqual(allDead.status, 500)
        XCTAssertFalse(allDead.body.isEmpty, "the metadata is still sent with a 500")
    }

    func test_inactive_task_route_is_204_with_no_body_and_active_is_200() {
        let r = route("/v1/metadata/disks", active: [.host])
        XCTAssertEqual(r.status, 204)
        XCTAssertTrue(r.body.isEmpty)
        XCTAssertEqual(route("/v1/metadata/host", active: [.host]).status, 200)
        XCTAssertEqual(String(decoding: route("/v1/metadata/host", active: [.host]).body, as: UTF8.self), "{}")
    }

    func test_health_is_200_even_when_every_task_is_inactive() {
        XCTAssertEqual(route("/v1/metadata/health", active: []).status, 200)
    }

    func test_token_is_checked_before_routing_and_method_before_token() {
        XCTAssertEqual(route("/v1/metazoic", authorization: nil).status, 401)
        XCTAssertEqual(route("/", authorization: "Bearer nope").status, 401)
        XCTAssertEqual(route("/v1/metadata", authorization: "bearer MyAccessToken").status, 401)
        XCTAssertEqual(route("/v1/metadata", authorization: "Bearer MyAccessToken ").status, 401)
        XCTAssertEqual(route("/v1/metadata", authorization: "Bearer MyAccessTokenX").status, 401)
        XCTAssertEqual(route("/v1/metadata", authorization: "MyAccessToken").status, 401)
        let head = route("/v1/metadata/health", method: "HEAD", authorization: nil)
        XCTAssertEqual(head.status, 501)
        XCTAssertEqual(head.reason, "Unsupported method ('HEAD')")
        XCTAssertEqual(head.body, [], "no body in a response to HEAD")
        XCTAssertFalse(route("/v1/metadata/health", method: "POST", authorization: nil).body.isEmpty)
    }

    func test_unknown_route_404_carries_pacific_reason_and_json_message() throws {
        let r = route("/v1/metadata/")
        XCTAssertEqual(r.status, 404)
        let msg = "Valid URLs are: /v1/metadata, /v1/metadata/health, /v1/metadata/disks, /v1/metadata/daemons, /v1/metadata/host"
        XCTAssertEqual(r.reason, msg)
        XCTAssertEqual(try JSONParser.parse(r.body)["message"]?.stringValue, msg)
        XCTAssertEqual(r.contentType, "application/json")
    }

    func test_root_is_the_html_help_page() {
        let r = route("/")
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(String(decoding: r.body, as: UTF8.self).contains("<title>cephadm metadata exporter</title>"))
    }
}

final class MetadataCacheTests: XCTestCase {
    func test_full_body_is_spliced_from_parts_in_pacific_key_order() throws {
        let c = MetadataCache(startedEpochSecs: 1700000000.5, intervals: [.host: 5])
        c.update(task: .host, record: { _ in .success(timestamp: 1700000001.25, duration: 0.5, errors: [], dataJSON: Array(#"{"a": 1}"#.utf8)) },
                 health: { $0.tasks[.host] = .active })
        let s = c.snapshot()
        let j = try JSONParser.parse(s.metadataBody)
        XCTAssertEqual(j.objectValue?.keys, ["health", "host", "daemons", "disks"])
        XCTAssertEqual(String(decoding: s.taskBodies[.host]!, as: UTF8.self),
                       #"{"scrape_timestamp": 1700000001.25, "scrape_duration_secs": 0.5, "scrape_errors": [], "data": {"a": 1}}"#)
        XCTAssertEqual(j["daemons"], .object(JSONObject()))
        XCTAssertEqual(j["health"]?["tasks"]?["host"]?.stringValue, "active")
        XCTAssertEqual(j["health"]?["task_detail"]?["host"]?["interval_secs"]?.doubleValue, 5)
    }

    func test_failure_keeps_timestamp_appends_error_and_nulls_data() throws {
        let ok = TaskRecord.success(timestamp: 10, duration: 1, errors: ["minor"], dataJSON: Array("[1]".utf8))
        let failed = ok.failed(with: "RuntimeError exception: boom")
        let j = try JSONParser.parse(failed.serialized())
        XCTAssertEqual(j["scrape_timestamp"]?.doubleValue, 10)
        XCTAssertEqual(j["scrape_errors"], ["minor", "RuntimeError exception: boom"])
        XCTAssertEqual(j["data"], .null)
        let firstFailure = try JSONParser.parse(TaskRecord.empty.failed(with: "X exception: y").serialized())
        XCTAssertEqual(firstFailure.objectValue?.keys, ["scrape_errors", "data"])
    }

    func test_scrape_errors_and_health_errors_are_bounded() {
        var r = TaskRecord.empty
        for i in 0..<100 { r = r.failed(with: "e\(i)") }
        XCTAssertEqual(r.scrapeErrors?.count, TaskRecord.maxScrapeErrors)
        XCTAssertEqual(r.scrapeErrors?.last, "e99")
        var h = Health(startedEpochSecs: 0, catalog: .standard, intervals: [:])
        for i in 0..<250 { h.appendError("err \(i)") }
        XCTAssertEqual(h.errors.count, 100)
        XCTAssertEqual(h.errors.first, "err 150")
    }

    func test_snapshot_taken_before_an_update_is_unchanged_by_it() {
        let c = MetadataCache(startedEpochSecs: 0, intervals: [:])
        let before = c.snapshot()
        c.update(health: { $0.tasks[.disks] = .active })
        XCTAssertEqual(before.health.activity(of: .disks), .inactive)
        XCTAssertEqual(c.snapshot().health.activity(of: .disks), .active)
    }
}
