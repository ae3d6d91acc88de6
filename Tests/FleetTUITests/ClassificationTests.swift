import Common
import XCTest
@testable import FleetTUI

final class ClassificationTests: XCTestCase {
    private func classify(_ r: PollResult, _ t: Thresholds = Thresholds(), depth: DetailDepth = .summary) -> Classification {
        HostClassifier.classify(r, thresholds: t, depth: depth)
    }

    func test_200_with_all_tasks_active_and_fresh_is_OK() throws {
        let c = classify(Poll.response(0, body: try MetadataBody.healthy(age: 2).bytes))
        XCTAssertEqual(c.sample.status, .ok)
        XCTAssertNil(c.sample.error)
        XCTAssertEqual(c.sample.httpStatus, 200)
        XCTAssertEqual(c.sample.tasks.map(\.task), [.daemons, .disks, .host])
        XCTAssertEqual(c.sample.tasks.map(\.state), [.active, .active, .active])
        // Ages are measured on the exporter's clock (Date header, mid-second) against scrape_timestamp.
        for t in c.sample.tasks { XCTAssertEqual(t.ageSecs ?? -1, 2.5, accuracy: 0.01) }
        XCTAssertEqual(c.sample.task(.host)?.intervalSecs, 5)
        XCTAssertEqual(c.sample.task(.disks)?.intervalSecs, 20)
        XCTAssertNotNil(c.detail)
    }

    func test_206_with_an_inactive_task_is_DEGRADED_and_says_which() throws {
        var body = try MetadataBody.healthy()
        body.set("disks", "inactive")
        body.disks = ["scrape_errors": ["RuntimeError exception: Failed command: ceph-volume"], "data": nil]
        let c = classify(Poll.response(0, status: 206, body: body.bytes))
        XCTAssertEqual(c.sample.status, .degraded)
        XCTAssertEqual(c.sample.task(.disks)?.state, .inactive)
        XCTAssertEqual(c.sample.error, "disks inactive (disks: RuntimeError exception: Failed command: ceph-volume)")
    }

    func test_206_alone_is_DEGRADED() throws {
        let c = classify(Poll.response(0, status: 206, body: try MetadataBody.healthy().bytes))
        XCTAssertEqual(c.sample.status, .degraded)
        XCTAssertEqual(c.sample.error, "HTTP 206: some tasks inactive")
    }

    func test_data_older_than_three_intervals_is_DEGRADED() throws {
        var body = try MetadataBody.healthy(age: 2)
        body.host = MetadataBody.record(at: Clock.now - 16, data: try Fixture.rhelFacts())  // host interval 5 s
        let c = classify(Poll.response(0, body: body.bytes))
        XCTAssertEqual(c.sample.status, .degraded)
        XCTAssertEqual(c.sample.task(.host)?.isStale, true)
        XCTAssertEqual(c.sample.error, "host data 16s old")

        body.host = MetadataBody.record(at: Clock.now - 14, data: try Fixture.rhelFacts())
        XCTAssertEqual(classify(Poll.response(0, body: body.bytes)).sample.status, .ok)
    }

    func test_stale_factor_and_task_detail_interval_decide_staleness() throws {
        var body = try MetadataBody.healthy(age: 100)
        XCTAssertEqual(classify(Poll.response(0, body: body.bytes)).sample.status, .degraded)
        body.taskDetail = ["host": ["interval_secs": 60], "daemons": ["interval_secs": 60], "disks": ["interval_secs": 60]]
        let c = classify(Poll.response(0, body: body.bytes))
        XCTAssertEqual(c.sample.status, .ok)
        XCTAssertEqual(c.sample.task(.host)?.intervalSecs, 60)
        XCTAssertEqual(classify(Poll.response(0, body: body.bytes), Thresholds(staleAfterFactor: 1.5)).sample.status, .degraded)
    }

    func test_scrape_errors_in_an_active_record_make_it_DEGRADED() throws {
        var body = try MetadataBody.healthy()
        body.daemons = MetadataBody.record(at: Clock.now - 2, errors: ["list-daemons did not supply a list?"], data: [])
        let c = classify(Poll.response(0, body: body.bytes))
        XCTAssertEqual(c.sample.status, .degraded)
        XCTAssertEqual(c.sample.error, "daemons: list-daemons did not supply a list?")
        XCTAssertEqual(c.sample.task(.daemons)?.scrapeErrorCount, 1)
    }

    func test_pending_tasks_are_fine_until_the_stale_limit_after_start() throws {
        var body = MetadataBody()
        body.started = Clock.now - 10
        body.host = MetadataBody.record(at: Clock.now - 5, data: try Fixture.rhelFacts())
        var c = classify(Poll.response(0, body: body.bytes))
        XCTAssertEqual(c.sample.status, .ok, c.sample.error ?? "")
        XCTAssertEqual(c.sample.task(.disks)?.state, .pending)
        XCTAssertNil(c.sample.task(.disks)?.ageSecs)

        body.started = Clock.now - 90
        c = classify(Poll.response(0, body: body.bytes))
        XCTAssertEqual(c.sample.status, .degraded)
        XCTAssertEqual(c.sample.error, "daemons has no data 1m after start; disks has no data 1m after start")
    }

