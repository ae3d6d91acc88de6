import Common
import XCTest
@testable import FleetTUI

final class FleetStateTests: XCTestCase {
    func test_hosts_start_pending_and_totals_follow_each_fold() throws {
        var fleet = FleetState(hosts: testHosts(["a", "b", "c"]))
        XCTAssertEqual(fleet.totals[.pending], 3)
        fleet.fold(Poll.response(0, body: try MetadataBody.healthy().bytes))
        fleet.fold(Poll.failure(1, .refused("x")))
        XCTAssertEqual(fleet.totals[.ok], 1)
        XCTAssertEqual(fleet.totals[.down], 1)
        XCTAssertEqual(fleet.totals[.pending], 1)
        fleet.fold(Poll.response(1, body: try MetadataBody.healthy().bytes))
        XCTAssertEqual(fleet.totals[.down], 0)
        XCTAssertEqual(fleet.totals[.ok], 2)
        XCTAssertEqual(fleet.totals.total, 3)
    }

    func test_unknown_host_index_is_ignored() {
        var fleet = FleetState(hosts: testHosts(["a"]))
        XCTAssertFalse(fleet.fold(Poll.failure(5, .refused("x"))))
        XCTAssertFalse(fleet.fold(Poll.failure(-1, .refused("x"))))
        XCTAssertEqual(fleet.generation, 0)
        XCTAssertEqual(fleet.totals[.pending], 1)
    }

    func test_latency_p50_and_p95_cover_the_last_60_responses() throws {
        var fleet = FleetState(hosts: testHosts(["a"]))
        let body = try MetadataBody.healthy().bytes
        // 100 polls with latencies 1..100 ms: the window keeps 41..100.
        for ms in 1...100 {
            fleet.fold(Poll.response(0, body: body, latency: Double(ms) / 1000))
        }
        let w = fleet.records[0].latency
        XCTAssertEqual(w.count, 60)
        XCTAssertEqual(w.last, 0.1)
        // Kept as Float32 (240 bytes per host): exact to about 1e-8 at these values.
        XCTAssertEqual(w.percentile(0.5) ?? 0, 0.070, accuracy: 1e-7)  // 30th of 41...100
        XCTAssertEqual(w.percentile(0.95) ?? 0, 0.097, accuracy: 1e-7) // 57th
        XCTAssertEqual(w.percentile(1) ?? 0, 0.100, accuracy: 1e-7)
        XCTAssertEqual(w.percentile(0) ?? 0, 0.041, accuracy: 1e-7)
    }

    func test_failed_polls_do_not_enter_the_latency_window() {
        var fleet = FleetState(hosts: testHosts(["a"]))
        fleet.fold(Poll.failure(0, .timeout("x"), latency: 2))
        XCTAssertEqual(fleet.records[0].latency.count, 0)
        XCTAssertNil(fleet.records[0].latency.percentile(0.5))
        XCTAssertEqual(fleet.records[0].latency.series.count, 1, "but they are a gap in the history")
        XCTAssertTrue(fleet.records[0].latency.series.values[0].isNaN)
    }

    func test_failures_errors_and_last_success_are_tracked() throws {
        var fleet = FleetState(hosts: testHosts(["a"]))
        let ok = try MetadataBody.healthy().bytes
        fleet.fold(Poll.response(0, body: ok, at: Clock.now, latency: 0.01))
        fleet.fold(Poll.failure(0, .refused("nope"), at: Clock.now + 5, latency: 0.001))
        fleet.fold(Poll.failure(0, .timeout("slow"), at: Clock.now + 10, latency: 2))
        var r = fleet.records[0]
        XCTAssertEqual(r.consecutiveFailures, 2)
        XCTAssertEqual(r.lastSuccessAt, Clock.now + 0.01)
        XCTAssertEqual(r.lastError, "timeout: slow")
        XCTAssertEqual(r.lastErrorAt, Clock.now + 12)
        XCTAssertEqual(r.polls, 3)
        XCTAssertNotNil(r.detail, "the last good facts stay for the detail view")

        fleet.fold(Poll.response(0, body: try MetadataBody.healthy(at: Clock.now + 15).bytes, at: Clock.now + 15))
        r = fleet.records[0]
        XCTAssertEqual(r.status, .ok)
        XCTAssertEqual(r.consecutiveFailures, 0)
        XCTAssertNil(r.sample?.error)
        XCTAssertEqual(r.lastError, "timeout: slow", "the last error is remembered after recovery")
    }

