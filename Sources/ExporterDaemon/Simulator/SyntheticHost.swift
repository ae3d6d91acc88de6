import Common

/// Synthetic but realistic metadata for simulated host `index`: gather-facts, a ceph-volume
/// inventory and a cephadm daemon list, shaped like the real samples (see Tests/Fixtures).
struct SyntheticHost {
    let name: String
    let facts: JSONValue
    let disks: JSONValue
    let daemons: JSONValue

    init(index: Int, seed: UInt64, fsid: String, now: Double) {
        var rng = SeededRandom.simulator(seed: seed ^ (UInt64(index) &* 0x2545_F491_4F6C_DD1D))
        let rack = index / 40 + 1
        name = "ceph-r\(String(rack, zeroPaddedTo: 2))-n\(String(index % 40 + 1, zeroPaddedTo: 2))"
        let hdds = rng.int(4...12)
        let ssds = rng.int(1...4)
        let disks = SyntheticHost.disks(hdds: hdds, ssds: ssds, rng: &rng)
        self.disks = .array(disks.map(\.inventory))
        facts = SyntheticHost.facts(name: name, index: index, disks: disks, now: now, rng: &rng)
        daemons = SyntheticHost.daemons(host: name, fsid: fsid, osdBase: index * 16, osds: hdds, index: index, now: now)
    }

    private struct Disk {
        let dev: String
        let vendor: String
        let model: String
        let bytes: Int64
        let rotational: Bool
        let serial: String
        var inventory: JSONValue
    }

    private static func disks(hdds: Int, ssds: Int, rng: inout SeededRandom) -> [Disk] {
        var out: [Disk] = []
        let hddModels = [("SEAGATE", "ST4000NM0035", Int64(4_000_787_030_016)), ("HGST", "HUH721212AL5200", Int64(12_000_138_625_024)),
                         ("TOSHIBA", "MG07ACA14TE", Int64(14_000_519_643_136))]
        let ssdModels = [("INTEL", "SSDPE2KE016T8", Int64(1_600_321_314_816)), ("SAMSUNG", "MZ7LH1T9HMLT", Int64(1_920_383_410_176)),
                         ("Micron", "5300_MTFDDAK960TDS", Int64(960_197_124_096))]
        let hdd = rng.pick(hddModels)
        let ssd = rng.pick(ssdModels)
        for i in 0..<(hdds + ssds) {
            let isHDD = i < hdds
            let (vendor, model, bytes) = isHDD ? hdd : ssd
            let dev = isHDD ? "sd" + String(UnicodeScalar(UInt8(97 + i))) : "nvme\(i - hdds)n1"
            let serial = String(rng.next() % 100_000_000, radix: 36).uppercased()
            let used = isHDD
            let json: JSONValue = .object(JSONObject([
                ("path", .string("/dev/\(dev)")),
                ("available", .bool(!used)),
                ("rejected_reasons", used ? ["LVM detected", "locked", "Insufficient space (<10 extents) on vgs"] : []),
                ("device_id", .string("\(vendor)_\(model)_\(serial)")),
                ("sys_api", .object(JSONObject([
                    ("removable", "0"), ("ro", "0"), ("vendor", .string(vendor)), ("model", .string(model)),
                    ("rev", "0001"), ("sas_address", ""), ("sas_device_handle", ""), ("support_discard", isHDD ? "0" : "512"),
                    ("rotational", isHDD ? "1" : "0"), ("nr_requests", isHDD ? "256" : "1023"),
                    ("scheduler_mode", isHDD ? "mq-deadline" : "none"), ("partitions", .object(JSONObject())),
                    ("sectors", 0), ("sectorsize", "512"), ("size", .double(Double(bytes))),
                    ("human_readable_size", .string(humanSize(bytes, binary: true))), ("path", .string("/dev/\(dev)")),
                    ("locked", .int(used ? 1 : 0)),
                ]))),
                ("lvs", used ? [.object(JSONObject([
                    ("name", .string("osd-block-\(serial.lowercased())")), ("osd_id", .string(String(i))),
                    ("cluster_name", "ceph"), ("type", "block"), ("osd_fsid", .string(serial.lowercased())),
                    ("cluster_fsid", "unknown"), ("osdspec_affinity", "default_drive_group"), ("block_uuid", .string(serial)),
                ]))] : []),
            ]))
            out.append(Disk(dev: dev, vendor: vendor, model: model, bytes: bytes, rotational: isHDD, serial: serial, inventory: json))
        }
        return out
    }

