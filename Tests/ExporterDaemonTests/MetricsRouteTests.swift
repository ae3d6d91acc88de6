import Common
import XCTest

@testable import ExporterDaemon

/// `GET /metrics`: behind the token like every route, the scrape-driven part from the cache
/// snapshot, the counters per request, and Pacific's routes and 404 text untouched.
final class MetricsRouteTests: XCTestCase {
    let verifier = TokenVerifier(token: "MyAccessToken")

    func cache() -> MetadataCache {
        let c = MetadataCache(startedEpochSecs: 1_700_000_000.5, intervals: [.host: 5, .daemons: 20, .disks: 20])
        let facts = #"{"hostname": "stor\"01", "kernel": "6.1.0-18-amd64", "operating_system": "Debian GNU/Linux 12", "arch": "x86_64", "#
            + #""hdd_count": 24, "hdd_capacity_bytes": 480000000000000, "flash_count": 2, "flash_capacity_bytes": 960000000000, "#
            + #""memory_total_kb": 1024, "memory_available_kb": 512, "cpu_threads": 64}"#
        c.update(task: .host, record: { _ in .success(timestamp: 1_700_000_001.25, duration: 0.012, errors: [], dataJSON: Array(facts.utf8)) },
                 health: { $0.tasks[.host] = .active; $0.recordSuccess(of: .host, finishedAt: 1_700_000_001.262) })
        c.update(task: .daemons, record: { _ in .success(timestamp: 1_700_000_001, duration: 0.35, errors: ["minor"], dataJSON: Array("[]".utf8)) },
                 health: { $0.tasks[.daemons] = .active })
        c.update(task: .disks, record: { $0.failed(with: "RuntimeError exception: boom") },
                 health: { $0.tasks[.disks] = .inactive; $0.recordFailure(of: .disks, consecutive: 1); $0.recordRestart(of: .disks) })
        return c
    }

    var live: LiveMetrics {
        let server = HTTPServerStatistics(responsesByStatus: [200: 2, 401: 1], openConnections: 3, refusedConnections: 7)
        return LiveMetrics(now: 1_700_000_010.5, certificateNotAfter: 2_000_000_000, server: server,
                           process: ProcessStats(cpuSeconds: 1.5, residentBytes: Double(18 << 20), virtualBytes: Double(90 << 20),
                                                 startTimeSeconds: 1_700_000_000, openFDs: 12, maxFDs: 65536))
    }

    func get(_ target: String, authorization: String? = "Bearer MyAccessToken", cache c: MetadataCache? = nil) -> HTTPServerResponse {
        MetadataRouter.respond(method: "GET", target: target, authorization: authorization, verifier: verifier,
                               snapshot: (c ?? cache()).snapshot(), live: { live }).0
    }

    func lines(_ r: HTTPServerResponse) -> [String] { String(decoding: r.body, as: UTF8.self).split(separator: "\n").map(String.init) }

    func test_metrics_needs_the_token_like_every_route() {
        XCTAssertEqual(get("/metrics", authorization: nil).status, 401)
        XCTAssertEqual(get("/metrics", authorization: "Bearer nope").status, 401)
        XCTAssertEqual(get("/metrics?x=1").status, 404, "an exact match, as every route")
        XCTAssertEqual(get("/metrics/").status, 404)
    }

