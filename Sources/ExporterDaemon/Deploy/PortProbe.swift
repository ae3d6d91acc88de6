import Common
import Glibc

/// Whether a TCP port can be bound exactly as the daemon will bind it (`Sockets.bind`, the
/// same call `run` makes; nothing listens, so no connection is ever accepted). Used by deploy to
/// refuse a port another program holds, before anything is written.
enum PortProbe {
    /// - bind: the address the daemon will listen on; nil means every IPv6 and IPv4 address.
    static func isFree(_ port: Int, bind: String? = nil) -> Bool {
        guard let fds = try? Sockets.bind(bind, port: port) else { return false }
        for fd in fds { close(fd) }
        return true
    }
}
