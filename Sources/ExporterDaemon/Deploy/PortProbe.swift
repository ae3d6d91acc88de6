import Glibc

/// Whether a TCP port can be bound on every address, as the daemon will bind it. Used by
/// deploy to refuse a port another program holds, before anything is written.
enum PortProbe {
    /// - bind: the address the daemon will listen on; nil means every IPv4 and IPv6 address.
    static func isFree(_ port: Int, bind: String? = nil) -> Bool {
        if let bind {
            var v4 = in_addr()
            if inet_pton(AF_INET, bind, &v4) == 1 { return canBindIPv4(port, address: v4) ?? false }
            var v6 = in6_addr()
            if inet_pton(AF_INET6, bind, &v6) == 1 { return canBindIPv6(port, address: v6) ?? false }
            return false
        }
        guard let ipv4 = canBindIPv4(port, address: in_addr(s_addr: INADDR_ANY)), ipv4 else { return false }
        // A host without IPv6 has nothing there to collide with.
        return canBindIPv6(port, address: in6addr_any) ?? true
    }

    private static func canBindIPv4(_ port: Int, address ip: in_addr) -> Bool? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        address.sin_addr = ip
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return rc == 0
    }

    private static func canBindIPv6(_ port: Int, address ip: in6_addr) -> Bool? {
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        address.sin6_addr = ip
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
        if rc != 0 && errno == EADDRNOTAVAIL { return nil }
        return rc == 0
    }
}
