import Common
import XCTest

@testable import ExporterDaemon
@testable import FleetTUI

/// "Adding a task is one new GatherTask type and one registry line": a fourth task, registered
/// only here, gets its route, its place in `/v1/metadata`, its health entry, the fleet's decoder
/// and a dashboard and check column, without any other code knowing its name.
final class FourthTaskTests: XCTestCase {
    /// SMART health of the disks: the task a later release might add.
    static let smart = TaskSpec(name: TaskName("smart"), summary: "disk health", defaultIntervalSecs: 60, dataShape: .array,
                                columnTitle: "SMART", compactColumnTitle: "SMT")

    struct SmartTask: GatherTask {
        let spec = FourthTaskTests.smart
        func scrape(_ context: ScrapeContext) throws -> ScrapeOutput {
            ScrapeOutput(data: [["device": "/dev/sda", "healthy": true]])
        }
    }

    /// The fake tasks the three real names stand for (their contents do not matter here).
    struct ConstantTask: GatherTask {
        let spec: TaskSpec
        func scrape(_ context: ScrapeContext) throws -> ScrapeOutput {
            ScrapeOutput(data: spec.dataShape == .object ? ["ok": true] : [])
        }
    }

    func test_a_task_registered_only_here_gets_route_document_health_decoding_and_columns() throws {
        // The registry: the three real specs plus one line for the new task.
        let tasks: [any GatherTask] = TaskCatalog.standard.specs.map { ConstantTask(spec: $0) } + [SmartTask()]
        let catalog = TaskRegistry.catalog(of: tasks)
        XCTAssertEqual(catalog, TaskCatalog.standard.adding(Self.smart), "registered after the three")
        let clock = TestClock()
        let cache = MetadataCache(startedEpochSecs: clock.wallSeconds(), intervals: [:], catalog: catalog)
        let supervisor = Supervisor(
            schedules: tasks.map { TaskSchedule(task: $0, intervalSecs: $0.spec.defaultIntervalSecs, timeoutSecs: 60) },
            cache: cache, policy: .never, backoff: Backoff(), logger: Logger(component: "test", level: .error, backends: []),
            clock: clock)
        supervisor.start()
        defer { supervisor.stop() }
        XCTAssertTrue(clock.waitForWaiters(5), "four task threads and the monitor")
        cache.update(health: { $0.httpServer = .active })

        // Exporter: its route, the 404 list, its member of /v1/metadata, its health entries.
        let verifier = TokenVerifier(token: "a-test-token")
        func get(_ target: String) -> HTTPServerResponse {
            MetadataRouter.respond(method: "GET", target: target, authorization: "Bearer a-test-token", verifier: verifier,
                                   snapshot: cache.snapshot(), live: { LiveMetrics(now: clock.wallSeconds()) }).0
        }
        let own = get("/v1/metadata/smart")
        XCTAssertEqual(own.status, 200)
        XCTAssertEqual(try JSONParser.parse(own.body)["data"]?.arrayValue?.first?["device"], "/dev/sda")
        XCTAssertEqual(get("/nope").reason,
                       "Valid URLs are: /v1/metadata, /v1/metadata/health, /v1/metadata/smart, /v1/metadata/disks, /v1/metadata/daemons, /v1/metadata/host")
        let all = get("/v1/metadata")
        XCTAssertEqual(all.status, 200)
        let document = try JSONParser.parse(all.body)
        XCTAssertEqual(document.objectValue?.keys, ["health", "host", "daemons", "disks", "smart"])
        XCTAssertEqual(document["health"]?["tasks"]?.objectValue?.keys, ["daemons", "disks", "host", "smart", "http_server"])
        XCTAssertEqual(document["health"]?["task_detail"]?["smart"]?["interval_secs"]?.doubleValue, 60)
        XCTAssertTrue(String(decoding: MetadataRouter.helpPage(catalog), as: UTF8.self).contains("/v1/metadata/smart"))
        let metrics = String(decoding: get("/metrics").body, as: UTF8.self)
        XCTAssertTrue(metrics.contains("cephadm_exporter_task_active{task=\"smart\"} 1\n"), metrics)
        XCTAssertTrue(metrics.contains("cephadm_exporter_task_interval_seconds{task=\"smart\"} 60\n"), metrics)

        // Fleet: the same catalog decodes the served body, judges the task and shows its column.
        let decoded = try MetadataDocument.decode(all.body, catalog: catalog)
        XCTAssertEqual(decoded.health.activity(of: Self.smart.name), .active)
        XCTAssertEqual(decoded.record(Self.smart.name).data?.json?.arrayValue?.count, 1)

        var fleet = FleetState(hosts: [HostEntry(displayName: "stor01", address: "127.0.0.1", port: 9443, line: 1)],
                               catalog: catalog)
        fleet.fold(PollResult(hostIndex: 0, startedAt: clock.wallSeconds(), latencySecs: 0.002,
                              outcome: .response(status: 200, dateHeader: nil, body: all.body)))
        XCTAssertEqual(fleet.status(of: 0), .ok, fleet.records[0].sample?.error ?? "")
        XCTAssertEqual(fleet.records[0].sample?.tasks.map(\.task.rawValue), ["daemons", "disks", "host", "smart"])
        XCTAssertEqual(fleet.records[0].sample?.task(Self.smart.name)?.intervalSecs, 60)

        let columns = TableColumns.fit(width: 200, longestName: 6, tasks: catalog.specsByName)
        XCTAssertEqual(columns.columns.map(\.column.title), ["HOST", "STATUS", "DAEMONS", "DISKS", "FACTS", "SMART", "LAT/p95", "SKEW", "ERROR"])
        let header = TableLayout.headerRow(columns, view: ViewState(), width: 200).text
        XCTAssertTrue(header.contains("SMART"), header)
        let row = TableLayout.hostRow(fleet, host: 0, cols: columns, selected: false, now: clock.wallSeconds(), width: 200).text
        XCTAssertEqual(row.components(separatedBy: "● ").count - 1, 4, "four fresh task cells: \(row)")

        let check = CheckTable.render(fleet, CheckEvaluation(fleet, now: clock.wallSeconds()), now: clock.wallSeconds())
        XCTAssertTrue(check.hasPrefix("HOST"), check)
        XCTAssertTrue(check.split(separator: "\n").first?.contains("SMART") ?? false, check)
    }
}
