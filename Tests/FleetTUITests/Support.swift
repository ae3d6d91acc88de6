import Common
import Foundation
import XCTest
@testable import FleetTUI

/// Sample data from Tests/Fixtures/fleet (copied from /work/shared/samples).
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("fleet")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static func json(_ name: String) throws -> JSONValue {
        try JSONParser.parse(try text(name))
    }

    static func rhelFacts() throws -> JSONValue { try json("gather-facts_ceph-test-configchecks_host-sample_rhel83-xeon.json") }
    static func qemuFacts() throws -> JSONValue { try json("gather-facts_aquarium_qemu-amd-epyc-opensuse.json") }
    /// A facts fixture whose `hostname` is `name`, as the host of that name would report it.
    static func facts(_ base: JSONValue, named name: String) -> JSONValue {
        guard case .object(var o) = base else { return base }
        o["hostname"] = .string(name)
        return .object(o)
    }
    static func daemons() throws -> JSONValue { try json("cephadm-ls_sg4r-cephlab_octopus-after-adopt.json") }
    static func stoppedOSD() throws -> JSONValue { try json("cephadm-ls-entry_ceph-test-cephadm_stopped-osd.json") }
    static func disks() throws -> JSONValue { try json("ceph-volume-inventory_aquarium_qemu-virtio-5disks.json") }
}

/// Test clock: the exporter started at `started`; polls happen around `now`.
enum Clock {
    static let started = 1_700_000_000.0  // Tue, 14 Nov 2023 22:13:20 GMT
    static let now = started + 600
}

/// Builds `/v1/metadata` bodies the way an exporter serialises them (Pacific key order).
struct MetadataBody {
    var started: Double? = Clock.started
    var tasks: [(String, String)] = [("daemons", "active"), ("disks", "active"), ("host", "active"), ("http_server", "active")]
    var errors: [String] = []
    var taskDetail: JSONValue?
    var certificateExpiry: Double?
    var host: JSONValue = [:]
    var daemons: JSONValue = [:]
    var disks: JSONValue = [:]

    static func record(at ts: Double, duration: Double = 0.25, errors: [String] = [], data: JSONValue) -> JSONValue {
        ["scrape_timestamp": .double(ts), "scrape_duration_secs": .double(duration),
         "scrape_errors": .array(errors.map { .string($0) }), "data": data]
    }

    /// All three tasks scraped `age` seconds before `at`, with real sample data.
    static func healthy(at: Double = Clock.now, age: Double = 2, facts: JSONValue? = nil) throws -> MetadataBody {
        var b = MetadataBody()
        b.host = record(at: at - age, duration: 0.004, data: try facts ?? Fixture.rhelFacts())
        b.daemons = record(at: at - age, duration: 0.8, data: try Fixture.daemons())
        b.disks = record(at: at - age, duration: 3.2, data: try Fixture.disks())
        return b
    }

    mutating func set(_ task: String, _ state: String) {
        if let i = tasks.firstIndex(where: { $0.0 == task }) { tasks[i].1 = state }
    }

    var json: JSONValue {
        var health = JSONObject()
        if let started { health["started_epoch_secs"] = .double(started) }
        health["tasks"] = .object(JSONObject(tasks.map { ($0.0, JSONValue.string($0.1)) }))
        health["errors"] = .array(errors.map { .string($0) })
        if let taskDetail { health["task_detail"] = taskDetail }
        if let certificateExpiry { health["certificate_expiry_epoch_secs"] = .double(certificateExpiry) }
        return ["health": .object(health), "host": host, "daemons": daemons, "disks": disks]
    }

    var bytes: [UInt8] { JSONWriter.compact(json) }
}

enum HTTPDateText {
    /// IMF-fixdate for the tests (the code under test only parses).
    static func format(_ epoch: Double) -> String { HTTPDate.format(epochSeconds: Int(epoch.rounded(.down))) }
}

enum Poll {
    /// A response whose Date header says `exporterNow` (default: the local clock, no skew).
    static func response(_ host: Int, status: Int = 200, body: [UInt8], at start: Double = Clock.now,
                         latency: Double = 0.004, exporterNow: Double? = nil, date: Bool = true) -> PollResult
    {
        let header = date ? HTTPDateText.format(exporterNow ?? (start + latency / 2)) : nil
        return PollResult(hostIndex: host, startedAt: start, latencySecs: latency,
                          outcome: .response(status: status, dateHeader: header, body: body))
    }

    static func failure(_ host: Int, _ failure: PollFailure, at start: Double = Clock.now, latency: Double = 2) -> PollResult {
        PollResult(hostIndex: host, startedAt: start, latencySecs: latency, outcome: .failed(failure))
    }
}

func testHosts(_ names: [String]) -> [HostEntry] {
    names.enumerated().map { HostEntry(displayName: $1, address: $1, port: nil, line: $0 + 1) }
}