    func test_metrics_is_the_text_format_with_the_task_metrics() {
        let r = get("/metrics")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.contentType, "text/plain; version=0.0.4; charset=utf-8")
        let l = lines(r)
        for expected in [
            #"cephadm_exporter_task_active{task="daemons"} 1"#, #"cephadm_exporter_task_active{task="disks"} 0"#,
            #"cephadm_exporter_task_active{task="host"} 1"#,
            #"cephadm_exporter_task_last_success_timestamp_seconds{task="host"} 1700000001.262"#,
            #"cephadm_exporter_task_last_scrape_timestamp_seconds{task="host"} 1700000001.25"#,
            #"cephadm_exporter_task_scrape_duration_seconds{task="daemons"} 0.35"#,
            #"cephadm_exporter_task_scrape_errors{task="daemons"} 1"#, #"cephadm_exporter_task_scrape_errors{task="disks"} 1"#,
            #"cephadm_exporter_task_restarts_total{task="disks"} 1"#, #"cephadm_exporter_task_failures_total{task="disks"} 1"#,
            #"cephadm_exporter_task_failures_total{task="host"} 0"#, #"cephadm_exporter_task_interval_seconds{task="host"} 5"#,
            "cephadm_exporter_start_time_seconds 1700000000.5", #"cephadm_exporter_build_info{version="\#(BuildInfo.version)"} 1"#,
        ] {
            XCTAssertTrue(l.contains(expected), "missing \(expected) in\n\(l.joined(separator: "\n"))")
        }
        XCTAssertFalse(l.contains { $0.hasPrefix(#"cephadm_exporter_task_last_scrape_timestamp_seconds{task="disks"}"#) },
                       "a task that never scraped has no timestamp: no sample rather than a made-up one")
        XCTAssertEqual(l.filter { $0 == "# TYPE cephadm_exporter_task_active gauge" }.count, 1, "one header per family")
    }

    func test_metrics_has_host_facts_as_gauges_and_an_info_metric() {
        let l = lines(get("/metrics"))
        for expected in [
            #"cephadm_exporter_host_info{hostname="stor\"01",kernel="6.1.0-18-amd64",os="Debian GNU/Linux 12",arch="x86_64"} 1"#,
            #"cephadm_exporter_host_disks{type="hdd"} 24"#, #"cephadm_exporter_host_disks{type="flash"} 2"#,
            #"cephadm_exporter_host_disk_capacity_bytes{type="hdd"} 480000000000000"#,
            "cephadm_exporter_host_memory_total_bytes 1048576", "cephadm_exporter_host_memory_available_bytes 524288",
            "cephadm_exporter_host_cpu_threads 64",
        ] {
            XCTAssertTrue(l.contains(expected), "missing \(expected)")
        }
    }

    func test_a_failed_host_scrape_keeps_the_last_facts() {
        let c = cache()
        c.update(task: .host, record: { $0.failed(with: "OSError exception: x") }, health: { $0.tasks[.host] = .inactive })
        XCTAssertTrue(lines(get("/metrics", cache: c)).contains("cephadm_exporter_host_cpu_threads 64"))
    }

    func test_metrics_has_the_per_request_counters_and_process_figures() {
        let l = lines(get("/metrics"))
        for expected in [
            "cephadm_exporter_certificate_expiry_timestamp_seconds 2000000000", "cephadm_exporter_time_seconds 1700000010.5",
            #"cephadm_exporter_http_requests_total{code="200"} 2"#, #"cephadm_exporter_http_requests_total{code="401"} 1"#,
            "cephadm_exporter_http_connections 3", "cephadm_exporter_http_connections_rejected_total 7",
            "cephadm_exporter_http_connections_evicted_total 0",
            "process_cpu_seconds_total 1.5", "process_resident_memory_bytes 18874368", "process_open_fds 12",
            "process_max_fds 65536", "process_start_time_seconds 1700000000",
        ] {
            XCTAssertTrue(l.contains(expected), "missing \(expected)")
        }
    }

    func test_the_snapshot_part_is_built_per_update_not_per_request() {
        let c = cache()
        let first = c.snapshot()
        XCTAssertTrue(first.metricsBody.elementsEqual(c.snapshot().metricsBody))
        c.update(health: { $0.tasks[.disks] = .active })
        XCTAssertTrue(String(decoding: c.snapshot().metricsBody, as: UTF8.self).contains(#"cephadm_exporter_task_active{task="disks"} 1"#))
        XCTAssertTrue(String(decoding: first.metricsBody, as: UTF8.self).contains(#"cephadm_exporter_task_active{task="disks"} 0"#),
                      "a snapshot taken before keeps its bytes")
    }

    func test_root_page_lists_metrics_but_pacifics_404_text_is_unchanged() throws {
        XCTAssertTrue(String(decoding: get("/").body, as: UTF8.self).contains(#"<a href="metrics">/metrics</a>"#))
        let r = get("/nope")
        XCTAssertEqual(r.reason, "Valid URLs are: /v1/metadata, /v1/metadata/health, /v1/metadata/disks, /v1/metadata/daemons, /v1/metadata/host")
        XCTAssertEqual(String(decoding: r.body, as: UTF8.self),
                       #"{"message": "Valid URLs are: /v1/metadata, /v1/metadata/health, /v1/metadata/disks, /v1/metadata/daemons, /v1/metadata/host"}"#)
    }

    func test_process_stat_is_read_after_the_command_name_whatever_it_holds() throws {
        let stat = "4242 (cephadm-exp) (x)) S 1 4242 4242 0 -1 4194560 2048 0 0 0 150 50 0 0 20 0 9 0 12345 94371840 4608 "
            + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
        let p = try XCTUnwrap(ProcessStats.parse(stat: stat, bootTime: 1_700_000_000, ticksPerSecond: 100, pageSize: 4096))
        XCTAssertEqual(p.cpuSeconds, 2)
        XCTAssertEqual(p.startTimeSeconds, 1_700_000_123.45, accuracy: 1e-6)
        XCTAssertEqual(p.virtualBytes, 94_371_840)
        XCTAssertEqual(p.residentBytes, 4608 * 4096)
        XCTAssertNil(ProcessStats.parse(stat: "garbage", bootTime: 0, ticksPerSecond: 100, pageSize: 4096))
        XCTAssertNil(ProcessStats.parse(stat: "1 (x) S 1 2", bootTime: 0, ticksPerSecond: 100, pageSize: 4096))
        XCTAssertEqual(ProcessStats.bootTime(procStat: "cpu  1 2 3\nbtime 1700000000\nprocesses 5\n"), 1_700_000_000)
    }

    func test_proc_is_read_at_most_once_a_second_however_often_metrics_is_asked_for() throws {
        let first = try XCTUnwrap(ProcessStats.recent(maxAgeSecs: 60))
        var x = 0.0
        for i in 0..<3_000_000 { x += Double(i).squareRoot() }  // some CPU time in between
        XCTAssertGreaterThan(x, 0)
        XCTAssertEqual(ProcessStats.recent(maxAgeSecs: 60), first, "within the age: the same reading")
        let fresh = try XCTUnwrap(ProcessStats.recent(maxAgeSecs: 0))
        XCTAssertGreaterThanOrEqual(fresh.cpuSeconds, first.cpuSeconds)
    }

    func test_this_process_can_be_read() throws {
        let p = try XCTUnwrap(ProcessStats.current())
        XCTAssertGreaterThan(p.residentBytes, Double(1 << 20))
        XCTAssertGreaterThan(p.openFDs ?? 0, 2)
        XCTAssertGreaterThan(p.startTimeSeconds, 1_600_000_000)
    }
}