    func test_a_sweep_completes_when_every_host_has_a_result() throws {
        var fleet = FleetState(hosts: testHosts(["a", "b", "c"]))
        let body = try MetadataBody.healthy().bytes
        fleet.fold(Poll.response(0, body: body, at: Clock.now, latency: 0.5))
        fleet.fold(Poll.response(0, body: body, at: Clock.now + 1, latency: 0.5))
        fleet.fold(Poll.response(1, body: body, at: Clock.now + 0.2, latency: 0.3))
        XCTAssertEqual(fleet.sweep.completedSweeps, 0)
        XCTAssertNil(fleet.sweep.lastDurationSecs)
        fleet.fold(Poll.response(2, body: body, at: Clock.now + 0.1, latency: 3.9))
        XCTAssertEqual(fleet.sweep.completedSweeps, 1)
        XCTAssertEqual(fleet.sweep.lastDurationSecs ?? 0, 4.0, accuracy: 1e-9)
        XCTAssertEqual(fleet.sweep.pollsPerSec ?? 0, 1.0, accuracy: 1e-9)  // 4 polls in 4 s
        XCTAssertEqual(fleet.sweep.lastCompletedAt ?? 0, Clock.now + 4.0, accuracy: 1e-9)

        for i in 0..<3 { fleet.fold(Poll.response(i, body: body, at: Clock.now + 10, latency: 0.5)) }
        XCTAssertEqual(fleet.sweep.completedSweeps, 2)
        XCTAssertEqual(fleet.sweep.lastDurationSecs ?? 0, 0.5, accuracy: 1e-9)
        XCTAssertEqual(fleet.sweep.pollsPerSec ?? 0, 6.0, accuracy: 1e-9)
    }

    func test_a_host_that_stopped_answering_does_not_hold_the_next_sweeps_open() throws {
        var fleet = FleetState(hosts: testHosts(["a", "b", "c"]))
        let body = try MetadataBody.healthy().bytes
        fleet.fold(Poll.response(0, body: body, at: Clock.now, latency: 0.5))
        fleet.fold(Poll.response(1, body: body, at: Clock.now, latency: 0.5))
        fleet.fold(Poll.failure(2, .refused("x"), at: Clock.now, latency: 0.001))
        XCTAssertEqual(fleet.sweep.completedSweeps, 1, "the first sweep waits for every host")
        // The poller now polls c once a minute at most: the sweeps go on without it.
        for k in 1...3 {
            fleet.fold(Poll.response(0, body: body, at: Clock.now + 5 * Double(k), latency: 0.5))
            fleet.fold(Poll.response(1, body: body, at: Clock.now + 5 * Double(k), latency: 0.5))
            XCTAssertEqual(fleet.sweep.completedSweeps, 1 + k)
            XCTAssertEqual(fleet.sweep.lastDurationSecs ?? 0, 0.5, accuracy: 1e-9)
        }
        XCTAssertEqual(fleet.sweepHistory.sweeps.count, 4)
        XCTAssertEqual(fleet.sweep.polledInCompletedSweeps, 3 + 3 * 2, "what was polled, not sweeps × hosts")
        XCTAssertEqual(fleet.sweepHistory.sweeps.last?[.down], 1, "it still counts as DOWN in every sweep")
    }

