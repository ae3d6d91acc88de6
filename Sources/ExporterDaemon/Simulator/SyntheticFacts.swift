import Common
/// `gather-facts` for a simulated host: every key cephadm 16.2.15 prints plus the identity keys
/// our exporter adds (43 keys, sorted at every level, as `HostFactsTask` emits them), with the
/// disk lists and enclosure taken from the host's disk set so the three documents agree.
enum SyntheticFacts {
    struct Platform {
        let vendor: String
        let model: String
        let biosVersion: String
        let biosDate: String
    }

    struct CPU {
        let model: String
        let coresPerSocket: Int
        let sockets: Int
    }

    struct OS {
        let name: String
        let kernel: String
        let selinux: Bool
    }

    static let platforms: [HostShape.Role: [Platform]] = [
        .monitor: [
            Platform(vendor: "Dell Inc.", model: "PowerEdge R650 (SKU=0A9D;ModelName=PowerEdge R650)", biosVersion: "1.10.2", biosDate: "05/11/2023"),
            Platform(vendor: "HPE", model: "ProLiant DL360 Gen10 Plus (P55240-B21)", biosVersion: "U46", biosDate: "07/20/2023"),
        ],
        .storage: [
            Platform(vendor: "Dell Inc.", model: "PowerEdge R740xd (SKU=0715;ModelName=PowerEdge R740xd)", biosVersion: "2.17.1", biosDate: "04/12/2023"),
            Platform(vendor: "Supermicro", model: "Super Server (SSG-6029P-E1CR24L)", biosVersion: "3.4", biosDate: "11/02/2021"),
            Platform(vendor: "Supermicro", model: "Storage (SSG-6049P-E1CR36L)", biosVersion: "3.8a", biosDate: "03/29/2023"),
            Platform(vendor: "HPE", model: "ProLiant DL380 Gen10 (868703-B21)", biosVersion: "U30", biosDate: "05/23/2023"),
        ],
    ]
    static let cpus: [CPU] = [
        CPU(model: "Intel(R) Xeon(R) Silver 4316 CPU @ 2.30GHz", coresPerSocket: 20, sockets: 2),
        CPU(model: "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", coresPerSocket: 32, sockets: 2),
        CPU(model: "AMD EPYC 7313P 16-Core Processor", coresPerSocket: 16, sockets: 1),
        CPU(model: "AMD EPYC 7443P 24-Core Processor", coresPerSocket: 24, sockets: 1),
    ]
    static let systems: [OS] = [
        OS(name: "Rocky Linux 9.3 (Blue Onyx)", kernel: "5.14.0-362.24.1.el9_3.x86_64", selinux: true),
        OS(name: "Red Hat Enterprise Linux 8.9 (Ootpa)", kernel: "4.18.0-513.24.1.el8_9.x86_64", selinux: true),
        OS(name: "Ubuntu 22.04.4 LTS", kernel: "5.15.0-105-generic", selinux: false),
    ]

    /// The parts of the facts that follow from the disk set alone, serialized once per set.
    struct DiskParts: Sendable {
        /// The `enclosures` value.
        let enclosures: [UInt8]
        /// `flash_capacity` ... `flash_list` members, and the same for `hdd_`.
        let flash: [UInt8]
        let hdd: [UInt8]

        init(_ set: SyntheticDiskSet) {
            enclosures = SyntheticJSON.fragment(capacity: 256 + (set.enclosure?.bays ?? 0) * 100) { j in
                j.object { e in
                    guard let enc = set.enclosure else { return }
                    e.field(enc.id, object: { SyntheticFacts.writeEnclosure(enc, disks: set.disks, into: &$0) })
                }
            }
            flash = SyntheticFacts.diskFields(prefix: "flash", set.disks.filter { !$0.rotational }, enclosure: set.enclosure)
            hdd = SyntheticFacts.diskFields(prefix: "hdd", set.disks.filter(\.rotational), enclosure: set.enclosure)
        }
    }

