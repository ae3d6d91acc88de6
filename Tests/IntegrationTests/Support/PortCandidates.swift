import Common
import Glibc

/// The one way the integration tests get a port: a program that can pick its own is started with
/// `--port 0` and reports it (the exporter's "https server listening on" line); for those that
/// cannot (sshd, a deployed unit, the simulator's port range), a random port below the ephemeral
/// range is tried and another is drawn when the program reports a collision. Nothing binds a port
/// to find it free and then hands it on (another process could take it in between).
enum PortCandidates {
    /// Below the ephemeral range (32768+), where client sockets could already hold a port.
    static let range = 20_000..<32_000

    /// A candidate port, `count` of them free to use as a block when the program takes a range.
    static func draw(count: Int = 1) -> Int {
        Int.random(in: range.lowerBound..<(range.upperBound - count))
    }

    /// Runs `body` with fresh candidates until it returns a value; `body` returns nil when the
    /// program it started reported that the port was taken.
    static func retrying<T>(attempts: Int = 8, count: Int = 1, _ body: (Int) throws -> T?) throws -> T {
        var tried: [Int] = []
        for _ in 0..<attempts {
            let port = draw(count: count)
            tried.append(port)
            if let value = try body(port) { return value }
        }
        throw TestFailure("every candidate port was in use: \(tried)")
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` right now.
    static func accepts(_ port: Int, host: String = "127.0.0.1") -> Bool {
        guard let addr = SocketAddress(ip: host, port: port) else { return false }
        let fd = socket(addr.family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return addr.withSockaddr { connect(fd, $0, $1) } == 0
    }
}
