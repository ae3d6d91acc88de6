import Common
import XCTest
@testable import FleetTUI

/// How a sweep's hosts are shared between event loops.
final class PollerGroupTests: XCTestCase {
    private func targets(_ n: Int) throws -> [PollTarget] {
        let tls = try TLSContext.client(authorities: nil)
        return (0..<n).map {
            PollTarget(index: $0, name: "h\($0)", address: "127.0.0.\($0 % 200 + 2)", port: 9443 + $0,
                       credentials: TargetCredentials(tls: tls, expectedPeerName: nil, tokens: ["t"]))
        }
    }

    func test_hosts_are_dealt_round_robin_renumbered_and_mapped_back() throws {
        let parts = PollerGroup.partition(try targets(7), loops: 3)
        XCTAssertEqual(parts.map(\.inventoryIndex), [[0, 3, 6], [1, 4], [2, 5]])
        for part in parts {
            XCTAssertEqual(part.targets.map(\.index), Array(0..<part.targets.count), "a poller indexes its hosts by position")
            XCTAssertEqual(part.targets.map(\.name), part.inventoryIndex.map { "h\($0)" })
        }
    }

    func test_never_more_loops_than_hosts() throws {
        XCTAssertEqual(PollerGroup.partition(try targets(2), loops: 8).count, 2)
        XCTAssertEqual(PollerGroup.partition(try targets(5), loops: 0).count, 1)
    }

    func test_default_loops_one_per_two_cores_and_per_512_hosts() {
        XCTAssertEqual(PollerGroup.defaultLoops(hosts: 64, cores: 16), 1)
        XCTAssertEqual(PollerGroup.defaultLoops(hosts: 1_100, cores: 16), 2)
        XCTAssertEqual(PollerGroup.defaultLoops(hosts: 10_000, cores: 2), 1)
        XCTAssertEqual(PollerGroup.defaultLoops(hosts: 10_000, cores: 8), 4)
        XCTAssertEqual(PollerGroup.defaultLoops(hosts: 100_000, cores: 64), 8)
        XCTAssertEqual(PollerGroup.defaultLoops(hosts: 10_000, cores: 0), 1)
    }
}
