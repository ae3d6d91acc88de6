import Common
import XCTest
@testable import FleetTUI

/// A target's reading from Prometheus judged by the rules of a poll: the same statuses, task
/// states and ages; failed scrapes by Prometheus' recorded error.
final class PrometheusClassificationTests: XCTestCase {
    let scrapedAt = Clock.now
    let thresholds = Thresholds()

    /// A healthy exporter as Prometheus scraped it: its clock `skew` ahead, data `age` old.
    func reading(age: Double = 2, skew: Double = 0) -> PrometheusTargetReading {
        var r = PrometheusTargetReading(instance: "stor01:9443")
        r.up = true
        r.scrapedAt = scrapedAt
        r.scrapeDurationSecs = 0.004
        r.exporterTime = scrapedAt + 0.002 + skew
        r.exporterStarted = scrapedAt - 600 + skew
        r.hostInfo = ["hostname": "stor01", "kernel": "6.1.0", "os": "Debian GNU/Linux 12", "arch": "x86_64"]
        for (task, interval) in [(TaskName.host, 5.0), (.daemons, 20), (.disks, 20)] {
            r.tasks[task] = .init(active: true, lastScrape: scrapedAt + 0.002 + skew - age, interval: interval, scrapeErrors: 0, restarts: 0)
        }
        return r
    }

    func classify(_ r: PrometheusTargetReading) throws -> Classification {
        try XCTUnwrap(HostClassifier.classify(r, thresholds: thresholds))
    }

    func test_a_healthy_target_is_OK_with_ages_on_the_exporters_clock() throws {
        let c = try classify(reading(age: 3, skew: 40))
        XCTAssertEqual(c.sample.status, .ok)
        XCTAssertEqual(c.sample.httpStatus, 200)
        XCTAssertEqual(c.sample.latencySecs, 0.004)
        XCTAssertEqual(c.sample.startedAt, scrapedAt)
        XCTAssertEqual(c.sample.skewSecs ?? 0, 40, accuracy: 1e-6, "clock skew is the exporter's clock against Prometheus'")
        XCTAssertEqual(c.sample.tasks.map(\.task), [.daemons, .disks, .host])
        for t in c.sample.tasks { XCTAssertEqual(t.ageSecs ?? -1, 3, accuracy: 1e-6, "skew does not distort ages") }
        XCTAssertEqual(c.detail?.facts?.hostname, "stor01")
        XCTAssertEqual(c.detail?.exporterStartedEpochSecs ?? 0, scrapedAt - 560, accuracy: 1e-6)
    }

    func test_an_inactive_task_is_DEGRADED_and_all_inactive_is_DOWN() throws {
        var r = reading()
        r.tasks[.disks]?.active = false
        r.tasks[.disks]?.scrapeErrors = 1
        var c = try classify(r)
        XCTAssertEqual(c.sample.status, .degraded)
        XCTAssertEqual(c.sample.task(.disks)?.state, .inactive)
        XCTAssertEqual(c.sample.error, "disks inactive (disks: 1 scrape error)")
        for t in [TaskName.host, .daemons] { r.tasks[t]?.active = false }
        c = try classify(r)
        XCTAssertEqual(c.sample.status, .down)
        XCTAssertEqual(c.sample.error, "all tasks inactive (as Prometheus last scraped it)")
    }

    func test_old_data_is_stale_by_the_tasks_interval() throws {
        var r = reading()
        r.tasks[.host]?.lastScrape = r.exporterTime.map { $0 - 16 }
        let c = try classify(r)
        XCTAssertEqual(c.sample.status, .degraded)
        XCTAssertEqual(c.sample.error, "host data 16s old")
        r.tasks[.host]?.lastScrape = r.exporterTime.map { $0 - 14 }
        XCTAssertEqual(try classify(r).sample.status, .ok)
    }

    func test_an_active_task_without_data_is_pending_until_the_stale_limit_after_start() throws {
        var r = reading()
        r.tasks[.disks]?.lastScrape = nil
        r.exporterStarted = r.exporterTime.map { $0 - 10 }
        var c = try classify(r)
        XCTAssertEqual(c.sample.task(.disks)?.state, .pending)
        XCTAssertEqual(c.sample.status, .ok)
        r.exporterStarted = r.exporterTime.map { $0 - 100 }
        c = try classify(r)
        XCTAssertEqual(c.sample.status, .degraded)
        XCTAssertEqual(c.sample.error, "disks has no data 1m after start")
    }

