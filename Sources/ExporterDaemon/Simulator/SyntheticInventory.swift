import Common
/// `ceph-volume inventory --format=json` (16.2.15) for a disk set: the keys, key order and
/// types of the native inventory (checked against ceph-volume by the conformance suite),
/// OSD disks with their `lvs`, the boot disk's partitions listed after it; available devices
/// first, then by path, as ceph-volume sorts them.
enum SyntheticInventory {
    static func json(_ set: SyntheticDiskSet, clusterFSID: String) -> [UInt8] {
        var entries: [(available: Bool, path: String, write: (inout SyntheticJSON) -> Void)] = []
        for disk in set.disks {
            let available = disk.use == .spare
            entries.append((available, "/dev/\(disk.devName)", { deviceEntry(disk, clusterFSID: clusterFSID, into: &$0) }))
            if disk.use == .boot {
                for part in bootPartitions(disk) {
                    entries.append((false, "/dev/\(part.name)", { partitionEntry(part, parent: disk, into: &$0) }))
                }
            }
        }
        entries.sort { a, b in a.available != b.available ? a.available : a.path.utf8.lexicographicallyPrecedes(b.path.utf8) }
        var out = SyntheticJSON(capacity: set.disks.count * 1100 + 2048)
        out.array { a in for e in entries { e.write(&a) } }
        return out.bytes
    }

    struct Partition {
        let name: String
        let start: Int
        let sectors: Int
        let holders: [String]
        let fileSystem: Bool
        let lvm: Bool
        var bytes: Int { sectors * 512 }
    }

    /// EFI (600 MiB), /boot (1 GiB), and an LVM physical volume with the root file system.
    static func bootPartitions(_ disk: SyntheticDisk) -> [Partition] {
        let total = disk.drive.bytes / 512
        return [
            Partition(name: disk.devName + "1", start: 2048, sectors: 1_228_800, holders: [], fileSystem: true, lvm: false),
            Partition(name: disk.devName + "2", start: 1_230_848, sectors: 2_097_152, holders: [], fileSystem: true, lvm: false),
            Partition(name: disk.devName + "3", start: 3_328_000, sectors: total - 3_328_000 - 2048, holders: ["dm-0", "dm-1"],
                      fileSystem: true, lvm: true),
        ]
    }

    private static func deviceEntry(_ disk: SyntheticDisk, clusterFSID: String, into j: inout SyntheticJSON) {
        let d = disk.drive
        j.object { o in
            o.field("path", .string("/dev/\(disk.devName)"))
            o.field("sys_api", object: { s in
                s.fields([
                    "removable": .string("0"), "ro": .string("0"), "vendor": .string(d.vendor), "model": .string(d.model),
                    "rev": .string(d.rev),
                    "sas_address": .string(d.bus == .sas ? "0x" + disk.wwid.dropFirst(4).dropLast() + "1" : ""),
                    "sas_device_handle": .string(d.bus == .sas ? "0x" + SyntheticIDs.hex(UInt64(sasTarget(disk) + 9), digits: 4) : ""),
                    "support_discard": .string(d.rotational ? "0" : d.bus == .nvme ? "512" : "4096"),
                    "rotational": .string(d.rotational ? "1" : "0"),
                    "nr_requests": .string(d.bus == .nvme ? "1023" : d.bus == .sas ? "256" : "64"),
                ])
                s.field("partitions", object: { p in
                    guard disk.use == .boot else { return }
                    for part in bootPartitions(disk) {
                        p.field(part.name, object: { e in
                            e.fields([
                                "start": .string(String(part.start)), "sectors": .string(String(part.sectors)), "sectorsize": .int(512),
                                "size": .double(Double(part.bytes)),
                                "human_readable_size": .string(ByteFormatting.cephVolume(Double(part.bytes))),
                                "holders": .strings(part.holders),
                            ])
                        })
                    }
                })
                s.fields([
                    "device_nodes": .string(disk.devName), "actuators": .string(""),
                    "scheduler_mode": .string(d.bus == .nvme ? "none" : "mq-deadline"),
                    "sectors": .int(0), "sectorsize": .string("512"), "size": .double(Double(d.bytes)),
                    "human_readable_size": .string(ByteFormatting.cephVolume(Double(d.bytes))),
                    "path": .string("/dev/\(disk.devName)"), "devname": .string(disk.devName), "type": .string("disk"),
                    "parent": .string("/dev/\(disk.devName)"),
                    "id_bus": .string(d.bus == .nvme ? "" : d.bus == .sas ? "scsi" : "ata"),
                ])
            })
            var lvs: [(inout SyntheticJSON) -> Void] = []
            let reasons: [String]
            switch disk.use {
            case .boot: reasons = ["Has GPT headers", "Has partitions", "LVM detected"]
            case .monitorStore: reasons = ["Has a FileSystem"]
            case .spare: reasons = []
            case .osd(let id, let osdFSID, let blockUUID):
                reasons = ["Insufficient space (<10 extents) on vgs", "LVM detected", "locked"]
                lvs.append { l in
                    l.object { o in
                        o.fields([
                            "name": .string("osd-block-\(osdFSID)"), "osd_id": .string(String(id)), "cluster_name": .string("ceph"),
                            "type": .string("block"), "osd_fsid": .string(osdFSID), "cluster_fsid": .string(clusterFSID),
                            "osdspec_affinity": .string("default_drive_group"), "block_uuid": .string(blockUUID),
                        ])
                    }
                }
            }
            o.fields([
                "ceph_device": .bool(disk.osdID != nil), "lsm_data": .raw(Array("{}".utf8)), "available": .bool(disk.use == .spare),
                "rejected_reasons": .strings(reasons),
                "device_id": .string(deviceID(disk)),
            ])
            o.field("lvs", array: { a in for lv in lvs { lv(&a) } })
        }
    }

