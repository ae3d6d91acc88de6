import CShims
import Glibc

/// An IPv4 or IPv6 socket address, stored in a `sockaddr_in6` (room for either; 28 bytes
/// where `sockaddr_storage` takes 128, and the poller keeps one per host).
public struct SocketAddress: Sendable, CustomStringConvertible {
    var storage = sockaddr_in6()
    public private(set) var length: socklen_t = 0

    public init?(ip: String, port: Int) {
        guard (0...65535).contains(port) else { return nil }
        var host = ip
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeMutableBytes(of: &storage) { dst in
                withUnsafeBytes(of: v4) { dst.copyMemory(from: $0) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            return
        }
        var v6 = sockaddr_in6()
        // Zone ids (fe80::1%eth0) are resolved to the interface index.
        var addrPart = host
        var scope: UInt32 = 0
        if let pct = host.firstIndex(of: "%") {
            addrPart = String(host[..<pct])
            scope = if_nametoindex(String(host[host.index(after: pct)...]))
        }
        if inet_pton(AF_INET6, addrPart, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(port).bigEndian)
            v6.sin6_scope_id = scope
            withUnsafeMutableBytes(of: &storage) { dst in
                withUnsafeBytes(of: v6) { dst.copyMemory(from: $0) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            return
        }
        return nil
    }

    /// From what `accept`, `getsockname` or `getaddrinfo` filled in: an IPv4 or IPv6 address
    /// (longer ones, which these never give for TCP, are cut to the room there is).
    init(storage: sockaddr_storage, length: socklen_t) {
        let kept = min(Int(length), MemoryLayout<sockaddr_in6>.size)
        withUnsafeMutableBytes(of: &self.storage) { dst in
            withUnsafeBytes(of: storage) { dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<kept])) }
        }
        self.length = socklen_t(kept)
    }

    public var family: Int32 { Int32(storage.sin6_family) }

    public var port: Int {
        withUnsafeBytes(of: storage) { raw in
            if family == AF_INET { return Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)) }
            return Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
        }
    }

    /// The address without the port; IPv4-mapped IPv6 addresses are shown as IPv4.
    public var ip: String {
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        return withUnsafeBytes(of: storage) { raw -> String in
            if family == AF_INET {
                var a = raw.load(as: sockaddr_in.self).sin_addr
                inet_ntop(AF_INET, &a, &buf, socklen_t(buf.count))
                return Self.cText(buf)
            }
            var a = raw.load(as: sockaddr_in6.self).sin6_addr
            inet_ntop(AF_INET6, &a, &buf, socklen_t(buf.count))
            let text = Self.cText(buf)
            return text.hasPrefix("::ffff:") && text.contains(".") ? String(text.dropFirst(7)) : text
        }
    }

    /// Who a connection counts against for per-client limits: the IPv4 address, or the /64
    /// network of an IPv6 address (one host usually has a whole /64 to pick addresses from).
    /// IPv4-mapped IPv6 addresses count as IPv4.
    public var clientKey: String {
        let text = ip
        guard family == AF_INET6, !text.contains(".") else { return text }
        let words = withUnsafeBytes(of: storage) { raw -> [UInt16] in
            let a = raw.load(as: sockaddr_in6.self).sin6_addr
            return withUnsafeBytes(of: a) { b in (0..<4).map { UInt16(b[2 * $0]) << 8 | UInt16(b[2 * $0 + 1]) } }
        }
        return words.map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
    }

    public var description: String { family == AF_INET6 && !ip.contains(".") ? "[\(ip)]:\(port)" : "\(ip):\(port)" }

    private static func cText(_ buf: [CChar]) -> String {
        String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    /// Resolves a host name or literal address (blocking: call off the event loop).
    public static func resolve(host: String, port: Int) -> Result<[SocketAddress], NetError> {
        if let literal = SocketAddress(ip: host, port: port) { return .success([literal]) }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var res: UnsafeMutablePointer<addrinfo>? = nil
        let rc = getaddrinfo(host, String(port), &hints, &res)
        guard rc == 0, let first = res else {
            return .failure(.unresolved(host: host, reason: String(cString: gai_strerror(rc))))
        }
        defer { freeaddrinfo(first) }
        var out: [SocketAddress] = []
        var cur: UnsafeMutablePointer<addrinfo>? = first
        while let ai = cur {
            if let sa = ai.pointee.ai_addr, ai.pointee.ai_addrlen <= socklen_t(MemoryLayout<sockaddr_in6>.size) {
                var st = sockaddr_storage()
                withUnsafeMutableBytes(of: &st) { dst in
                    dst.copyMemory(from: UnsafeRawBufferPointer(start: sa, count: Int(ai.pointee.ai_addrlen)))
                }
                out.append(SocketAddress(storage: st, length: ai.pointee.ai_addrlen))
            }
            cur = ai.pointee.ai_next
        }
        return out.isEmpty ? .failure(.unresolved(host: host, reason: "no IPv4 or IPv6 address")) : .success(out)
    }
}