    func test_failed_scrapes_are_judged_by_prometheus_error() throws {
        func status(_ lastError: String) throws -> (HostStatus, String?) {
            var r = PrometheusTargetReading(instance: "stor01:9443")
            r.up = false
            r.scrapedAt = scrapedAt
            r.lastError = lastError
            let c = try classify(r)
            XCTAssertTrue(c.sample.tasks.isEmpty)
            return (c.sample.status, c.sample.error)
        }
        XCTAssertEqual(try status("server returned HTTP status 401 Unauthorized").0, .auth)
        XCTAssertEqual(try status(#"Get "https://a:9443/metrics": x509: certificate signed by unknown authority"#).0, .tls)
        XCTAssertEqual(try status(#"Get "https://a:9443/metrics": dial tcp 127.0.0.1:9443: connect: connection refused"#).0, .down)
        XCTAssertEqual(try status(#"Get "https://a:9443/metrics": context deadline exceeded"#).0, .down)
        XCTAssertEqual(try status(#"expected a valid start token, got "<" ("INVALID") while parsing: "<""#).0, .bad)
        let (s, text) = try status("")
        XCTAssertEqual(s, .down)
        XCTAssertEqual(text, "Prometheus: the last scrape failed")
    }

    func test_not_scraped_yet_is_no_sample_and_strange_numbers_are_BAD() throws {
        var notYet = PrometheusTargetReading(instance: "a:1")
        notYet.lastError = ""
        XCTAssertNil(HostClassifier.classify(notYet, thresholds: thresholds))
        var r = reading()
        r.exporterTime = 1e300
        XCTAssertEqual(try classify(r).sample.status, .bad)
        r = reading()
        r.tasks[.host]?.lastScrape = 1
        XCTAssertEqual(try classify(r).sample.error,
                       #"implausible time: cephadm_exporter_task_last_scrape_timestamp_seconds{task="host"} is 1.0 (before 2000-01-01 or more than a day ahead of this machine's clock)"#)
        r = reading()
        r.tasks[.host]?.interval = 0
        XCTAssertEqual(try classify(r).sample.status, .bad)
        r = reading()
        r.tasks = [:]
        XCTAssertTrue(try classify(r).sample.error?.contains("not a cephadm-exporter") ?? false)
        r = reading()
        r.tasks[.disks] = nil
        XCTAssertEqual(try classify(r).sample.error, "disks not reported")
    }

    func test_targets_keep_their_host_new_ones_are_appended_and_vanished_ones_are_down() throws {
        var map = PrometheusHostMap()
        let a = reading().renamed("a:9443")
        let b = reading().renamed("b:9443")
        var (hosts, batch) = map.classify([a, b], job: "j", thresholds: thresholds, catalog: .standard, now: Clock.now)
        XCTAssertEqual(hosts.map(\.displayName), ["a:9443", "b:9443"])
        XCTAssertEqual(batch.map(\.hostIndex), [0, 1])
        let c = reading().renamed("c:9443")
        (hosts, batch) = map.classify([b, c], job: "j", thresholds: thresholds, catalog: .standard, now: Clock.now)
        XCTAssertEqual(hosts.map(\.displayName), ["c:9443"])
        XCTAssertEqual(batch.map(\.hostIndex), [1, 2, 0])
        XCTAssertEqual(batch[2].classification.sample.status, .down)
        XCTAssertEqual(batch[2].classification.sample.error, "no longer a target of job 'j' in Prometheus (a:9443)")

        var fleet = FleetState(hosts: [])
        for h in [PrometheusRound.hostEntry(instance: "a:9443", line: 1)] { fleet.appendHost(h) }
        XCTAssertEqual(fleet.status(of: 0), .pending)
        XCTAssertEqual(fleet.totals[.pending], 1)
    }
}

extension PrometheusTargetReading {
    /// The same reading for another target.
    func renamed(_ instance: String) -> PrometheusTargetReading {
        var r = PrometheusTargetReading(instance: instance)
        (r.up, r.scrapedAt, r.scrapeDurationSecs, r.lastError) = (up, scrapedAt, scrapeDurationSecs, lastError)
        (r.exporterTime, r.exporterStarted, r.hostInfo, r.tasks) = (exporterTime, exporterStarted, hostInfo, tasks)
        return r
    }
}