    func test_a_close_during_the_handshake_is_DOWN_with_its_likely_cause_not_TLS() {
        let c = classify(Poll.failure(0, .closedDuringHandshake("connection closed during the TLS handshake")))
        XCTAssertEqual(c.sample.status, .down)
        XCTAssertEqual(c.sample.error, "connection closed during the TLS handshake (exporter at its connection limit, or stopping)")
    }

    func test_a_failed_name_lookup_says_so_without_calling_the_name_an_address() {
        let failure = PollFailure.resolve("\(NetError.unresolved(host: "node9", reason: "Temporary failure in name resolution"))")
        let c = classify(Poll.failure(0, failure))
        XCTAssertEqual(c.sample.status, .down)
        XCTAssertEqual(c.sample.error, "cannot resolve 'node9': Temporary failure in name resolution")
    }

    func test_connection_failures_are_DOWN() {
        for failure in [PollFailure.refused("x"), .timeout("x"), .io("x"), .resolve("x"), .closedDuringHandshake("x")] {
            let c = classify(Poll.failure(0, failure))
            XCTAssertEqual(c.sample.status, .down, "\(failure)")
            XCTAssertNil(c.sample.httpStatus)
            XCTAssertNil(c.detail)
        }
        XCTAssertEqual(classify(Poll.failure(0, .timeout("no answer within 2s"))).sample.error, "timeout: no answer within 2s")
    }

    func test_500_or_all_tasks_inactive_is_DOWN() throws {
        var body = try MetadataBody.healthy()
        for t in ["daemons", "disks", "host"] { body.set(t, "inactive") }
        body.errors = ["host stopped at 2023/11/14 22:20:01"]
        var c = classify(Poll.response(0, status: 500, body: body.bytes))
        XCTAssertEqual(c.sample.status, .down)
        XCTAssertEqual(c.sample.error, "all tasks inactive (HTTP 500): host stopped at 2023/11/14 22:20:01")
        XCTAssertNotNil(c.detail, "the body still carries facts worth showing")

        c = classify(Poll.response(0, status: 200, body: body.bytes))
        XCTAssertEqual(c.sample.status, .down)

        c = classify(Poll.response(0, status: 500, body: Array("Internal error".utf8)))
        XCTAssertEqual(c.sample.status, .down)
        XCTAssertTrue(c.sample.error?.hasPrefix("HTTP 500; metadata body is not JSON") ?? false, c.sample.error ?? "")
    }

    func test_401_is_AUTH() {
        let c = classify(Poll.response(0, status: 401, body: Array("<html>".utf8)))
        XCTAssertEqual(c.sample.status, .auth)
        XCTAssertEqual(c.sample.error, "HTTP 401: the exporter rejected the token")
    }

    func test_tls_failure_is_TLS() {
        let c = classify(Poll.failure(0, .tls("certificate verify failed")))
        XCTAssertEqual(c.sample.status, .tls)
        XCTAssertEqual(c.sample.error, "TLS: certificate verify failed")
    }

    func test_protocol_errors_bad_bodies_and_other_statuses_are_BAD() throws {
        XCTAssertEqual(classify(Poll.failure(0, .protocolError("bad status line"))).sample.status, .bad)
        let notJSON = classify(Poll.response(0, body: Array("<html>".utf8)))
        XCTAssertEqual(notJSON.sample.status, .bad)
        XCTAssertTrue(notJSON.sample.error?.contains("not JSON") ?? false)
        var body = MetadataBody()
        body.set("host", "running")
        let shape = classify(Poll.response(0, body: body.bytes))
        XCTAssertEqual(shape.sample.status, .bad)
        XCTAssertTrue(shape.sample.error?.contains("health.tasks.host") ?? false)
        for status in [204, 404, 501, 302] {
            let c = classify(Poll.response(0, status: status, body: try MetadataBody.healthy().bytes))
            XCTAssertEqual(c.sample.status, .bad, "\(status)")
            XCTAssertEqual(c.sample.error, "unexpected HTTP status \(status)")
        }
    }

    func test_clock_skew_is_exporter_time_minus_local_time_at_the_response() throws {
        // Exporter clock 30 s ahead; request sent at now, answered after 100 ms.
        let body = try MetadataBody.healthy(at: Clock.now + 30, age: 3)
        let c = classify(Poll.response(0, body: body.bytes, latency: 0.1, exporterNow: Clock.now + 30.05))
        // Date says now+30 (whole second, mid-second assumed: +30.5); local clock at the response is now+0.05.
        XCTAssertEqual(c.sample.skewSecs ?? 0, 30.45, accuracy: 0.001)
        // The age is on the exporter's clock, so the skew does not make the data look stale.
        XCTAssertEqual(c.sample.task(.host)?.ageSecs ?? 0, 3.5, accuracy: 0.01)
        XCTAssertEqual(c.sample.status, .ok)
    }