    /// udev's ID_VENDOR, ID_MODEL and serial joined by `_` for SCSI disks, model and serial
    /// otherwise (spaces in the model become `_`, as udev writes them).
    static func deviceID(_ disk: SyntheticDisk) -> String {
        let model = String(disk.drive.model.map { $0 == " " ? "_" : $0 })
        return disk.drive.bus == .sas ? "\(disk.drive.vendor)_\(model)_\(disk.serial)" : "\(model)_\(disk.serial)"
    }

    /// The target number of `host:channel:target:lun`.
    private static func sasTarget(_ disk: SyntheticDisk) -> Int {
        let parts = disk.scsiAddr.split(separator: ":")
        return parts.count == 4 ? Int(parts[2]) ?? 0 : 0
    }

    private static func partitionEntry(_ part: Partition, parent: SyntheticDisk, into j: inout SyntheticJSON) {
        j.object { o in
            o.field("path", .string("/dev/\(part.name)"))
            o.field("sys_api", object: { s in
                s.fields([
                    "removable": .string(""), "ro": .string("0"), "vendor": .string(""), "model": .string(""), "rev": .string(""),
                    "sas_address": .string(""), "sas_device_handle": .string(""), "support_discard": .string(""),
                    "rotational": .string(""), "nr_requests": .string(""), "device_nodes": .string(parent.devName),
                    "actuators": .string(""), "scheduler_mode": .string(""), "partitions": .raw(Array("{}".utf8)),
                    "sectors": .int(0), "sectorsize": .int(512), "size": .double(Double(part.bytes)),
                    "human_readable_size": .string(ByteFormatting.cephVolume(Double(part.bytes))),
                    "path": .string("/dev/\(part.name)"), "devname": .string(part.name), "type": .string("part"),
                    "parent": .string(parent.devName), "id_bus": .string("ata"),
                ])
            })
            var reasons = part.bytes < 5 * 1_073_741_824 ? ["Insufficient space (<5GB)"] : []
            if part.fileSystem { reasons.append("Has a FileSystem") }
            if part.lvm { reasons.append("LVM detected") }
            o.fields([
                "ceph_device": .bool(false), "lsm_data": .raw(Array("{}".utf8)), "available": .bool(false),
                "rejected_reasons": .strings(reasons), "device_id": .string(""), "lvs": .raw(Array("[]".utf8)),
            ])
        }
    }
}
