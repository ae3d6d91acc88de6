import Common
/// `cephadm ls` for a simulated host, as `list-daemons` prints it on a cephadm host running
/// 16.2.15 in podman: `unit.meta` keys merged in (the rank and memory keys for mon, mgr and
/// OSDs), the container's id, image, digests, memory and CPU while it runs; names sorted.
enum SyntheticDaemons {
    static let cephImage = "quay.io/ceph/ceph@sha256:6ac7f923aa1d23b43248ce0ddec7e1388855ee3d00813b52c3172b0b23b37906"
    static let cephImageID = "3c4eff6082ae7530e7eda038765ce400beb1bc1b8df67dffb45910eb45b06b2c"
    static let nodeExporterImage = "quay.io/prometheus/node-exporter:v1.3.1"
    static let nodeExporterDigest = "quay.io/prometheus/node-exporter@sha256:f2269e73124dd0f60a7d19a2ce1264d33d08a985aed0ee6b0b89d0be470592cd"
    static let nodeExporterImageID = "1dbe0e931976487e20e5cfb272087e08a9779c88fd5e9617ed7042dd9751ec26"

    /// One in this many OSDs is stopped (a disk being replaced): the detail view lists them.
    static let stoppedOSDOneIn = 250

    private struct Daemon {
        let type: String
        let id: String
        var name: String { "\(type).\(id)" }
    }

    /// The OSD entries of a disk set (they name no host), serialized once per set; they sort
    /// after every other daemon type, so a host's list is its own entries then these.
    static func osdEntries(_ set: SyntheticDiskSet, fsid: String, rng: inout SeededRandom) -> [UInt8] {
        let osds = set.osdIDs.map { Daemon(type: "osd", id: String($0)) }.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let deployed = rng.int(0...120)
        return SyntheticJSON.fragment(capacity: osds.count * 1200) { a in
            for d in osds { a.object { o in write(d, fsid: fsid, deployedDay: deployed, rng: &rng, into: &o) } }
        }
    }

    static func json(host: SyntheticIdentity, role: HostShape.Role, osdEntries: [UInt8], fsid: String, rng: inout SeededRandom) -> [UInt8] {
        var daemons = [Daemon(type: "cephadm-exporter", id: host.shortName), Daemon(type: "crash", id: host.shortName),
                       Daemon(type: "node-exporter", id: host.shortName)]
        if role == .monitor {
            daemons += [Daemon(type: "mon", id: host.shortName), Daemon(type: "mgr", id: host.shortName + "." + SyntheticIDs.lowercase(6, rng: &rng))]
        }
        daemons.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }

        // Deployed some months ago, containers restarted at the last upgrade.
        let deployed = rng.int(0...120)
        var j = SyntheticJSON(capacity: daemons.count * 1200 + osdEntries.count + 16)
        j.array { a in
            for d in daemons {
                a.object { o in write(d, fsid: fsid, deployedDay: deployed, rng: &rng, into: &o) }
            }
            a.members(osdEntries)
        }
        return j.bytes
    }

    private static func write(_ d: Daemon, fsid: String, deployedDay: Int, rng: inout SeededRandom,
                              into o: inout SyntheticJSON) {
        let exporter = d.type == "cephadm-exporter"
        let running = d.type != "osd" || rng.int(1...stoppedOSDOneIn) > 1
        o.fields([
            "style": .string("cephadm:v1"), "name": .string(d.name), "fsid": .string(fsid),
            "systemd_unit": .string(exporter ? "ceph-\(fsid)-cephadm-exporter.\(d.id)" : "ceph-\(fsid)@\(d.name)"),
            "enabled": .bool(true), "state": .string(running ? "running" : "stopped"),
        ])
        // unit.meta, as the manager writes it (the exporter's own deploy writes two keys).
        o.field("service_name", .string(d.type == "osd" ? "osd.default_drive_group" : d.type))
        o.field("ports", .ints(exporter ? [9443] : d.type == "node-exporter" ? [9100] : d.type == "mgr" ? [8443, 9283] : []))
        if !exporter {
            o.fields(["ip": .null, "deployed_by": .strings([cephImage])])
            if ["mon", "mgr", "osd"].contains(d.type) {
                o.fields(["rank": .null, "rank_generation": .null, "extra_container_args": .null, "memory_request": .null, "memory_limit": .null])
            }
        }
        let day = String(10 + deployedDay % 18)
        let created = "2024-0\(1 + deployedDay % 9)-\(day)T09:\(10 + deployedDay % 40):41.\(rng.int(100_000...999_999))Z"
        if exporter || !running {
            o.fields([
                "container_id": .null, "container_image_name": exporter ? .null : .string(cephImage), "container_image_id": .null,
                "container_image_digests": .null, "version": .null, "started": .null, "created": .string(created),
                "deployed": exporter ? .null : .string(created), "configured": .string(created),
            ])
            return
        }
        let nodeExporter = d.type == "node-exporter"
        let memory = d.type == "osd" ? rng.int(2_400...4_800) : d.type == "mon" ? rng.int(600...1_400) : d.type == "mgr" ? rng.int(500...900) : rng.int(8...40)
        o.fields([
            "container_id": .string(SyntheticIDs.hex(rng.next(), digits: 64)),
            "container_image_name": .string(nodeExporter ? nodeExporterImage : cephImage),
            "container_image_id": .string(nodeExporter ? nodeExporterImageID : cephImageID),
            "container_image_digests": .strings([nodeExporter ? nodeExporterDigest : cephImage]),
            "memory_usage": .int(memory * 1_048_576),
            "cpu_percentage": .string("\(rng.int(0...9)).\(rng.int(10...99))%"),
            "version": .string(nodeExporter ? "1.3.1" : "16.2.15"),
            "started": .string("2024-11-0\(1 + deployedDay % 9)T03:\(10 + deployedDay % 40):\(10 + rng.int(0...49)).\(rng.int(100_000...999_999))Z"),
            "created": .string(created), "deployed": .string(created), "configured": .string(created),
        ])
    }
}
