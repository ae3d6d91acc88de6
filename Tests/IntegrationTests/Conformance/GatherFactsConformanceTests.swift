import Common
import Foundation
import Glibc
import XCTest

/// `cephadm gather-facts` (16.2.15) against `cephadm-exporter gather-facts` on this machine:
/// the same keys, the same JSON types, and the same values wherever a value does not change
/// from one moment to the next, except the rows of KnownDifferences.table.
final class GatherFactsConformanceTests: XCTestCase {
    /// Values that change between the two runs: compared by type only.
    static let volatileKeys = [
        "timestamp", "system_uptime", "cpu_load", "memory_available_kb", "memory_free_kb",
        "tcp_ports_used", "tcp6_ports_used", "udp_ports_used", "udp6_ports_used",
    ]

    func test_gather_facts_matches_pacific_on_this_machine() throws {
        let sandbox = try PacificSandbox()
        // Sockets held open during both runs, so each table has a port both must list.
        let held = try HeldSockets()
        let (pacific, ours) = try sandbox.bothJSON(pacific: ["gather-facts"], ours: ["gather-facts"])

        var lines: [String] = []
        for (table, port) in held.ports {
            for (who, facts) in [("cephadm", pacific), ("ours", ours)] {
                let ports = facts[table]?.arrayValue?.compactMap(\.intValue) ?? []
                if !ports.contains(port) { lines.append("\(table): \(who) does not list the held port \(port) (\(ports))") }
            }
        }
        var p = pacific, o = ours
        for key in Self.volatileKeys {
            lines += JSONComparison.typeDifferences(p[key] ?? .null, o[key] ?? .null, at: key)
            p.set(key, nil)
            o.set(key, nil)
        }
        let (rp, ro) = KnownDifferences.reconciled(.gatherFacts, pacific: p, ours: o)
        lines += JSONComparison.differences(rp, ro)
        XCTAssertTrue(lines.isEmpty, JSONComparison.report("gather-facts", lines))
    }

    func test_the_comparison_names_a_removed_fact_and_a_renamed_key() {
        let pacific: JSONValue = ["fqdn": "h.example", "hostname": "h", "nic_count": 1]
        let ours: JSONValue = ["hostname": "h", "nics_count": 1]
        XCTAssertEqual(JSONComparison.differences(pacific, ours), [
            "fqdn: only cephadm has it = \"h.example\"", "nic_count: only cephadm has it = 1", "nics_count: only ours has it = 1",
        ])
        XCTAssertEqual(JSONComparison.differences(["size": .double(1)], ["size": 1]), ["size: cephadm float 1.0, ours int 1"])
    }
}

/// A listening TCP socket and a bound UDP socket on 127.0.0.1 and on ::1 (where the host has
/// IPv6), closed on deinit.
final class HeldSockets {
    private var fds: [Int32] = []
    private(set) var ports: [(table: String, port: Int)] = []

    init() throws {
        for (table, ip, type) in [("tcp_ports_used", "127.0.0.1", SOCK_STREAM), ("udp_ports_used", "127.0.0.1", SOCK_DGRAM),
                                  ("tcp6_ports_used", "::1", SOCK_STREAM), ("udp6_ports_used", "::1", SOCK_DGRAM)] {
            guard let address = SocketAddress(ip: ip, port: 0) else { throw TestFailure("bad address \(ip)") }
            let fd = socket(address.family, Int32(type.rawValue), 0)
            // A host without IPv6 has nothing to hold there; both then list no such port.
            guard fd >= 0 else { continue }
            fds.append(fd)
            guard address.withSockaddr({ bind(fd, $0, $1) }) == 0 else { continue }
            if type == SOCK_STREAM { listen(fd, 1) }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            let port = withUnsafeBytes(of: &storage) { raw -> Int in
                // sin_port and sin6_port sit at the same offset, in network byte order.
                Int(raw[2]) << 8 | Int(raw[3])
            }
            ports.append((table, port))
        }
    }

    deinit { fds.forEach { close($0) } }
}
