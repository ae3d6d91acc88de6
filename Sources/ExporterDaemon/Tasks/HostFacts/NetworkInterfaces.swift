import Common

/// An IPv4 address and netmask in host byte order.
struct IPv4Assignment: Sendable, Equatable {
    var address: UInt32
    var netmask: UInt32

    /// `a.b.c.d/prefix`, the prefix being the number of bits set in the mask.
    var text: String {
        let octets = [24, 16, 8, 0].map { String((address >> UInt32($0)) & 0xff) }
        return octets.joined(separator: ".") + "/\(netmask.nonzeroBitCount)"
    }
}

/// An entry of the `interfaces` fact.
struct NetworkInterface: Equatable {
    var name: String
    var mtu: Int
    var upperDevices: [String]
    var lowerDevices: [String]
    var operstate: String
    var isPhysical: Bool
    var nicType: String
    var driver: String
    var speed: Int
    var ipv4Address: String
    var ipv6Address: String

    var json: JSONValue {
        .object(JSONObject([
            ("driver", .string(driver)),
            ("iftype", .string(isPhysical ? "physical" : "logical")),
            ("ipv4_address", .string(ipv4Address)),
            ("ipv6_address", .string(ipv6Address)),
            ("lower_devs_list", .array(lowerDevices.map { .string($0) })),
            ("mtu", .int(mtu)),
            ("nic_type", .string(nicType)),
            ("operstate", .string(operstate)),
            ("speed", .int(speed)),
            ("upper_devs_list", .array(upperDevices.map { .string($0) })),
        ]))
    }
}

enum NetworkInterfaces {
    /// ARPHRD_* values of /sys/class/net/<i>/type that have a name here.
    static let hardwareTypes = ["1": "ethernet", "32": "infiniband", "772": "loopback"]

    /// Every interface under /sys/class/net. Plain files there (`bonding_masters`) are not
    /// interfaces and are skipped.
    static func read(from files: FileTree, ipv4: (String) -> IPv4Assignment?) -> [NetworkInterface] {
        let ipv6Entries = IPv6Addresses.parse(files.readText("/proc/net/if_inet6") ?? "")
        var result: [NetworkInterface] = []
        for name in files.list("/sys/class/net") ?? [] {
            let dir = "/sys/class/net/\(name)"
            guard files.isDirectory(dir) else { continue }
            let entries = files.list(dir) ?? []
            let isPhysical = files.exists("\(dir)/device")
            let nicType: String
            if files.isDirectory("\(dir)/bridge") {
                nicType = "bridge"
            } else if files.isDirectory("\(dir)/bonding") {
                nicType = "bonding"
            } else {
                nicType = hardwareTypes[files.readTrimmed("\(dir)/type") ?? ""] ?? "Unknown"
            }
            result.append(NetworkInterface(
                name: name,
                mtu: files.readTrimmed("\(dir)/mtu").flatMap { Int($0) } ?? 0,
                upperDevices: linked(entries, prefix: "upper_"),
                lowerDevices: linked(entries, prefix: "lower_"),
                operstate: files.readTrimmed("\(dir)/operstate") ?? "Unknown",
                isPhysical: isPhysical,
                nicType: nicType,
                driver: isPhysical ? (files.resolvedBasename("\(dir)/device/driver") ?? "Unknown") : "",
                // Reading `speed` fails with EINVAL while a link is down.
                speed: files.readTrimmed("\(dir)/speed").flatMap { Int($0) } ?? -1,
                ipv4Address: ipv4(name)?.text ?? "",
                ipv6Address: IPv6Addresses.preferred(for: name, in: ipv6Entries)))
        }
        return result
    }

    private static func linked(_ entries: [String], prefix: String) -> [String] {
        entries.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
}
