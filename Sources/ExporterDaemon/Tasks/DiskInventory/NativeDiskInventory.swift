import Common
import Glibc

/// A `ceph-volume inventory --format=json` (16.2.15) look-alike for hosts without ceph-volume:
/// the same devices, keys, key order and types, built from sysfs, the udev database and the
/// first bytes of each device. What it cannot know (LVM volumes and their ceph tags, a volume
/// group's free extents) it leaves out: `lvs` is always empty and `ceph_device` false.
enum NativeDiskInventory {
    static func read(from files: FileTree) -> [JSONValue]? {
        guard let devices = NativeBlockDevices.scan(files) else { return nil }
        let reports = devices.map { report($0, files: files) }
        // ceph-volume's order: available devices first, then by path.
        return reports.sorted { a, b in
            a.available != b.available ? a.available : a.path < b.path
        }.map(\.json)
    }

    struct Report {
        var path: String
        var available: Bool
        var json: JSONValue
    }

    static func report(_ device: NativeBlockDevice, files: FileTree) -> Report {
        let dir = device.sysDir
        func attribute(_ relative: String) -> String { files.readTrimmed("\(dir)/\(relative)") ?? "" }
        let udev = UdevProperties.read(sysDir: dir, files: files)

        let partitionNames = NativeBlockDevices.partitionNames(of: dir, files: files)
        var partitions = JSONObject()
        for part in partitionNames {
            partitions[part] = partitionJSON("\(dir)/\(part)", files: files)
        }
        let sizeBytes = Double(files.readTrimmed("\(dir)/size").flatMap { Int($0) } ?? 0) * 512
        let slaves = files.list("\(dir)/slaves") ?? []
        let deviceNodes = !slaves.isEmpty ? slaves.joined(separator: ",") : (device.kind == .part ? device.parent : device.name)

        var sysAPI = JSONObject([
            ("removable", .string(attribute("removable"))),
            ("ro", .string(attribute("ro"))),
            ("vendor", .string(attribute("device/vendor"))),
            ("model", .string(attribute("device/model"))),
            ("rev", .string(attribute("device/rev"))),
            ("sas_address", .string(attribute("device/sas_address"))),
            ("sas_device_handle", .string(attribute("device/sas_device_handle"))),
            ("support_discard", .string(attribute("queue/discard_granularity"))),
            ("rotational", .string(attribute("queue/rotational"))),
            ("nr_requests", .string(attribute("queue/nr_requests"))),
        ])
        // ceph-volume sets `partitions` before `device_nodes` for a whole device and after
        // `scheduler_mode` for a partition; the key order follows.
        if device.kind != .part { sysAPI["partitions"] = .object(partitions) }
        sysAPI["device_nodes"] = .string(deviceNodes)
        sysAPI["actuators"] = actuators(dir, files: files)
        sysAPI["scheduler_mode"] = .string(selectedScheduler(attribute("queue/scheduler")))
        if device.kind == .part { sysAPI["partitions"] = .object(partitions) }
        // ceph-volume reads a `sectors` attribute the kernel does not have, so it is 0.
        sysAPI["sectors"] = 0
        sysAPI["sectorsize"] = sectorSize(dir, files: files)
        sysAPI["size"] = .double(sizeBytes)
        sysAPI["human_readable_size"] = .string(ByteFormatting.cephVolume(sizeBytes))
        sysAPI["path"] = .string(device.path)
        sysAPI["devname"] = .string(device.name)
        sysAPI["type"] = .string(device.kind.rawValue)
        sysAPI["parent"] = .string(device.parent)
        sysAPI["id_bus"] = .string(udev["ID_BUS"] ?? "")

        var facts = RejectionFacts(kind: device.kind)
        facts.idBus = udev["ID_BUS"] ?? ""
        facts.readOnly = attribute("ro") == "1"
        facts.sizeBytes = sizeBytes
        facts.hasPartitions = !partitionNames.isEmpty
        facts.bluestoreLabel = hasBluestoreLabel(device.path, files: files)
        if device.kind == .part {
            facts.parentBluestoreLabel = hasBluestoreLabel("/dev/\(device.parent)", files: files)
        } else {
            facts.gptHeaders = udev["ID_PART_TABLE_TYPE"] == "gpt"
        }
        facts.fileSystemType = udev["ID_FS_TYPE"] ?? ""
        let partitionUdev = partitionNames.map { UdevProperties.read(sysDir: "\(dir)/\($0)", files: files) }
        facts.usedByCephDisk = ([udev] + partitionUdev).contains {
            CephVolumeRejection.isCephDiskPartition(label: $0["ID_PART_ENTRY_NAME"] ?? "", type: $0["ID_PART_ENTRY_TYPE"] ?? "")
        }
        facts.lvmMember = ([udev] + partitionUdev).contains { $0["ID_FS_TYPE"] == "LVM2_member" }
        let reasons = CephVolumeRejection.reasons(facts)

        let json = JSONValue.object(JSONObject([
            ("path", .string(device.path)),
            ("sys_api", .object(sysAPI)),
            ("ceph_device", false),
            ("lsm_data", .object(JSONObject())),
            ("available", .bool(reasons.isEmpty)),
            ("rejected_reasons", .array(reasons.map { .string($0) })),
            ("device_id", .string(UdevProperties.deviceID(udev) ?? "")),
            ("lvs", []),
        ]))
        return Report(path: device.path, available: reasons.isEmpty, json: json)
    }

