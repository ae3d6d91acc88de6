import Common
import XCTest

@testable import FleetTUI

/// Whatever a host sends, classification gives a status and the fleet state stays consistent:
/// no trap on truncated, mutated or hostile bodies (fixed seed, deterministic).
final class ClassificationFuzzTests: XCTestCase {
    struct LCG {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(1, bound)))
        }
    }

    /// One to four random edits: a byte replaced, the tail cut, a byte inserted or removed.
    static func mutate(_ body: inout [UInt8], rng: inout LCG, interesting: [UInt8]) {
        for _ in 0..<(1 + rng.next(4)) {
            guard !body.isEmpty else { break }
            switch rng.next(4) {
            case 0: body[rng.next(body.count)] = interesting[rng.next(interesting.count)]
            case 1: body.removeSubrange(rng.next(body.count)..<body.count)
            case 2: body.insert(interesting[rng.next(interesting.count)], at: rng.next(body.count))
            default: body.remove(at: rng.next(body.count))
            }
        }
    }

    func test_mutated_bodies_always_classify_and_fold() throws {
        let base = try MetadataBody.healthy().bytes
        var rng = LCG(state: 42)
        var fleet = FleetState(hosts: [HostEntry(displayName: "h", address: "127.0.0.1", port: 9443, line: 1)])
        let interesting: [UInt8] = Array("{}[]\",:0123456789-.eE\\ntrufalse".utf8) + [0, 0x7F, 0xC3, 0xFF]
        var statuses = Set<HostStatus>()
        for round in 0..<2000 {
            var body = base
            Self.mutate(&body, rng: &rng, interesting: interesting)
            let status = [200, 206, 500, 204, 401, 302][rng.next(6)]
            XCTAssertTrue(fleet.fold(Poll.response(0, status: status, body: body)), "round \(round)")
            statuses.insert(fleet.status(of: 0))
        }
        XCTAssertTrue(statuses.contains(.bad), "mutations must produce BAD hosts")
        XCTAssertEqual(fleet.totals[fleet.status(of: 0)], 1, "totals stay consistent")
    }

    func test_deeply_nested_and_huge_values_are_bad_not_a_crash() {
        var fleet = FleetState(hosts: [HostEntry(displayName: "h", address: "127.0.0.1", port: 9443, line: 1)])
        let deep = Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        XCTAssertTrue(fleet.fold(Poll.response(0, body: deep)))
        XCTAssertEqual(fleet.status(of: 0), .bad)
        let huge = Array(#"{"health": {"started_epoch_secs": 1e999999, "tasks": 12345678901234567890123}}"#.utf8)
        XCTAssertTrue(fleet.fold(Poll.response(0, body: huge)))
        XCTAssertEqual(fleet.status(of: 0), .bad)
    }
}

/// Extreme but well-formed numbers from a host must not trap when the state is drawn.
final class ExtremeValuesLayoutTests: XCTestCase {
    func test_extreme_timestamps_durations_and_sizes_render_in_table_and_detail() throws {
        let extremes: [Double] = [1e300, -1e300, 0, -1, 9.3e18, -9.3e18, 4e9]
        for value in extremes {
            var b = try MetadataBody.healthy()
            b.started = value
            b.host = MetadataBody.record(at: value, duration: value, data: try Fixture.rhelFacts())
            b.disks = MetadataBody.record(at: value, duration: -value, data: [["path": "/dev/x", "available": true,
                                                                                 "sys_api": ["size": .double(value)]]])
            b.taskDetail = ["host": ["interval_secs": .double(value), "restarts": .int(Int(Int32.max)),
                                     "consecutive_failures": -5, "last_success_epoch_secs": .double(value)]]
            var fleet = FleetState(hosts: [HostEntry(displayName: "h", address: "127.0.0.1", port: 9443, line: 1)])
            var text = String(decoding: b.bytes, as: UTF8.self)
            if value == 1e300 { text = text.replacingOccurrences(of: "1e+300", with: "1e+999") }  // parses as +infinity
            XCTAssertTrue(fleet.fold(Poll.response(0, body: Array(text.utf8), exporterNow: abs(value) < 1e12 ? value : nil)))
            var view = ViewState()
            for size in [TerminalSize(columns: 120, lines: 30), TerminalSize(columns: 40, lines: 10)] {
                let table = DashboardLayout.render(fleet, view: view, size: size, context: RenderContext(now: Clock.now))
                XCTAssertEqual(table.grid.rows.count, size.lines, "value \(value)")
                view = table.view
                _ = view.handle(.enter)
                let detail = DashboardLayout.render(fleet, view: view, size: size, context: RenderContext(now: Clock.now))
                XCTAssertEqual(detail.grid.rows.count, size.lines, "value \(value)")
                view = ViewState()
            }
            _ = FleetCheck.run(fleet, options: CheckOptions(format: .json), now: Clock.now)
            _ = FleetCheck.run(fleet, options: CheckOptions(format: .text), now: Clock.now)
        }
    }
}
