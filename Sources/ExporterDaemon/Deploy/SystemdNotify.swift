import Glibc

/// The sd_notify protocol without libsystemd: one datagram per state change to the socket named
/// by $NOTIFY_SOCKET. The unit is Type=notify with WatchdogSec=, so `run` must call `ready()`
/// once it listens and `watchdog()` from its health loop at least every `watchdogInterval`.
/// Every call is a no-op when the daemon was not started by systemd.
enum SystemdNotify {
    @discardableResult
    static func ready() -> Bool { send("READY=1") }

    @discardableResult
    static func watchdog() -> Bool { send("WATCHDOG=1") }

    @discardableResult
    static func reloading() -> Bool { send("RELOADING=1") }

    @discardableResult
    static func stopping() -> Bool { send("STOPPING=1") }

    /// How often to send WATCHDOG=1: half of WatchdogSec, when systemd asked this process for it.
    static func watchdogInterval(environment: [String: String]? = nil) -> Double? {
        let env = environment ?? ["WATCHDOG_USEC": value("WATCHDOG_USEC"), "WATCHDOG_PID": value("WATCHDOG_PID")].compactMapValues { $0 }
        guard let text = env["WATCHDOG_USEC"], let usec = Double(text), usec > 0 else { return nil }
        if let pid = env["WATCHDOG_PID"], Int32(pid) != getpid() { return nil }
        return usec / 2_000_000
    }

    /// Sends one state line; false when there is no socket or the send failed.
    @discardableResult
    static func send(_ state: String, socketPath: String? = nil) -> Bool {
        guard let path = socketPath ?? value("NOTIFY_SOCKET"), !path.isEmpty else { return false }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(path.utf8)
        // "@name" is Linux's abstract namespace: the name starts with a NUL byte.
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in pathBytes.enumerated() { raw[i] = b }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let payload = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { a in
            a.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                payload.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, sa, length) }
            }
        }
        return sent == payload.count
    }

    private static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
