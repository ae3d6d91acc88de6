/// A block device ceph-volume 16.2.15 would report, found the way it finds them in sysfs.
struct NativeBlockDevice: Equatable {
    enum Kind: String { case disk, mpath, part }

    /// Kernel name (`sda`, `sda1`, `dm-3`).
    var name: String
    /// The path ceph-volume reports: `/dev/<name>`, `/dev/mapper/<map>` for a multipath map.
    var path: String
    var kind: Kind
    /// The sysfs directory (`/sys/block/sda`, `/sys/block/sda/sda1` for a partition).
    var sysDir: String
    /// `/dev/<name>` for a whole device; the parent's kernel name for a partition (as
    /// ceph-volume reports `parent`).
    var parent: String
}

enum NativeBlockDevices {
    /// The devices in ceph-volume's order (by kernel path): every /sys/block entry that has a
    /// /dev node and is a disk or a multipath map (device-mapper devices of other kinds, loop
    /// devices, rbd images, paths of a multipath map and maps that carry LVM volumes are left
    /// out), then every partition of every /sys/block entry. Nil when /sys/block is unreadable.
    static func scan(_ files: FileTree) -> [NativeBlockDevice]? {
        guard let names = files.list("/sys/block") else { return nil }
        var found: [NativeBlockDevice] = []
        for name in names {
            let sysDir = "/sys/block/\(name)"
            guard files.exists("/dev/\(name)"), !name.hasPrefix("loop") else { continue }
            let holders = files.list("\(sysDir)/holders") ?? []
            if holders.contains(where: { deviceMapperKind($0, files: files) == "mpath" }) { continue }
            var kind = NativeBlockDevice.Kind.disk
            var path = "/dev/\(name)"
            if files.isDirectory("\(sysDir)/dm") {
                guard deviceMapperKind(name, files: files) == "mpath",
                      let map = files.readTrimmed("\(sysDir)/dm/name"), !map.isEmpty else { continue }
                // ceph-volume leaves out a map that LVM volumes sit on.
                if holders.contains(where: { deviceMapperKind($0, files: files) == "lvm" }) { continue }
                kind = .mpath
                path = "/dev/mapper/\(map)"
            }
            if path.hasPrefix("/dev/rbd") { continue }
            found.append(NativeBlockDevice(name: name, path: path, kind: kind, sysDir: sysDir, parent: "/dev/\(name)"))
        }
        for parent in names {
            for part in partitionNames(of: "/sys/block/\(parent)", files: files) {
                found.append(NativeBlockDevice(name: part, path: "/dev/\(part)", kind: .part,
                                               sysDir: "/sys/block/\(parent)/\(part)", parent: parent))
            }
        }
        return found.sorted { "/dev/\($0.name)" < "/dev/\($1.name)" }
    }

    /// The partitions directly below a device's sysfs directory.
    static func partitionNames(of sysDir: String, files: FileTree) -> [String] {
        (files.list(sysDir) ?? []).filter { files.readTrimmed("\(sysDir)/\($0)/partition").map { !$0.isEmpty && $0 != "0" } ?? false }
    }

    /// The kind of a device-mapper device from its uuid prefix (`mpath`, `lvm`, `crypt`, ...);
    /// nil for a device that is not one.
    static func deviceMapperKind(_ name: String, files: FileTree) -> String? {
        guard let uuid = files.readTrimmed("/sys/block/\(name)/dm/uuid") else { return nil }
        return String(uuid.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").lowercased()
    }
}