    static func json(host: SyntheticIdentity, disks set: SyntheticDiskSet, parts: DiskParts, now: Double, rng: inout SeededRandom) -> [UInt8] {
        let platform = rng.pick(platforms[set.shape.role] ?? [])
        let cpu = rng.pick(cpus)
        let os = rng.pick(systems)
        let memoryGiB = set.shape.role == .monitor ? 128 : set.shape.disks >= 36 ? 384 : rng.pick([192, 256])
        let memoryTotal = memoryGiB * 1_030_792 // kB the kernel reports for that much DIMM capacity
        let load = rng.double(0.2...Double(cpu.coresPerSocket * cpu.sockets) / 4)
        let serials = dmiSerials(platform, rng: &rng)

        var j = SyntheticJSON(capacity: 4096 + set.disks.count * 600)
        j.object { o in
            o.fields([
                "arch": .string("x86_64"), "bios_date": .string(platform.biosDate), "bios_version": .string(platform.biosVersion),
                "board_serial": .string(serials.board), "chassis_serial": .string(serials.chassis),
                "cpu_cores": .int(cpu.coresPerSocket), "cpu_count": .int(cpu.sockets),
            ])
            o.field("cpu_load", object: { l in
                l.fields(["15min": .double(rounded(load * 0.9)), "1min": .double(rounded(load * 1.1)), "5min": .double(rounded(load))])
            })
            o.fields(["cpu_model": .string(cpu.model), "cpu_threads": .int(cpu.coresPerSocket * cpu.sockets * 2)])
            o.field("enclosure_count", .int(set.enclosure == nil ? 0 : 1))
            o.field("enclosures", .raw(parts.enclosures))
            o.members(parts.flash)
            o.field("fqdn", .string(host.fqdn))
            o.members(parts.hdd)
            o.field("hostname", .string(host.shortName))
            o.field("interfaces", object: { writeInterfaces(host, into: &$0) })
            o.field("kernel", .string(os.kernel))
            o.field("kernel_parameters", object: { $0.field("net.ipv4.ip_nonlocal_bind", .string("0")) })
            o.field("kernel_security", object: { k in
                // As cephadm 16.2.15 reports them (sestatus; AppArmor's profiles counted per mode).
                if os.selinux {
                    k.fields(["description": .string("SELinux: Enabled(enforcing, targeted)"), "type": .string("SELinux")])
                } else {
                    k.fields(["description": .string("AppArmor: Enabled(41 enforce)"), "enforce": .int(41), "type": .string("AppArmor")])
                }
            })
            o.fields([
                "memory_available_kb": .int(memoryTotal * rng.int(40...70) / 100), "memory_free_kb": .int(memoryTotal * rng.int(2...20) / 100),
                "memory_total_kb": .int(memoryTotal), "model": .string(platform.model), "nic_count": .int(physicalNICs.count),
                "operating_system": .string(os.name), "product_serial": .string(serials.product), "selinux_enabled": .bool(os.selinux),
                "shortname": .string(host.shortName), "subscribed": .string(os.name.hasPrefix("Red Hat") ? "Yes" : "Unknown"),
                "system_uptime": .double(rounded(rng.double(86_400...31_536_000))),
                "tcp6_ports_used": .ints([22, 9100, 9443]), "tcp_ports_used": .ints(tcpPorts(set)),
                "timestamp": .double(now), "udp6_ports_used": .ints([323]), "udp_ports_used": .ints([323]),
                "vendor": .string(platform.vendor),
            ])
        }
        return j.bytes
    }

    private static func rounded(_ v: Double) -> Double { (v * 100).rounded() / 100 }