    private static func facts(name: String, index: Int, disks: [Disk], now: Double, rng: inout SeededRandom) -> JSONValue {
        let cpus = [("Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz", 12), ("AMD EPYC 7302P 16-Core Processor", 16),
                    ("Intel(R) Xeon(R) Gold 6230R CPU @ 2.10GHz", 26)]
        let (cpuModel, cores) = rng.pick(cpus)
        let sockets = cpuModel.hasPrefix("AMD") ? 1 : 2
        let memKB = [131_072_000, 196_608_000, 262_144_000][rng.int(0...2)]
        func diskList(_ rotational: Bool) -> [JSONValue] {
            disks.filter { $0.rotational == rotational }.map { d in
                .object(JSONObject([
                    ("description", .string("\(d.vendor) \(d.model) (\(humanSize(d.bytes, binary: false)))")),
                    ("dev_name", .string(d.dev)), ("disk_size_bytes", .int(Int64(d.bytes))), ("model", .string(d.model)),
                    ("rev", "0001"), ("vendor", .string(d.vendor)), ("wwid", .string("naa.5000c500\(d.serial.lowercased())")),
                ]))
            }
        }
        let hddBytes = disks.filter(\.rotational).reduce(Int64(0)) { $0 + $1.bytes }
        let flashBytes = disks.filter { !$0.rotational }.reduce(Int64(0)) { $0 + $1.bytes }
        let octet = index % 250 + 2
        let subnet = index / 250 % 250
        func nic(_ ip: String, mtu: Int, driver: String, speed: Int, lower: [String] = [], kind: String = "ethernet", physical: Bool = true) -> JSONValue {
            .object(JSONObject([
                ("driver", .string(physical ? driver : "")), ("iftype", .string(physical ? "physical" : "logical")),
                ("ipv4_address", .string(ip)), ("ipv6_address", ""), ("lower_devs_list", .array(lower.map { .string($0) })),
                ("mtu", .int(mtu)), ("nic_type", .string(kind)), ("operstate", "up"), ("speed", .int(speed)),
                ("upper_devs_list", physical && ip.isEmpty ? ["bond0"] : []),
            ]))
        }
        let interfaces: JSONValue = .object(JSONObject([
            ("bond0", nic("10.10.\(subnet).\(octet)/16", mtu: 9000, driver: "bonding", speed: 50_000, lower: ["ens1f0", "ens1f1"], kind: "bonding", physical: false)),
            ("ens1f0", nic("", mtu: 9000, driver: "mlx5_core", speed: 25_000)),
            ("ens1f1", nic("", mtu: 9000, driver: "mlx5_core", speed: 25_000)),
            ("eno1", nic("192.168.\(subnet).\(octet)/24", mtu: 1500, driver: "igb", speed: 1000)),
            ("lo", nic("127.0.0.1/8", mtu: 65536, driver: "", speed: -1, kind: "loopback", physical: false)),
        ]))
        let load = rng.double(0.1...6)
        return .object(JSONObject([
            ("arch", "x86_64"), ("bios_date", "04/12/2023"), ("bios_version", "2.17.1"),
            ("cpu_cores", .int(cores)), ("cpu_count", .int(sockets)),
            ("cpu_load", .object(JSONObject([("15min", .double(load * 0.8)), ("1min", .double(load)), ("5min", .double(load * 0.9))]))),
            ("cpu_model", .string(cpuModel)), ("cpu_threads", .int(cores * 2)),
            ("flash_capacity", .string(humanSize(flashBytes, binary: false))), ("flash_capacity_bytes", .int(Int64(flashBytes))),
            ("flash_count", .int(disks.filter { !$0.rotational }.count)), ("flash_list", .array(diskList(false))),
            ("hdd_capacity", .string(humanSize(hddBytes, binary: false))), ("hdd_capacity_bytes", .int(Int64(hddBytes))),
            ("hdd_count", .int(disks.filter(\.rotational).count)), ("hdd_list", .array(diskList(true))),
            ("hostname", .string(name)), ("interfaces", interfaces), ("kernel", "5.14.0-362.24.1.el9_3.x86_64"),
            ("kernel_parameters", .object(JSONObject([("net.ipv4.ip_nonlocal_bind", "0")]))),
            ("kernel_security", .object(JSONObject([("SELinux", "enforcing"), ("SELinux_policy", "targeted"),
                                                    ("description", "SELinux: Enabled(enforcing, targeted)"), ("type", "SELinux")]))),
            ("memory_available_kb", .int(memKB * 6 / 10)), ("memory_free_kb", .int(memKB / 10)), ("memory_total_kb", .int(memKB)),
            ("model", "PowerEdge R740xd (SKU=0715;ModelName=PowerEdge R740xd)"), ("nic_count", 3),
            ("operating_system", "Rocky Linux 9.3 (Blue Onyx)"), ("selinux_enabled", true), ("subscribed", "Unknown"),
            ("system_uptime", .double(Double(rng.int(3_600...9_000_000)))), ("timestamp", .double(now)), ("vendor", "Dell Inc."),
        ]))
    }

