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

    func test_mutated_bodies_always_classify_and_fold() throws {
        let base = try MetadataBody.healthy().bytes
        var rng = LCG(state: 42)
        var fleet = FleetState(hosts: [HostEntry(displayName: "h", address: "127.0.0.1", port: 9443, line: 1)])
        let interesting: [UInt8] = Array("{}[]\",:0123456789-.eE\\ntrufalse".utf8) + [0, 0x7F, 0xC3, 0xFF]
        var statuses = Set<HostStatus>()
        for round in 0..<2000 {
            var body = base
            for _ in 0..<(1 + rng.next(4)) {
                guard !body.isEmpty else { break }
                switch rng.next(4) {
                case 0: body[rng.next(body.count)] = interesting[rng.next(interesting.count)]
                case 1: body.removeSubrange(rng.next(body.count)..<body.count)
                case 2: body.insert(interesting[rng.next(interesting.count)], at: rng.next(body.count))
                default: body.remove(at: rng.next(body.count))
                }
            }
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