/// A small fleet with one host in each status, polled once at `Clock.now`.
enum SampleFleet {
    static let names = ["ceph-node01", "ceph-node02", "ceph-node03", "ceph-node04", "ceph-node05", "ceph-node06",
                        "ceph-node07", "ceph-node08"]

    /// `ceph orch host ls` labels: two racks, OSD hosts in both, one host without labels.
    static let labels: [[String]] = [["rack1"], ["rack1", "osd"], ["rack1"], ["rack1"], ["rack2"], ["rack2", "osd"], ["rack2"], []]

    /// `depth`: `.full` (as the detail view shows a host once its data is decoded) or `.summary`
    /// (what every poll keeps): the table must not tell them apart.
    static func make(title: String = "prod-east", thresholds: Thresholds = Thresholds(), labelled: Bool = false,
                     depth: DetailDepth = .full) throws -> FleetState {
        var entries = testHosts(names)
        entries[2] = HostEntry(displayName: "ceph-node03", address: "10.0.0.3", port: 9443, line: 3)
        if labelled {
            entries = entries.enumerated().map { i, e in
                HostEntry(displayName: e.displayName, address: e.address, port: e.port, line: e.line, labels: labels[i])
            }
        }
        var fleet = FleetState(hosts: entries, defaultPort: 9443, title: title, thresholds: thresholds)
        let t = Clock.now
        func named(_ i: Int) throws -> JSONValue { Fixture.facts(try Fixture.rhelFacts(), named: names[i]) }
        fleet.fold(Poll.response(0, body: try MetadataBody.healthy(age: 2, facts: try named(0)).bytes, latency: 0.004), depth: depth)
        var degraded = try MetadataBody.healthy(age: 4, facts: try named(1))
        degraded.set("disks", "inactive")
        degraded.errors = ["disks stopped at 2023/11/14 22:20:01"]
        degraded.disks = ["scrape_errors": ["RuntimeError exception: Failed command: /usr/bin/podman run ceph-volume"], "data": nil]
        fleet.fold(Poll.response(1, status: 206, body: degraded.bytes, latency: 0.012, exporterNow: t + 0.006 + 1.5), depth: depth)
        fleet.fold(Poll.failure(2, .refused("connect 10.0.0.3:9443: Connection refused"), latency: 0.001), depth: depth)
        fleet.fold(Poll.response(3, status: 401, body: Array("<html>".utf8), latency: 0.003), depth: depth)
        fleet.fold(Poll.failure(4, .tls("certificate verify failed"), latency: 0.002), depth: depth)
        fleet.fold(Poll.response(5, body: Array("<html>not json</html>".utf8), latency: 0.006), depth: depth)
        // The exporter's clock is 40 s behind; its daemons and disks data are 70 s old on that clock.
        let qemu = Fixture.facts(try Fixture.qemuFacts(), named: names[6])
        var stale = try MetadataBody.healthy(at: t - 40, age: 70, facts: qemu)
        stale.host = MetadataBody.record(at: t - 41, data: qemu)
        fleet.fold(Poll.response(6, body: stale.bytes, latency: 0.250, exporterNow: t - 40), depth: depth)
        return fleet
    }
}

/// The sample fleet two minutes later: ceph-node01 went DOWN and came back with a restarted
/// exporter, ceph-node07's clock jumped, ceph-node08 answered for the first time.
enum StoryFleet {
    static let end = Clock.now + 120

    static func make(labelled: Bool = true, depth: DetailDepth = .full) throws -> FleetState {
        var fleet = try SampleFleet.make(labelled: labelled, depth: depth)
        let t = Clock.now
        let facts = Fixture.facts(try Fixture.rhelFacts(), named: "ceph-node01")
        fleet.fold(Poll.failure(0, .refused("connect ceph-node01:9443: Connection refused"), at: t + 60, latency: 0.001), depth: depth)
        let qemu = Fixture.facts(try Fixture.qemuFacts(), named: "ceph-node07")
        var jumped = try MetadataBody.healthy(at: t + 90 + 5, age: 70, facts: qemu)
        jumped.host = MetadataBody.record(at: t + 94, data: qemu)
        fleet.fold(Poll.response(6, body: jumped.bytes, at: t + 90, latency: 0.2, exporterNow: t + 95), depth: depth)
        let eight = Fixture.facts(try Fixture.rhelFacts(), named: "ceph-node08")
        fleet.fold(Poll.response(7, body: try MetadataBody.healthy(at: t + 100, age: 1, facts: eight).bytes, at: t + 100, latency: 0.001), depth: depth)
        var back = try MetadataBody.healthy(at: t + 120, age: 2, facts: facts)
        back.started = t + 110
        fleet.fold(Poll.response(0, body: back.bytes, at: t + 120, latency: 0.003), depth: depth)
        return fleet
    }
}
