import Glibc

/// The `shortname` and `fqdn` facts.
enum HostNames {
    /// The node name up to its first dot.
    static func shortName(_ nodeName: String) -> String {
        String(nodeName.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// The fully qualified name the resolver gives the node name, chosen the way cephadm
    /// chooses it (Python's `socket.getfqdn`): resolve the name to its first address, look that
    /// address up, and take the first of the official name and its aliases that contains a dot,
    /// else the official name. When either lookup fails, the node name itself.
    static func liveFQDN(_ nodeName: String) -> String {
        guard !nodeName.isEmpty else { return nodeName }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(nodeName, nil, &hints, &list) == 0, let first = list else { return nodeName }
        defer { freeaddrinfo(list) }
        guard let names = reverseLookup(first.pointee) else { return nodeName }
        return names.first(where: { $0.contains(".") }) ?? names[0]
    }

    /// The official name and aliases of an address (`gethostbyaddr_r`, safe on any thread).
    private static func reverseLookup(_ info: addrinfo) -> [String]? {
        guard let socketAddress = info.ai_addr else { return nil }
        var address: [UInt8]
        switch info.ai_family {
        case AF_INET:
            let sin = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
            address = withUnsafeBytes(of: sin.sin_addr) { Array($0) }
        case AF_INET6:
            let sin6 = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
            address = withUnsafeBytes(of: sin6.sin6_addr) { Array($0) }
        default:
            return nil
        }
        var entry = hostent()
        var buffer = [CChar](repeating: 0, count: 16_384)
        // The names live in `buffer`: read them before it goes away.
        return buffer.withUnsafeMutableBufferPointer { storage -> [String]? in
            var result: UnsafeMutablePointer<hostent>?
            var herr: Int32 = 0
            let status = gethostbyaddr_r(&address, socklen_t(address.count), info.ai_family, &entry,
                                         storage.baseAddress, storage.count, &result, &herr)
            guard status == 0, let found = result, let official = found.pointee.h_name else { return nil }
            var names = [String(cString: official)]
            if var alias = found.pointee.h_aliases {
                while let name = alias.pointee {
                    names.append(String(cString: name))
                    alias += 1
                }
            }
            return names
        }
    }
}