    func test_without_a_date_header_age_uses_the_local_clock_and_skew_is_unknown() throws {
        let body = try MetadataBody.healthy(age: 3)
        let c = classify(Poll.response(0, body: body.bytes, latency: 0.5, date: false))
        XCTAssertNil(c.sample.skewSecs)
        XCTAssertEqual(c.sample.task(.host)?.ageSecs ?? 0, 3.5, accuracy: 0.001)
    }

    func test_detail_keeps_a_summary_of_facts_daemons_and_disks() throws {
        var body = try MetadataBody.healthy()
        guard case .array(var daemons) = try Fixture.daemons() else { return XCTFail() }
        daemons.append(try Fixture.stoppedOSD())
        body.daemons = MetadataBody.record(at: Clock.now - 2, data: .array(daemons))
        body.errors = (1...8).map { "host stopped at 2023/11/14 22:0\($0):00" }
        let detail = try XCTUnwrap(classify(Poll.response(0, body: body.bytes), depth: .full).detail)
        XCTAssertTrue(detail.isComplete)
        XCTAssertEqual(detail.hostname, "dummy")
        XCTAssertEqual(detail.fsid, "dbb88f95-1cd6-482a-a735-23c832ee7795")
        let f = try XCTUnwrap(detail.facts)
        XCTAssertEqual(f.hostname, "dummy")
        XCTAssertEqual(f.operatingSystem, "Red Hat Enterprise Linux 8.3 (Ootpa)")
        XCTAssertEqual(f.kernel, "4.18.0-240.10.1.el8_3.x86_64")
        XCTAssertEqual(f.cpuThreads, 64)
        XCTAssertEqual(f.memoryTotalKB, 32_900_916)
        XCTAssertEqual(f.hddCount, 4)
        XCTAssertEqual(f.flashCapacity, "4.0TB")
        XCTAssertEqual(f.interfaces.map(\.name), ["eth0", "eth1", "eth2"])
        XCTAssertEqual(f.interfaces.first?.mtu, 9000)
        let d = try XCTUnwrap(detail.daemons)
        XCTAssertEqual(d.total, 4)
        XCTAssertEqual(d.running, 3)
        XCTAssertEqual(d.notRunning, ["osd.2 (stopped)"])
        XCTAssertEqual(d.fsid, "dbb88f95-1cd6-482a-a735-23c832ee7795")
        XCTAssertEqual(detail.devices, DeviceSummary(total: 5, available: 4, totalBytes: try diskBytes()))
        XCTAssertEqual(detail.healthErrorCount, 8)
        XCTAssertEqual(detail.healthErrors.count, HostDetailBuilder.maxHealthErrors)
        XCTAssertEqual(detail.healthErrors.last, "host stopped at 2023/11/14 22:08:00")
    }

    func test_every_poll_keeps_the_name_fsid_and_health_but_not_the_facts() throws {
        var body = try MetadataBody.healthy()
        guard case .array(var daemons) = try Fixture.daemons() else { return XCTFail() }
        daemons.append(try Fixture.stoppedOSD())
        body.daemons = MetadataBody.record(at: Clock.now - 2, data: .array(daemons))
        body.errors = ["disks stopped at 2023/11/14 22:01:00"]
        let poll = Poll.response(0, body: body.bytes)
        let summary = classify(poll)
        let full = classify(poll, depth: .full)
        XCTAssertEqual(summary.sample, full.sample, "the verdict does not depend on how much is decoded")
        let detail = try XCTUnwrap(summary.detail)
        XCTAssertFalse(detail.isComplete)
        XCTAssertEqual(detail.hostname, "dummy")
        XCTAssertEqual(detail.fsid, "dbb88f95-1cd6-482a-a735-23c832ee7795")
        XCTAssertEqual(detail.healthErrors, ["disks stopped at 2023/11/14 22:01:00"])
        XCTAssertNil(detail.facts)
        XCTAssertNil(detail.daemons)
        XCTAssertNil(detail.devices)
        let complete = try XCTUnwrap(full.detail)
        XCTAssertEqual(complete.hostname, detail.hostname)
        XCTAssertEqual(complete.fsid, detail.fsid)
        XCTAssertEqual(complete.healthErrors, detail.healthErrors)
    }

    private func diskBytes() throws -> Double {
        try Fixture.disks().arrayValue?.reduce(0) { $0 + ($1["sys_api"]?["size"]?.doubleValue ?? 0) } ?? 0
    }

    func test_remote_text_cannot_carry_terminal_control_sequences() throws {
        var body = try MetadataBody.healthy()
        body.daemons = MetadataBody.record(at: Clock.now - 2, errors: ["bad\u{1B}[2J\nthing\u{202E}"], data: [])
        let c = classify(Poll.response(0, body: body.bytes))
        XCTAssertEqual(c.sample.error, #"daemons: bad\x1b[2J\x0athing\u{202e}"#)
        XCTAssertEqual(RemoteText.clip(String(repeating: "x", count: 500)).count, 241)
    }
}
