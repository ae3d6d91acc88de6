import Common
import XCTest
@testable import FleetTUI

/// The event derivation is pure: a sequence of polls in, events out, timed by the polls.
final class EventDerivationTests: XCTestCase {
    /// One poll of `host` at `t`, classified as the dashboard does.
    private func input(_ result: PollResult) -> EventDerivation.Input {
        let c = HostClassifier.classify(result, thresholds: Thresholds())
        return EventDerivation.Input(host: result.hostIndex, sample: c.sample,
                                     exporterStartedAt: c.detail?.exporterStartedEpochSecs)
    }

    private func healthy(_ host: Int, at t: Double, restarts: Int = 0, started: Double = Clock.started) throws -> PollResult {
        var b = try MetadataBody.healthy(at: t, age: 1)
        b.started = started
        b.taskDetail = detail(restarts: restarts)
        return Poll.response(host, body: b.bytes, at: t, latency: 0.01)
    }

    private func disksStopped(_ host: Int, at t: Double, restarts: Int = 0) throws -> PollResult {
        var b = try MetadataBody.healthy(at: t, age: 1)
        b.set("disks", "inactive")
        b.disks = MetadataBody.record(at: t - 1, errors: ["RuntimeError exception: device scan failed"], data: nil)
        b.taskDetail = detail(restarts: restarts)
        return Poll.response(host, status: 206, body: b.bytes, at: t, latency: 0.01)
    }

    private func detail(restarts: Int) -> JSONValue {
        let one: JSONValue = ["interval_secs": 20, "restarts": .int(restarts), "consecutive_failures": 0]
        return ["host": ["interval_secs": 5, "restarts": 0, "consecutive_failures": 0], "daemons": one, "disks": one]
    }

    private func summary(_ events: [FleetEvent]) -> [String] {
        events.map { "\($0.host) \($0.from.label)→\($0.to.label) \($0.kind.rawValue): \($0.cause)" }
    }

    func test_a_host_going_degraded_down_and_back_gives_one_event_per_transition_with_its_cause() throws {
        let t = Clock.now
        let events = EventDerivation.events([
            input(try healthy(0, at: t)),
            input(try healthy(0, at: t + 5)),
            input(try disksStopped(0, at: t + 10)),
            input(Poll.failure(0, .refused("connect 10.0.0.1:9443: Connection refused"), at: t + 15, latency: 0.001)),
            input(Poll.failure(0, .refused("connect 10.0.0.1:9443: Connection refused"), at: t + 20, latency: 0.001)),
            input(try healthy(0, at: t + 140, started: t + 130)),
        ])
        XCTAssertEqual(summary(events), [
            "0 WAIT→OK status: first poll",
            "0 OK→DEGRADED status: disks inactive (disks: RuntimeError exception: device scan failed)",
            "0 DEGRADED→DOWN status: connection refused: connect 10.0.0.1:9443: Connection refused",
            "0 DOWN→OK status: recovered after 2m DOWN; exporter restarted",
        ])
        // Each event has the local time of the poll that showed it (request start + latency).
        XCTAssertEqual(events.map(\.time), [t + 0.01, t + 10.01, t + 15.001, t + 140.01])
    }

    func test_a_task_restarted_between_two_polls_is_seen_in_task_detail() throws {
        let t = Clock.now
        let events = EventDerivation.events([
            input(try healthy(3, at: t, restarts: 0)),
            input(try healthy(3, at: t + 5, restarts: 1)),
            input(try healthy(3, at: t + 10, restarts: 1)),
        ])
        XCTAssertEqual(summary(events), ["3 WAIT→OK status: first poll", "3 OK→OK task: daemons restarted (restarts 1); disks restarted (restarts 1)"])
    }

    func test_a_stopped_task_coming_back_names_the_restart() throws {
        let t = Clock.now
        let events = EventDerivation.events([
            input(try healthy(0, at: t)),
            input(try disksStopped(0, at: t + 5)),
            input(try healthy(0, at: t + 20, restarts: 1)),
        ])
        XCTAssertEqual(summary(events).last, "0 DEGRADED→OK status: recovered after 15s DEGRADED; daemons restarted (restarts 1); disks restarted (restarts 1)")
    }

    func test_a_second_task_stopping_inside_DEGRADED_is_an_event_without_a_status_change() throws {
        let t = Clock.now
        var both = try MetadataBody.healthy(at: t + 10, age: 1)
        both.set("disks", "inactive")
        both.set("daemons", "inactive")
        let events = EventDerivation.events([
            input(try disksStopped(0, at: t)),
            input(Poll.response(0, status: 206, body: both.bytes, at: t + 10)),
        ])
        XCTAssertEqual(summary(events).last, "0 DEGRADED→DEGRADED task: daemons stopped")
    }

    func test_a_clock_skew_jump_is_an_event_and_small_wobble_is_not() throws {
        let t = Clock.now
        // The exporter's data is fresh on its own clock, whatever that clock says.
        func poll(at local: Double, skew: Double) throws -> EventDerivation.Input {
            let body = try MetadataBody.healthy(at: local + skew, age: 1).bytes
            return input(Poll.response(1, body: body, at: local, exporterNow: local + skew))
        }
        let events = EventDerivation.events([try poll(at: t, skew: 0), try poll(at: t + 5, skew: 2), try poll(at: t + 10, skew: 42)])
        XCTAssertEqual(summary(events), ["1 WAIT→OK status: first poll", "1 OK→OK skew: clock skew jumped from +2.5s to +42s"])
    }

