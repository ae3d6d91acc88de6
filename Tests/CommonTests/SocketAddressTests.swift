import Glibc
import XCTest

@testable import Common

final class SocketAddressTests: XCTestCase {
    func test_ipv4_and_ipv6_literals_keep_their_address_port_and_length() throws {
        let v4 = try XCTUnwrap(SocketAddress(ip: "192.0.2.7", port: 9443))
        XCTAssertEqual(v4.family, AF_INET)
        XCTAssertEqual(v4.length, socklen_t(MemoryLayout<sockaddr_in>.size))
        XCTAssertEqual(v4.description, "192.0.2.7:9443")
        let v6 = try XCTUnwrap(SocketAddress(ip: "[2001:db8::1]", port: 65535))
        XCTAssertEqual(v6.family, AF_INET6)
        XCTAssertEqual(v6.length, socklen_t(MemoryLayout<sockaddr_in6>.size))
        XCTAssertEqual(v6.description, "[2001:db8::1]:65535")
        XCTAssertNil(SocketAddress(ip: "not an address", port: 1))
        XCTAssertNil(SocketAddress(ip: "192.0.2.7", port: 65536))
    }

    func test_an_address_from_the_kernel_or_the_resolver_keeps_what_it_said() throws {
        var st = sockaddr_storage()
        var v6 = sockaddr_in6()
        v6.sin6_family = sa_family_t(AF_INET6)
        v6.sin6_port = in_port_t(UInt16(8443).bigEndian)
        XCTAssertEqual(inet_pton(AF_INET6, "2001:db8::2", &v6.sin6_addr), 1)
        withUnsafeMutableBytes(of: &st) { dst in withUnsafeBytes(of: v6) { dst.copyMemory(from: $0) } }
        let a = SocketAddress(storage: st, length: socklen_t(MemoryLayout<sockaddr_in6>.size))
        XCTAssertEqual(a.description, "[2001:db8::2]:8443")
        let resolved = try SocketAddress.resolve(host: "localhost", port: 80).get()
        XCTAssertFalse(resolved.isEmpty)
        XCTAssertTrue(resolved.allSatisfy { $0.port == 80 && ($0.ip == "127.0.0.1" || $0.ip == "::1") }, "\(resolved)")
    }

    /// The dashboard keeps one (twice) per host.
    func test_an_address_takes_the_room_of_an_ipv6_socket_address_not_of_sockaddr_storage() {
        XCTAssertLessThanOrEqual(MemoryLayout<SocketAddress>.stride, 32)
    }
}
