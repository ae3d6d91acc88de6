import XCTest

@testable import Common

final class ConnectionTableTests: XCTestCase {
    func test_below_the_cap_everyone_is_admitted() {
        var table = ConnectionTable(capacity: 3, perAddressLimit: 3)
        for id in 1...3 {
            XCTAssertEqual(table.admit(from: "10.0.0.\(id)"), .admit)
            table.add(UInt64(id), address: "10.0.0.\(id)")
        }
        XCTAssertEqual(table.count, 3)
    }

    func test_at_the_cap_the_oldest_connection_still_in_its_handshake_is_evicted() {
        var table = ConnectionTable(capacity: 3, perAddressLimit: 3)
        for id in 1...3 { table.add(UInt64(id), address: "10.0.0.\(id)") }
        table.handshakeCompleted(1)
        XCTAssertEqual(table.admit(from: "10.0.0.9"), .admitEvicting(2), "1 finished its handshake: 2 is the oldest evictable")
        table.remove(2)
        table.add(4, address: "10.0.0.9")
        XCTAssertEqual(table.admit(from: "10.0.0.9"), .admitEvicting(3))
        table.remove(3)
        table.add(5, address: "10.0.0.9")
        XCTAssertEqual(table.admit(from: "10.0.0.8"), .admitEvicting(4), "then the newer ones, in arrival order")
    }

    func test_at_the_cap_with_every_connection_past_its_handshake_new_ones_are_refused() {
        var table = ConnectionTable(capacity: 2, perAddressLimit: 2)
        table.add(1, address: "a")
        table.add(2, address: "b")
        table.handshakeCompleted(1)
        table.handshakeCompleted(2)
        XCTAssertEqual(table.admit(from: "c"), .refuse(.full(limit: 2)))
        table.remove(1)
        XCTAssertEqual(table.admit(from: "c"), .admit)
    }

    func test_one_address_gets_at_most_its_share() {
        var table = ConnectionTable(capacity: 100, perAddressLimit: 2)
        table.add(1, address: "127.0.0.2")
        table.add(2, address: "127.0.0.2")
        XCTAssertEqual(table.admit(from: "127.0.0.2"), .refuse(.addressFull(limit: 2)))
        XCTAssertEqual(table.admit(from: "127.0.0.1"), .admit)
        table.remove(1)
        XCTAssertEqual(table.count(of: "127.0.0.2"), 1)
        XCTAssertEqual(table.admit(from: "127.0.0.2"), .admit)
        table.remove(2)
        XCTAssertEqual(table.count(of: "127.0.0.2"), 0)
    }

    func test_the_default_share_is_a_quarter_of_the_cap() {
        XCTAssertEqual(ConnectionTable(capacity: 1024).perAddressLimit, 256)
        XCTAssertEqual(ConnectionTable(capacity: 3).perAddressLimit, 1)
    }

    func test_an_idle_flood_from_many_addresses_never_locks_out_a_new_client() {
        // 10,000 connections that never handshake, from 100 addresses, against 64 slots,
        // with a real client now and then (it handshakes, and leaves a little later): every
        // arrival gets in, the table never grows past the cap.
        var table = ConnectionTable(capacity: 64, perAddressLimit: 64)
        var next: UInt64 = 0
        var realClients: [UInt64] = []
        for i in 0..<10_000 {
            if realClients.count > 3 { table.remove(realClients.removeFirst()) }
            let address = "10.0.\(i % 100).1"
            switch table.admit(from: address) {
            case .admit: break
            case .admitEvicting(let victim): table.remove(victim)
            case .refuse(let why): return XCTFail("arrival \(i) refused: \(why)")
            }
            next += 1
            table.add(next, address: address)
            if i % 7 == 0 {
                table.handshakeCompleted(next)
                realClients.append(next)
            }
            XCTAssertLessThanOrEqual(table.count, 64)
        }
        XCTAssertLessThanOrEqual(table.handshakingCount, 64)
    }

    func test_refusals_say_which_limit() {
        XCTAssertEqual(ConnectionTable.Refusal.full(limit: 1024).description, "connection limit (1024) reached")
        XCTAssertEqual(ConnectionTable.Refusal.addressFull(limit: 256).description, "per-address connection limit (256) reached")
    }

    func test_a_client_is_its_IPv4_address_or_its_IPv6_slash_64() {
        XCTAssertEqual(SocketAddress(ip: "192.0.2.7", port: 1)?.clientKey, "192.0.2.7")
        XCTAssertEqual(SocketAddress(ip: "2001:db8:1:2:3:4:5:6", port: 1)?.clientKey, "2001:db8:1:2::/64")
        XCTAssertEqual(SocketAddress(ip: "2001:db8:1:2::99", port: 1)?.clientKey, "2001:db8:1:2::/64", "same host, another address")
        XCTAssertEqual(SocketAddress(ip: "::ffff:192.0.2.7", port: 1)?.clientKey, "192.0.2.7")
    }
}