    private static func dmiSerials(_ p: Platform, rng: inout SeededRandom) -> (board: String, chassis: String, product: String) {
        switch p.vendor {
        case "Dell Inc.":
            let tag = SyntheticIDs.alphanumeric(7, rng: &rng)
            return (".\(tag).CNFCP00\(SyntheticIDs.alphanumeric(8, rng: &rng)).", tag, tag)
        case "HPE":
            let serial = "CZ" + SyntheticIDs.alphanumeric(8, rng: &rng)
            return ("PWARB" + SyntheticIDs.alphanumeric(9, rng: &rng), serial, serial)
        default:
            return ("ZM\(SyntheticIDs.alphanumeric(10, rng: &rng))", "C8170AB\(SyntheticIDs.alphanumeric(8, rng: &rng))",
                    "S\(SyntheticIDs.alphanumeric(6, rng: &rng))X9A\(SyntheticIDs.alphanumeric(5, rng: &rng))")
        }
    }

    private static func diskFields(prefix: String, _ disks: [SyntheticDisk], enclosure: SyntheticEnclosure?) -> [UInt8] {
        SyntheticJSON.fragment(capacity: 256 + disks.count * 500) { o in writeDiskList(prefix: prefix, disks, enclosure: enclosure, into: &o) }
    }

    private static func writeDiskList(prefix: String, _ disks: [SyntheticDisk], enclosure: SyntheticEnclosure?, into o: inout SyntheticJSON) {
        let bytes = disks.reduce(0) { $0 + $1.drive.bytes }
        o.fields([
            "\(prefix)_capacity": .string(ByteFormatting.decimal(bytes)), "\(prefix)_capacity_bytes": .int(bytes),
            "\(prefix)_count": .int(disks.count),
        ])
        o.field("\(prefix)_list", array: { a in
            for d in disks.sorted(by: { $0.devName.utf8.lexicographicallyPrecedes($1.devName.utf8) }) {
                // gather-facts reads the vendor from sysfs, which NVMe devices do not have.
                let vendor = d.drive.vendor.isEmpty ? "Unknown" : d.drive.vendor
                a.object { e in
                    e.fields([
                        "alt_dev_name": .string(""), "description": .string("\(vendor) \(d.drive.model) (\(ByteFormatting.decimal(d.drive.bytes)))"),
                        "dev_name": .string(d.devName), "disk_size_bytes": .int(d.drive.bytes), "disk_type": .string(d.rotational ? "hdd" : "flash"),
                        "enclosure_id": .string(d.slot != nil ? enclosure?.id ?? "" : ""), "enclosure_slot": .string(d.slot.map(String.init) ?? ""),
                        "model": .string(d.drive.model), "mpath": .string(""), "path_id": .string("/dev/disk/by-path/" + d.pathLink),
                        "rev": .string(d.drive.rev), "scsi_addr": .string(d.scsiAddr), "serial": .string(d.serial), "vendor": .string(vendor),
                        "wwid": .string(d.wwid),
                    ])
                }
            }
        })
    }

