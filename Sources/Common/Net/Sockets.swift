import CShims
import Glibc

/// Socket set-up calls shared by the listener and the client connections.
public enum Sockets {
    /// Opens listening sockets: `bind`, then `startListening`.
    public static func listen(bind: String?, port: Int) throws(NetError) -> [Int32] {
        let fds = try self.bind(bind, port: port)
        do { try startListening(fds) } catch {
            for fd in fds { close(fd) }
            throw error
        }
        return fds
    }

    /// Binds sockets without listening, so that a busy port is found before anything else is
    /// checked while no connection can complete its handshake yet. `bind == nil` means IPv6 and
    /// IPv4 (one dual-stack socket, or IPv4 alone on a host without IPv6). No SO_REUSEPORT: a
    /// second instance on the same port must fail, not share it.
    public static func bind(_ bind: String?, port: Int) throws(NetError) -> [Int32] {
        if let bind {
            guard let addr = SocketAddress(ip: bind, port: port) else { throw NetError.badAddress(bind) }
            return [try bindOne(addr, v6only: true)]
        }
        if let any6 = SocketAddress(ip: "::", port: port) {
            do {
                return [try bindOne(any6, v6only: false)]
            } catch NetError.addressInUse(let a) {
                throw NetError.addressInUse(a)
            } catch {
                // No IPv6 on this host: fall back to IPv4 only.
            }
        }
        guard let any4 = SocketAddress(ip: "0.0.0.0", port: port) else { throw NetError.badAddress("0.0.0.0") }
        return [try bindOne(any4, v6only: true)]
    }

    /// Starts accepting on bound sockets (non-blocking from here on).
    public static func startListening(_ fds: [Int32]) throws(NetError) {
        for fd in fds {
            guard Glibc.listen(fd, backlog) == 0 else { throw NetError.system("listen", errno) }
            _ = cshim_set_nonblocking(fd)
        }
    }

    static let backlog: Int32 = 1024

    static func bindOne(_ addr: SocketAddress, v6only: Bool) throws(NetError) -> Int32 {
        let fd = socket(addr.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw NetError.system("socket", errno) }
        _ = cshim_set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        if addr.family == AF_INET6 { _ = cshim_set_int_option(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, v6only ? 1 : 0) }
        let rc = addr.withSockaddr { Glibc.bind(fd, $0, $1) }
        if rc != 0 {
            let e = errno
            close(fd)
            if e == EADDRINUSE { throw NetError.addressInUse(addr.description) }
            throw NetError.system("bind \(addr)", e)
        }
        return fd
    }

    /// The port a listening socket is bound to (for ephemeral port 0).
    public static func localPort(_ fd: Int32) -> Int? {
        var st = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &st) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard rc == 0 else { return nil }
        return SocketAddress(storage: st, length: len).port
    }

    /// What one `accept` gave.
    public enum Accepted {
        case connection(fd: Int32, peer: SocketAddress)
        /// Nothing is waiting.
        case none
        /// The process or the system has no descriptor (or buffer) left for it: the connection
        /// stays queued, so the listener stays readable; stop polling it for a while.
        case outOfResources(Int32)
        /// This connection failed (reset before it was accepted, ...); try the next one.
        case failed(Int32)
    }

    /// Accepts one connection, non-blocking and close-on-exec, with TCP_NODELAY set.
    public static func accept(_ listenFD: Int32) -> Accepted {
        var st = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &st) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { cshim_accept4_nonblock(listenFD, $0, &len) }
        }
        guard fd >= 0 else {
            let e = errno
            switch e {
            case EAGAIN, EWOULDBLOCK, EINTR: return .none
            case EMFILE, ENFILE, ENOBUFS, ENOMEM: return .outOfResources(e)
            default: return .failed(e)
            }
        }
        setNoDelay(fd)
        return .connection(fd: fd, peer: SocketAddress(storage: st, length: len))
    }

    /// Starts a non-blocking connect. Returns the descriptor; completion is signalled by
    /// writability, after which `pendingError` tells the result.
    public static func startConnect(_ addr: SocketAddress) -> Result<Int32, NetError> {
        let fd = socket(addr.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return .failure(.system("socket", errno)) }
        setNoDelay(fd)
        let rc = addr.withSockaddr { Glibc.connect(fd, $0, $1) }
        if rc != 0 && errno != EINPROGRESS {
            let e = errno
            close(fd)
            return .failure(.system("connect", e))
        }
        return .success(fd)
    }

    /// The error of a finished non-blocking connect (0 on success).
    public static func pendingError(_ fd: Int32) -> Int32 { cshim_socket_error(fd) }

    /// Without it, Nagle plus delayed ACKs stall small keep-alive responses by ~40 ms.
    public static func setNoDelay(_ fd: Int32) {
        _ = cshim_set_int_option(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
    }
}