    /// A partition as ceph-volume describes it inside its device's `partitions`.
    static func partitionJSON(_ dir: String, files: FileTree) -> JSONValue {
        let sectors = files.readTrimmed("\(dir)/size")
        let bytes = Double(sectors.flatMap { Int($0) } ?? 0) * 512
        return .object(JSONObject([
            ("start", files.readTrimmed("\(dir)/start").map { .string($0) } ?? 0),
            ("sectors", sectors.map { .string($0) } ?? 0),
            ("sectorsize", sectorSize(dir, files: files)),
            ("size", .double(bytes)),
            ("human_readable_size", .string(ByteFormatting.cephVolume(bytes))),
            ("holders", .array((files.list("\(dir)/holders") ?? []).map { .string($0) })),
        ]))
    }

    /// `queue/logical_block_size`, else `queue/hw_sector_size` (text as read), else the number
    /// 512 (partitions have no queue directory).
    static func sectorSize(_ dir: String, files: FileTree) -> JSONValue {
        if let logical = files.readTrimmed("\(dir)/queue/logical_block_size") { return .string(logical) }
        if let hardware = files.readTrimmed("\(dir)/queue/hw_sector_size") { return .string(hardware) }
        return 512
    }

    /// The number of independent actuators (multi-actuator disks), "" when the kernel does not say.
    static func actuators(_ dir: String, files: FileTree) -> JSONValue {
        let ranges = "\(dir)/queue/independent_access_ranges"
        guard files.isDirectory(ranges) else { return "" }
        var count = 0
        while files.isDirectory("\(ranges)/\(count)") { count += 1 }
        return .int(count)
    }

    /// The bracketed entry of `queue/scheduler` (`mq-deadline kyber [bfq] none` -> `bfq`).
    static func selectedScheduler(_ text: String) -> String {
        guard let open = text.firstIndex(of: "["), let close = text.lastIndex(of: "]"), open < close else { return "" }
        return String(text[text.index(after: open)..<close])
    }

    static let bluestoreSignature = Array("bluestore block device".utf8)

    /// Whether the device starts with BlueStore's label; nil when it cannot be opened (as
    /// ceph-volume, the caller then refuses the device rather than risk an existing OSD).
    static func hasBluestoreLabel(_ devicePath: String, files: FileTree) -> Bool? {
        let fd = Glibc.open(files.root.path(devicePath), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno == EISDIR ? false : nil }
        defer { Glibc.close(fd) }
        var head = [UInt8](repeating: 0, count: bluestoreSignature.count)
        let n = head.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n < 0 { return errno == EISDIR ? false : nil }
        return n == bluestoreSignature.count && head == bluestoreSignature
    }
}
