import CShims
import Glibc

// The facts that do not come from files: the live defaults of `HostFactsEnvironment`.

/// The interface's IPv4 address and netmask from the SIOCGIFADDR/SIOCGIFNETMASK ioctls.
func liveIPv4Assignment(_ interface: String) -> IPv4Assignment? {
    var address: UInt32 = 0
    var mask: UInt32 = 0
    guard cshim_interface_ipv4(interface, &address, &mask) == 0 else { return nil }
    return IPv4Assignment(address: address, netmask: mask)
}

/// `uname(2)` of the running kernel.
func liveUname() -> UnameInfo {
    var u = utsname()
    guard uname(&u) == 0 else { return UnameInfo(nodename: "", release: "", machine: "") }
    func text<T>(_ field: T) -> String {
        withUnsafeBytes(of: field) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
    }
    return UnameInfo(nodename: text(u.nodename), release: text(u.release), machine: text(u.machine))
}