    func test_fleet_fsid_is_the_one_most_hosts_report() throws {
        var fleet = FleetState(hosts: testHosts(["a", "b", "c"]))
        XCTAssertNil(fleet.fleetFsid)
        let body = try MetadataBody.healthy().bytes
        fleet.fold(Poll.response(0, body: body))
        fleet.fold(Poll.response(1, body: body))
        XCTAssertEqual(fleet.fleetFsid?.fsid, "dbb88f95-1cd6-482a-a735-23c832ee7795")
        XCTAssertEqual(fleet.fleetFsid?.unanimous, true)

        var other = try MetadataBody.healthy()
        other.daemons = MetadataBody.record(at: Clock.now - 2, data: [["style": "cephadm:v1", "name": "mon.x", "fsid": "other-fsid", "state": "running"]])
        fleet.fold(Poll.response(2, body: other.bytes))
        XCTAssertEqual(fleet.fleetFsid?.fsid, "dbb88f95-1cd6-482a-a735-23c832ee7795")
        XCTAssertEqual(fleet.fleetFsid?.unanimous, false)
        // The host moves to the majority fsid: the other one disappears.
        fleet.fold(Poll.response(2, body: body))
        XCTAssertEqual(fleet.fsidCounts, ["dbb88f95-1cd6-482a-a735-23c832ee7795": 3])
    }

    func test_each_fold_bumps_the_generation() {
        var fleet = FleetState(hosts: testHosts(["a"]))
        fleet.fold(Poll.failure(0, .refused("x")))
        fleet.fold(Poll.failure(0, .refused("x")))
        XCTAssertEqual(fleet.generation, 2)
    }

    func test_duration_texts() {
        XCTAssertEqual(DurationText.age(0.4), "0s")
        XCTAssertEqual(DurationText.age(59.9), "59s")
        XCTAssertEqual(DurationText.age(61), "1m")
        XCTAssertEqual(DurationText.age(7200), "2h")
        XCTAssertEqual(DurationText.age(200_000), "2d")
        XCTAssertEqual(DurationText.latency(0.0004), "0.4ms")
        XCTAssertEqual(DurationText.latency(0.0123), "12ms")
        XCTAssertEqual(DurationText.latency(1.234), "1.2s")
        XCTAssertEqual(DurationText.skew(0.21), "+0.2s")
        XCTAssertEqual(DurationText.skew(-42), "-42s")
        XCTAssertEqual(DurationText.skew(-3600), "-1h")
        XCTAssertEqual(DurationText.clock(Clock.started, utcOffsetSecs: 0), "22:13:20")
        XCTAssertEqual(DurationText.clock(Clock.started, utcOffsetSecs: 3600), "23:13:20")
    }

    /// Every host keeps a detail (hostname, fsid, health) and 10,000 hosts' records are copied
    /// whenever the dashboard draws while results arrive: the facts, daemons and devices that
    /// only the viewed host has decoded must not widen every record.
    func test_a_hosts_detail_keeps_what_only_the_detail_view_decodes_out_of_line() {
        XCTAssertLessThanOrEqual(MemoryLayout<HostDetail>.stride, 128)
        XCTAssertLessThanOrEqual(MemoryLayout<HostRecord>.stride, 448)
        let facts = HostFacts(hostname: "n1")
        let a = HostDetail(exporterStartedEpochSecs: 1, httpServer: nil, healthErrors: [], healthErrorCount: 0, hasTaskDetail: true,
                           hostname: "n1", fsid: nil, isComplete: true, facts: facts, daemons: nil, devices: nil)
        let b = HostDetail(exporterStartedEpochSecs: 1, httpServer: nil, healthErrors: [], healthErrorCount: 0, hasTaskDetail: true,
                           hostname: "n1", fsid: nil, isComplete: true, facts: HostFacts(hostname: "n1"), daemons: nil, devices: nil)
        let summary = HostDetail(exporterStartedEpochSecs: 1, httpServer: nil, healthErrors: [], healthErrorCount: 0, hasTaskDetail: true,
                                 hostname: "n1", fsid: nil, isComplete: false, facts: nil, daemons: nil, devices: nil)
        XCTAssertEqual(a.facts, facts)
        XCTAssertEqual(a, b, "compared by value, not by where the facts are kept")
        XCTAssertNotEqual(a, summary)
        XCTAssertNil(summary.facts)
    }
}
