import XCTest

@testable import Common

/// The one wire model: each type encodes what the exporter serves and decodes what the fleet
/// reads, so a round trip gives the value back, and the bytes keep Pacific's key orders.
final class WireModelTests: XCTestCase {
    private let catalog = TaskCatalog.standard

    func test_task_records_round_trip_in_every_state() throws {
        let records: [TaskRecord] = [
            .empty,
            TaskRecord(scrapeErrors: ["RuntimeError exception: boom"], data: .null),
            TaskRecord(scrapeTimestamp: 1_700_000_000.25, scrapeDurationSecs: 0.5, scrapeErrors: [],
                       data: .value(["hostname": "stor01", "cpu_count": 2])),
            TaskRecord(scrapeTimestamp: 1_700_000_000, scrapeDurationSecs: 3, scrapeErrors: ["minor"], data: .value([1, 2])),
        ]
        for record in records {
            let spec: TaskSpec = record.data?.json?.arrayValue != nil ? .disks : .host
            let decoded = try TaskRecord.decode(try JSONParser.parse(record.serialized()), spec: spec)
            XCTAssertEqual(decoded, record, String(decoding: record.serialized(), as: UTF8.self))
        }
    }

    func test_serialized_data_is_spliced_as_is_and_decodes_to_its_value() throws {
        let record = TaskRecord(scrapeTimestamp: 10, scrapeDurationSecs: 1, scrapeErrors: [], data: .serialized(Array(#"{"a": [1, 2]}"#.utf8)))
        XCTAssertEqual(String(decoding: record.serialized(), as: UTF8.self),
                       #"{"scrape_timestamp": 10.0, "scrape_duration_secs": 1.0, "scrape_errors": [], "data": {"a": [1, 2]}}"#)
        let decoded = try TaskRecord.decode(try JSONParser.parse(record.serialized()), spec: .host)
        XCTAssertEqual(decoded.data, .value(["a": [1, 2]]))
        XCTAssertEqual(TaskRecord.empty.serialized(), Array("{}".utf8))
    }

    func test_health_round_trips_with_and_without_task_detail() throws {
        let ours = Health(
            startedEpochSecs: 1_700_000_000.5,
            tasks: [.host: .active, .daemons: .inactive, .disks: .active], httpServer: .active,
            errors: ["daemons stopped at 2023/11/14 22:20:01"],
            taskDetail: [.host: TaskDetail(intervalSecs: 5, restarts: 0, consecutiveFailures: 0, lastSuccessEpochSecs: 1_700_000_001),
                         .daemons: TaskDetail(intervalSecs: 20, restarts: 2, consecutiveFailures: 1),
                         .disks: TaskDetail(intervalSecs: 20, restarts: 0, consecutiveFailures: 0)])
        let pacific = Health(startedEpochSecs: 1_700_000_000, tasks: [.host: .active, .daemons: .active, .disks: .active],
                             httpServer: .active, errors: [], taskDetail: nil)
        for health in [ours, pacific] {
            XCTAssertEqual(try Health.decode(try JSONParser.parse(health.serialized()), catalog: catalog), health)
        }
    }

    func test_health_lists_tasks_in_pacifics_order_then_the_http_server() throws {
        let health = Health(startedEpochSecs: 1, tasks: [.host: .active, .disks: .inactive, .daemons: .active],
                            httpServer: .inactive, errors: [], taskDetail: nil)
        XCTAssertEqual(String(decoding: health.serialized(), as: UTF8.self),
                       #"{"started_epoch_secs": 1.0, "tasks": {"daemons": "active", "disks": "inactive", "host": "active", "http_server": "inactive"}, "errors": []}"#)
    }

    func test_metadata_document_round_trips_and_keeps_pacifics_member_order() throws {
        let document = MetadataDocument(
            health: Health(startedEpochSecs: 5, tasks: [.host: .active, .daemons: .active, .disks: .inactive],
                           httpServer: .active, errors: ["disks stopped at x"], taskDetail: nil),
            records: [.host: TaskRecord(scrapeTimestamp: 6, scrapeDurationSecs: 0.01, scrapeErrors: [], data: .value(["a": 1])),
                      .daemons: .empty,
                      .disks: TaskRecord(scrapeErrors: ["X exception: y"], data: .null)])
        let bytes = document.serialized(catalog: catalog)
        XCTAssertEqual(try JSONParser.parse(bytes).objectValue?.keys, ["health", "host", "daemons", "disks"])
        XCTAssertEqual(try MetadataDocument.decode(bytes, catalog: catalog), document)
    }

    func test_standard_routes_and_404_text_are_pacifics() {
        XCTAssertEqual(catalog.routes.map(\.path),
                       ["/v1/metadata", "/v1/metadata/health", "/v1/metadata/disks", "/v1/metadata/daemons", "/v1/metadata/host"])
        XCTAssertEqual(catalog.notFoundMessage,
                       "Valid URLs are: /v1/metadata, /v1/metadata/health, /v1/metadata/disks, /v1/metadata/daemons, /v1/metadata/host")
        XCTAssertEqual(String(decoding: catalog.notFoundBody, as: UTF8.self), #"{"message": "\#(catalog.notFoundMessage)"}"#)
        XCTAssertEqual(catalog.route(forTarget: "/v1/metadata/disks"), .task(.disks))
        XCTAssertEqual(catalog.route(forTarget: "/v1/metadata/health"), .health)
        for target in ["/v1/metadata/", "/v1/metadata?x=1", "//v1/metadata", "/V1/METADATA", "/v1/metadata/http_server"] {
            XCTAssertNil(catalog.route(forTarget: target), target)
        }
        XCTAssertEqual(catalog.healthOrder, [.daemons, .disks, .host])
        XCTAssertEqual(catalog.names, [.host, .daemons, .disks])
    }

    func test_a_catalog_refuses_duplicate_and_reserved_task_names() {
        let odd = TaskSpec(name: TaskName("health"), summary: "x", defaultIntervalSecs: 1, dataShape: .object,
                           columnTitle: "X", compactColumnTitle: "X")
        let slash = TaskSpec(name: TaskName("a/b"), summary: "x", defaultIntervalSecs: 1, dataShape: .object,
                             columnTitle: "X", compactColumnTitle: "X")
        XCTAssertEqual(TaskCatalog([.host, .host, odd, slash, .disks]).names, [.host, .disks])
    }
}

/// `certificate_expiry_epoch_secs`: ours sends it, Pacific does not, the fleet reads both.
final class HealthCertificateExpiryTests: XCTestCase {
    func test_the_certificate_expiry_round_trips_and_its_absence_decodes_to_nil() throws {
        var health = Health(startedEpochSecs: 1, tasks: [.host: .active, .daemons: .active, .disks: .active], httpServer: .active,
                            errors: [], taskDetail: nil, certificateExpiryEpochSecs: 1_827_648_019)
        let text = String(decoding: health.serialized(), as: UTF8.self)
        XCTAssertTrue(text.hasSuffix(#""certificate_expiry_epoch_secs": 1827648019.0}"#), text)
        XCTAssertEqual(try Health.decode(try JSONParser.parse(health.serialized()), catalog: .standard), health)
        health.certificateExpiryEpochSecs = nil
        XCTAssertFalse(String(decoding: health.serialized(), as: UTF8.self).contains("certificate"))
        XCTAssertNil(try Health.decode(try JSONParser.parse(health.serialized()), catalog: .standard).certificateExpiryEpochSecs)
        let wrong = #"{"tasks": {"host": "active", "daemons": "active", "disks": "active"}, "certificate_expiry_epoch_secs": "soon"}"#
        XCTAssertThrowsError(try Health.decode(try JSONParser.parse(wrong), catalog: .standard))
    }
}