    func test_hosts_are_followed_independently_and_a_steady_host_gives_no_events() throws {
        let t = Clock.now
        var inputs: [EventDerivation.Input] = []
        for k in 0..<10 {
            inputs.append(input(try healthy(0, at: t + Double(k) * 5)))
            inputs.append(input(Poll.failure(1, .timeout("no answer in 2s"), at: t + Double(k) * 5)))
        }
        XCTAssertEqual(summary(EventDerivation.events(inputs)), ["0 WAIT→OK status: first poll", "1 WAIT→DOWN status: timeout: no answer in 2s"])
    }

    func test_the_fleet_keeps_the_newest_events_in_one_bounded_ring() throws {
        var fleet = FleetState(hosts: testHosts(["a", "b"]), eventCapacity: 5)
        for k in 0..<6 {
            let t = Clock.now + Double(k) * 10
            fleet.fold(Poll.response(0, body: try MetadataBody.healthy(at: t).bytes, at: t))
            fleet.fold(Poll.failure(0, .refused("x"), at: Clock.now + Double(k) * 10 + 5))
        }
        XCTAssertEqual(fleet.events.total, 12)
        XCTAssertEqual(fleet.events.count, 5)
        XCTAssertEqual(fleet.events.firstKept, 7)
        XCTAssertNil(fleet.events[number: 6])
        XCTAssertEqual(Array(fleet.events.newestFirst), [11, 10, 9, 8, 7])
        XCTAssertEqual(fleet.events[number: 11]?.to, .down)
        XCTAssertEqual(fleet.events.since(10).map(\.to), [.ok, .down])
        XCTAssertEqual(fleet.events.since(0).count, 5, "what was dropped is not returned")
    }
}

final class FlappingTests: XCTestCase {
    func test_more_than_n_changes_in_the_window_is_flapping_and_it_ends_when_they_age_out() {
        let rule = FlapRule(changes: 4, windowSecs: 600)
        var h = FlapHistory()
        for k in 0..<4 { h.recordChange(at: Double(k) * 60, rule: rule) }
        XCTAssertFalse(h.isFlapping(at: 200, rule: rule), "4 changes is not more than 4")
        h.recordChange(at: 240, rule: rule)
        XCTAssertTrue(h.isFlapping(at: 240, rule: rule))
        XCTAssertEqual(h.changes(before: 240, rule: rule), 5)
        XCTAssertTrue(h.isFlapping(at: 599, rule: rule))
        XCTAssertFalse(h.isFlapping(at: 601, rule: rule), "the change at 0 left the window")
    }

    func test_a_flapping_host_is_marked_counted_and_sorted_with_the_worst() throws {
        var fleet = FleetState(hosts: testHosts(["a-steady-down", "b-flapping", "c-ok"]), flapRule: FlapRule(changes: 2, windowSecs: 60))
        func ok(_ host: Int, at t: Double) throws -> PollResult {
            Poll.response(host, body: try MetadataBody.healthy(at: t).bytes, at: t)
        }
        let t = Clock.now
        fleet.fold(Poll.failure(0, .refused("x")))
        fleet.fold(try ok(2, at: t))
        // WAIT→OK is not a change; then OK→DOWN, DOWN→OK, OK→DOWN, DOWN→OK: flapping from the third.
        fleet.fold(try ok(1, at: t))
        fleet.fold(Poll.failure(1, .refused("x"), at: t + 5))
        fleet.fold(try ok(1, at: t + 10))
        XCTAssertFalse(fleet.records[1].isFlapping)
        fleet.fold(Poll.failure(1, .refused("x"), at: t + 15))
        XCTAssertTrue(fleet.records[1].isFlapping)
        XCTAssertEqual(fleet.flappingCount, 1)
        XCTAssertTrue(fleet.events[number: fleet.events.total - 1]?.cause.hasSuffix("; flapping (3 changes in 1m)") ?? false)
        fleet.fold(try ok(1, at: t + 20))
        XCTAssertEqual(fleet.status(of: 1), .ok)
        XCTAssertTrue(fleet.records[1].isFlapping, "still flapping while OK")

        let order = RowOrder.compute(fleet, sort: .status, reversed: false, filter: "", names: HostNames(fleet))
        XCTAssertEqual(order, [1, 0, 2], "flapping (even when OK) sorts with the worst")
        XCTAssertEqual(TableLayout.statusText(fleet.records[1]), "OK↯")

        // A minute later without changes it is no longer flapping.
        fleet.fold(try ok(1, at: t + 90))
        XCTAssertFalse(fleet.records[1].isFlapping)
        XCTAssertEqual(fleet.flappingCount, 0)
    }
}