    private static func daemons(host: String, fsid: String, osdBase: Int, osds: Int, index: Int, now: Double) -> JSONValue {
        var list: [JSONValue] = []
        func entry(_ type: String, _ id: String, image: String = "quay.io/ceph/ceph:v16.2.15", version: String = "16.2.15") -> JSONValue {
            .object(JSONObject([
                ("style", "cephadm:v1"), ("name", .string("\(type).\(id)")), ("fsid", .string(fsid)),
                ("systemd_unit", .string("ceph-\(fsid)@\(type).\(id)")), ("enabled", true), ("state", "running"),
                ("service_name", .string(type == "osd" ? "osd.default_drive_group" : type)), ("ports", []),
                ("container_id", .string(String(UInt64(index * 1000 + id.count) &* 0x9E37_79B9, radix: 16))),
                ("container_image_name", .string(image)), ("container_image_id", "3c4eff6082ae"),
                ("container_image_digests", .array([.string(image + "@sha256:0cf5a63d8d3e")])),
                ("memory_usage", .int(type == "osd" ? 2_147_483_648 : 524_288_000)), ("version", .string(version)),
                ("started", "2026-11-20T08:14:02.512345Z"), ("created", "2026-03-02T10:00:41.000000Z"),
                ("deployed", "2026-11-20T08:13:55.000000Z"), ("configured", "2026-11-20T08:13:55.000000Z"),
            ]))
        }
        if index % 20 < 3 { list.append(entry("mon", host)) }
        if index % 20 < 2 { list.append(entry("mgr", host + ".xkcdfg")) }
        list.append(entry("crash", host))
        list.append(entry("node-exporter", host, image: "quay.io/prometheus/node-exporter:v1.5.0", version: "1.5.0"))
        for i in 0..<osds { list.append(entry("osd", String(osdBase + i))) }
        list.append(.object(JSONObject([
            ("style", "cephadm:v1"), ("name", .string("cephadm-exporter.\(host)")), ("fsid", .string(fsid)),
            ("systemd_unit", .string("ceph-\(fsid)-cephadm-exporter.\(host)")), ("enabled", true), ("state", "running"),
            ("container_id", .null), ("container_image_name", .null), ("container_image_id", .null),
            ("container_image_digests", []), ("version", .null), ("started", .null),
            ("created", "2026-03-02T10:05:12.000000Z"), ("deployed", .null), ("configured", "2026-11-20T08:13:55.000000Z"),
        ])))
        return .array(list)
    }

    /// `4.0TB` (decimal, gather-facts style) or `3.64 TB` (binary, ceph-volume style).
    static func humanSize(_ bytes: Int64, binary: Bool) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        let base = binary ? 1024.0 : 1000.0
        var v = Double(bytes)
        var u = 0
        while v >= base && u < units.count - 1 {
            v /= base
            u += 1
        }
        let rounded = (v * (binary ? 100 : 10)).rounded() / (binary ? 100 : 10)
        return binary ? "\(rounded) \(units[u])" : "\(rounded)\(units[u])"
    }
}