    private static func writeEnclosure(_ enc: SyntheticEnclosure, disks: [SyntheticDisk], into e: inout SyntheticJSON) {
        var slots: [String: String] = [:] // slot -> serial
        for d in disks { if let s = d.slot { slots[String(s)] = d.serial } }
        let bySerial = slots.map { (serial: $0.value, slot: $0.key) }.sorted { $0.serial.utf8.lexicographicallyPrecedes($1.serial.utf8) }
        e.field("components", .string(String(enc.bays)))
        e.field("device_count", .int(bySerial.count))
        e.field("device_lookup", object: { l in for s in bySerial { l.field(s.serial, .string(s.slot)) } })
        e.fields(["enc_id": .string(enc.id), "model": .string(enc.model), "path_count": .int(1), "ses_paths": .strings([enc.sesDevice])])
        e.field("slot_map", object: { m in
            for slot in (1...enc.bays).map(String.init).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                let serial = slots[slot]
                m.field(slot, object: { s in
                    s.fields(["fault": .string("0"), "locate": .string("0"), "serial": .string(serial ?? ""),
                              "status": .string(serial == nil ? "not installed" : "OK")])
                })
            }
        })
        e.field("vendor", .string(enc.vendor))
    }

    static let physicalNICs = ["eno1", "eno2", "ens1f0", "ens1f1"]

    /// A 1 GbE management port, two 25 GbE ports bonded, the public and cluster networks as
    /// VLANs on the bond, in name order.
    private static func writeInterfaces(_ host: SyntheticIdentity, into o: inout SyntheticJSON) {
        let (hi, lo) = (host.index / 250 % 256, host.index % 250 + 2)
        func nic(_ name: String, driver: String, ipv4: String = "", ipv6: String = "", lower: [String] = [], upper: [String] = [],
                 mtu: Int, type: String = "ethernet", state: String = "up", speed: Int) {
            o.field(name, object: { n in
                n.fields([
                    "driver": .string(driver), "iftype": .string(driver.isEmpty ? "logical" : "physical"), "ipv4_address": .string(ipv4),
                    "ipv6_address": .string(ipv6), "lower_devs_list": .strings(lower), "mtu": .int(mtu), "nic_type": .string(type),
                    "operstate": .string(state), "speed": .int(speed), "upper_devs_list": .strings(upper),
                ])
            })
        }
        nic("bond0", driver: "", lower: ["ens1f0", "ens1f1"], upper: ["bond0.20", "bond0.30"], mtu: 9000, type: "bonding", speed: 50000)
        nic("bond0.20", driver: "", ipv4: "10.20.\(hi).\(lo)/16", lower: ["bond0"], mtu: 9000, speed: 50000)
        nic("bond0.30", driver: "", ipv4: "10.30.\(hi).\(lo)/16", lower: ["bond0"], mtu: 9000, speed: 50000)
        nic("eno1", driver: "igb", ipv4: "192.168.\(hi).\(lo)/24", ipv6: "fe80::3efd:feff:fe\(SyntheticIDs.hex(UInt64(hi), digits: 2)):\(SyntheticIDs.hex(UInt64(lo), digits: 4))/64",
            mtu: 1500, speed: 1000)
        nic("eno2", driver: "igb", mtu: 1500, state: "down", speed: -1)
        nic("ens1f0", driver: "mlx5_core", upper: ["bond0"], mtu: 9000, speed: 25000)
        nic("ens1f1", driver: "mlx5_core", upper: ["bond0"], mtu: 9000, speed: 25000)
        nic("lo", driver: "", ipv4: "127.0.0.1/8", ipv6: "::1/128", mtu: 65536, type: "loopback", state: "unknown", speed: -1)
    }

    /// One entry per listening socket, in /proc/net/tcp's order: sshd, each OSD's four
    /// messenger sockets (v2 and v1 on the public and cluster networks) or the monitor's and
    /// manager's ports, node-exporter, this exporter.
    private static func tcpPorts(_ set: SyntheticDiskSet) -> [Int] {
        var ports = [22]
        switch set.shape.role {
        case .storage: ports += (0..<(set.shape.osds * 4)).map { 6800 + $0 }
        case .monitor: ports += [3300, 6789, 6800, 6801, 8443, 9283]
        }
        return ports + [9100, 9443]
    }
}

/// Who a simulated host is: its index in the fleet and its names.
struct SyntheticIdentity: Sendable {
    let index: Int
    let shortName: String
    let fqdn: String

    static let domain = "storage.example.net"

    /// `ceph-r01-n01` ... : 40 hosts per rack.
    init(index: Int) {
        self.index = index
        let rack = String(index / 40 + 1)
        let node = String(index % 40 + 1)
        shortName = "ceph-r\(rack.count < 2 ? "0" + rack : rack)-n\(node.count < 2 ? "0" + node : node)"
        fqdn = shortName + "." + Self.domain
    }
}
