import Common

/// A `ceph-volume inventory --format=json` look-alike built from /sys/block, /proc/mounts,
/// /proc/swaps and the udev database, for hosts without ceph-volume. It cannot see LVM tags,
/// so `lvs` is always empty; a disk holding an OSD shows up as locked / LVM detected.
enum NativeDiskInventory {
    /// ceph-volume's lower size limit for an OSD device.
    static let minimumBytes = 5 * 1024 * 1024 * 1024

    /// Kernel block devices that are never OSD candidates.
    static func isExcluded(_ name: String) -> Bool {
        ["loop", "ram", "zram", "dm-", "sr", "fd"].contains { name.hasPrefix($0) }
    }

    static func read(from files: FileTree) -> [JSONValue]? {
        guard let names = files.list("/sys/block") else { return nil }
        let mounted = mountedDevices(files)
        return names.compactMap { name in
            guard !isExcluded(name) else { return nil }
            return device(name, files: files, mounted: mounted)
        }
    }

    /// Device paths in use as a mount source or swap area.
    static func mountedDevices(_ files: FileTree) -> Set<String> {
        var paths = Set<String>()
        for line in (files.readText("/proc/mounts") ?? "").split(separator: "\n") {
            if let source = line.split(separator: " ").first, source.hasPrefix("/dev/") { paths.insert(String(source)) }
        }
        for line in (files.readText("/proc/swaps") ?? "").split(separator: "\n").dropFirst() {
            if let source = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first { paths.insert(String(source)) }
        }
        return paths
    }

    static func device(_ name: String, files: FileTree, mounted: Set<String>) -> JSONValue? {
        let dir = "/sys/block/\(name)"
        guard let sectors = files.readTrimmed("\(dir)/size").flatMap({ Int($0) }), sectors > 0 else { return nil }
        func attribute(_ relative: String) -> String { files.readTrimmed("\(dir)/\(relative)") ?? "" }

        let partitionNames = (files.list(dir) ?? []).filter { files.exists("\(dir)/\($0)/partition") }
        var partitions = JSONObject()
        var partitionsInUse = false
        for part in partitionNames {
            let partDir = "\(dir)/\(part)"
            let partSectors = files.readTrimmed("\(partDir)/size") ?? "0"
            let holders = files.list("\(partDir)/holders") ?? []
            if !holders.isEmpty || mounted.contains("/dev/\(part)") { partitionsInUse = true }
            let bytes = Double(Int(partSectors) ?? 0) * 512
            partitions[part] = .object(JSONObject([
                ("start", .string(files.readTrimmed("\(partDir)/start") ?? "0")),
                ("sectors", .string(partSectors)),
                ("sectorsize", 512),
                ("size", .double(bytes)),
                ("human_readable_size", .string(ByteFormatting.cephVolume(bytes))),
                ("holders", .array(holders.map { .string($0) })),
            ]))
        }
        let holders = files.list("\(dir)/holders") ?? []
        let path = "/dev/\(name)"
        let locked = partitionsInUse || !holders.isEmpty || mounted.contains(path)
        let sizeBytes = Double(sectors) * 512
        let scheduler = attribute("queue/scheduler")
        let sectorSize = files.readTrimmed("\(dir)/queue/logical_block_size") ?? files.readTrimmed("\(dir)/queue/hw_sector_size") ?? "512"

        let sysAPI = JSONObject([
            ("removable", .string(attribute("removable"))),
            ("ro", .string(attribute("ro"))),
            ("vendor", .string(attribute("device/vendor"))),
            ("model", .string(attribute("device/model"))),
            ("rev", .string(files.readTrimmed("\(dir)/device/rev") ?? attribute("device/firmware_rev"))),
            ("sas_address", .string(attribute("device/sas_address"))),
            ("sas_device_handle", .string(attribute("device/sas_device_handle"))),
            ("support_discard", .string(attribute("queue/discard_granularity"))),
            ("rotational", .string(attribute("queue/rotational"))),
            ("nr_requests", .string(attribute("queue/nr_requests"))),
            ("scheduler_mode", .string(selectedScheduler(scheduler))),
            ("partitions", .object(partitions)),
            // ceph-volume reads a `sectors` attribute the kernel does not have, so it is 0.
            ("sectors", 0),
            ("sectorsize", .string(sectorSize)),
            ("size", .double(sizeBytes)),
            ("human_readable_size", .string(ByteFormatting.cephVolume(sizeBytes))),
            ("path", .string(path)),
            ("locked", .int(locked ? 1 : 0)),
        ])

        let udev = UdevProperties.read(device: name, files: files)
        var reasons: [String] = []
        if attribute("removable") == "1" { reasons.append("removable") }
        if attribute("ro") == "1" { reasons.append("read-only") }
        if locked { reasons.append("locked") }
        if sizeBytes < Double(minimumBytes) { reasons.append("Insufficient space (<5GB)") }
        if udev["ID_PART_TABLE_TYPE"] == "gpt" { reasons.append("Has GPT headers") }
        if !partitionNames.isEmpty { reasons.append("Has partitions") }
        if !holders.isEmpty { reasons.append("Has holders") }
        switch udev["ID_FS_TYPE"] ?? "" {
        case "": break
        case "LVM2_member": reasons.append("LVM detected")
        default: reasons.append("Has a FileSystem")
        }

        let deviceID = UdevProperties.deviceID(udev) ?? sysfsDeviceID(dir, files: files)
        return .object(JSONObject([
            ("path", .string(path)),
            ("sys_api", .object(sysAPI)),
            ("lsm_data", .object(JSONObject())),
            ("available", .bool(reasons.isEmpty)),
            ("rejected_reasons", .array(reasons.map { .string($0) })),
            ("device_id", .string(deviceID)),
            ("lvs", []),
        ]))
    }

    /// The bracketed entry of `queue/scheduler` (`mq-deadline kyber [bfq] none` -> `bfq`).
    static func selectedScheduler(_ text: String) -> String {
        guard let open = text.firstIndex(of: "["), let close = text[open...].firstIndex(of: "]") else { return "" }
        return String(text[text.index(after: open)..<close])
    }

    /// Without udev data: model and serial from sysfs (NVMe exposes both), else empty.
    private static func sysfsDeviceID(_ dir: String, files: FileTree) -> String {
        guard let model = files.readTrimmed("\(dir)/device/model"), !model.isEmpty,
              let serial = files.readTrimmed("\(dir)/device/serial"), !serial.isEmpty else { return "" }
        return String("\(model)_\(serial)".map { $0 == " " ? "_" : $0 })
    }
}