final class HostNameTests: XCTestCase {
    func test_the_name_is_the_orch_hostname_else_the_facts_hostname_else_the_list_entry() throws {
        let hosts = [HostEntry(displayName: "orch-name", address: "10.0.0.1", port: nil, line: 1, nameFromInventory: true),
                     HostEntry(displayName: "10.0.0.2", address: "10.0.0.2", port: nil, line: 2),
                     HostEntry(displayName: "10.0.0.3", address: "10.0.0.3", port: nil, line: 3),
                     HostEntry(displayName: "10.0.0.4", address: "10.0.0.4", port: nil, line: 4)]
        var fleet = FleetState(hosts: hosts, defaultPort: 9443)
        func answer(_ i: Int, hostname: String) throws {
            let facts = Fixture.facts(try Fixture.rhelFacts(), named: hostname)
            fleet.fold(Poll.response(i, body: try MetadataBody.healthy(facts: facts).bytes))
        }
        XCTAssertEqual(fleet.name(of: 1), "10.0.0.2", "before any answer: the list entry")
        let generation = fleet.nameGeneration
        try answer(0, hostname: "facts-0")
        try answer(1, hostname: "stor02")
        try answer(2, hostname: "   ")
        XCTAssertGreaterThan(fleet.nameGeneration, generation)
        XCTAssertEqual((0..<4).map { fleet.name(of: $0) }, ["orch-name", "stor02", "10.0.0.3", "10.0.0.4"])
        fleet.fold(Poll.failure(1, .refused("x")))
        XCTAssertEqual(fleet.name(of: 1), "stor02", "the name stays while the host is down")
        // Filtering and sorting by host match names and addresses.
        let names = HostNames(fleet)
        XCTAssertEqual(RowOrder.compute(fleet, sort: .host, reversed: false, filter: "stor", names: names), [1])
        XCTAssertEqual(RowOrder.compute(fleet, sort: .host, reversed: false, filter: "10.0.0.2:9443", names: names), [1])
        XCTAssertEqual(RowOrder.compute(fleet, sort: .host, reversed: false, filter: "", names: names), [2, 3, 0, 1])
    }
}

final class HistoryTests: XCTestCase {
    func test_series_ring_keeps_the_last_60_values_oldest_first_with_gaps() {
        var ring = SeriesRing()
        for k in 0..<70 { ring.append(k % 10 == 9 ? nil : Double(k)) }
        let values = ring.values
        XCTAssertEqual(values.count, 60)
        XCTAssertEqual(values.first, 10)
        XCTAssertEqual(values.last.map { $0.isNaN }, true, "69 was a gap")
        XCTAssertEqual(values[58], 68)
        XCTAssertEqual(ring.present.count, 54)
        ring.append(1e300)
        XCTAssertTrue(ring.values.last?.isFinite ?? false, "beyond Float32 is clamped, not infinite")
    }

    func test_fleet_keeps_latency_and_age_per_poll_and_counts_per_sweep() throws {
        var fleet = FleetState(hosts: testHosts(["a", "b"]))
        // b's result comes first in each round: while b is unreachable a sweep does not wait for
        // it, so a's result ends the round's sweep and b's must already be in it.
        for k in 0..<3 {
            let t = Clock.now + Double(k) * 5
            fleet.fold(k == 1 ? Poll.response(1, body: try MetadataBody.healthy(at: t).bytes, at: t) : Poll.failure(1, .refused("x"), at: t))
            fleet.fold(Poll.response(0, body: try MetadataBody.healthy(at: t, age: Double(k + 1)).bytes, at: t, latency: 0.002))
        }
        // Ages on the exporter's clock, read from its Date header (the middle of that second).
        XCTAssertEqual(fleet.records[0].ageHistory.values.map { ($0 * 10).rounded() / 10 }, [1.5, 2.5, 3.5])
        XCTAssertEqual(fleet.records[1].latency.series.values.map(\.isNaN), [true, false, true])
        XCTAssertEqual(fleet.sweepHistory.sweeps.map { $0[.down] }, [1, 0, 1])
        XCTAssertEqual(fleet.sweepHistory.sweeps.map(\.notOK), [1, 0, 1])
        XCTAssertEqual(fleet.sweepHistory.sweeps.map(\.worst), [.down, .ok, .down])
    }

    func test_sparklines_scale_to_the_maximum_and_show_gaps() {
        XCTAssertEqual(Sparkline.text([0, 1, 2, 4, 8, .nan, 8], width: 60), "▁▂▃▅█·█")
        XCTAssertEqual(Sparkline.text([1, 2, 3], width: 2), "▆█", "the newest values that fit")
        XCTAssertEqual(Sparkline.text([0, 0], width: 5), "▁▁")
        var all = SweepHistory()
        var totals = StatusTotals()
        totals[.ok] = 10
        all.append(totals)
        totals[.ok] = 9
        totals[.degraded] = 1
        all.append(totals)
        totals[.ok] = 0
        totals[.down] = 10
        totals[.degraded] = 0
        all.append(totals)
        let bars = Sparkline.sweeps(all.sweeps)
        XCTAssertEqual(bars.map(\.0), ["▁", "▂", "█"])
        XCTAssertEqual(bars.map(\.1), [.ok, .warn, .crit])
    }
}
