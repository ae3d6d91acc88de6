import Common

/// A disk as gather-facts lists it in `flash_list` / `hdd_list`: Pacific's keys plus the
/// identity keys current cephadm adds to find a disk's slot (empty when the hardware has none).
struct HostDisk: Equatable {
    var name: String
    var vendor: String
    var model: String
    var rev: String
    var wwid: String
    var sizeBytes: Int
    var rotational: Bool
    /// Serial number (SCSI VPD page 0x80, or an NVMe controller's `serial`).
    var serial = ""
    /// The other kernel names of the same disk (same serial: multipath), comma-separated.
    var altDevName = ""
    /// host:channel:target:lun of the SCSI device.
    var scsiAddr = ""
    var enclosureID = ""
    var enclosureSlot = ""
    /// The disk's /dev/disk/by-path link (names the controller port, often the bay).
    var pathID = ""
    /// The multipath map the disk belongs to (`/dev/mapper/mpatha`).
    var mpath = ""

    var json: JSONValue {
        .object(JSONObject([
            ("alt_dev_name", .string(altDevName)),
            ("description", .string("\(vendor) \(model) (\(ByteFormatting.decimal(sizeBytes)))")),
            ("dev_name", .string(name)),
            ("disk_size_bytes", .int(sizeBytes)),
            ("disk_type", .string(rotational ? "hdd" : "flash")),
            ("enclosure_id", .string(enclosureID)),
            ("enclosure_slot", .string(enclosureSlot)),
            ("model", .string(model)),
            ("mpath", .string(mpath)),
            ("path_id", .string(pathID)),
            ("rev", .string(rev)),
            ("scsi_addr", .string(scsiAddr)),
            ("serial", .string(serial)),
            ("vendor", .string(vendor)),
            ("wwid", .string(wwid)),
        ]))
    }
}

enum HostBlockDevices {
    /// Kernel devices that are not disks: device-mapper volumes and software RAID (their
    /// disks are counted already) and, unlike Pacific (quirk Q15), loop, RAM, compressed-RAM,
    /// optical and floppy.
    static func isExcluded(_ name: String) -> Bool {
        ["dm-", "md", "loop", "ram", "zram", "sr", "fd"].contains { name.hasPrefix($0) }
    }

    /// Vendor ids some drivers report instead of a name.
    static let vendorNames = ["0x1af4": "Virtio Block Device"]

    /// The disks under /sys/block with their rotational flag and identity. Devices of size 0
    /// (empty card readers, unconnected nbd) are left out; a device whose size cannot be read
    /// is left out and reported. Paths to one disk (same serial) are listed once, under the
    /// first name, the others in `alt_dev_name`, so a multipathed disk is counted once.
    static func read(from files: FileTree, enclosures: [Enclosure] = []) -> (disks: [HostDisk], problems: [String]) {
        var disks: [HostDisk] = []
        var problems: [String] = []
        let byPath = byPathLinks(files)
        for name in files.list("/sys/block") ?? [] where !isExcluded(name) {
            let dir = "/sys/block/\(name)"
            guard let rotational = files.readTrimmed("\(dir)/queue/rotational"), rotational == "0" || rotational == "1" else {
                continue
            }
            guard let sizeText = files.readTrimmed("\(dir)/size"), let sectors = Int(sizeText) else {
                problems.append("\(dir)/size: cannot read a sector count; \(name) left out of the disk lists")
                continue
            }
            // /sys/block/<d>/size counts 512-byte sectors whatever the logical block size, so
            // multiplying by logical_block_size (as Pacific did) overstates 4Kn disks 8 times.
            let (sizeBytes, overflow) = sectors.multipliedReportingOverflow(by: 512)
            if sizeBytes <= 0 || overflow { continue }
            let vendor = files.readTrimmed("\(dir)/device/vendor") ?? "Unknown"
            var disk = HostDisk(
                name: name,
                vendor: vendorNames[vendor] ?? vendor,
                model: files.readTrimmed("\(dir)/device/model") ?? "Unknown",
                rev: files.readTrimmed("\(dir)/device/rev") ?? files.readTrimmed("\(dir)/device/firmware_rev") ?? "Unknown",
                wwid: files.readTrimmed("\(dir)/device/wwid") ?? files.readTrimmed("\(dir)/wwid") ?? "Unknown",
                sizeBytes: sizeBytes,
                rotational: rotational == "1")
            disk.serial = SCSISerial.read(deviceDir: "\(dir)/device", files: files)
            if let bsg = files.list("\(dir)/device/bsg"), bsg.count == 1 { disk.scsiAddr = bsg[0] }
            if let enclosure = enclosures.first(where: { $0.slot(forSerial: disk.serial) != nil }) {
                disk.enclosureID = enclosure.id
                disk.enclosureSlot = enclosure.slot(forSerial: disk.serial) ?? ""
            }
            disk.pathID = byPath[name] ?? ""
            disk.mpath = multipathMap(holding: name, files: files)
            disks.append(disk)
        }
        return (mergingPaths(disks), problems)
    }

    /// One entry per serial: later paths to a serial already seen go into its `alt_dev_name`.
    static func mergingPaths(_ disks: [HostDisk]) -> [HostDisk] {
        var merged: [HostDisk] = []
        for disk in disks {
            if !disk.serial.isEmpty, let first = merged.firstIndex(where: { $0.serial == disk.serial }) {
                merged[first].altDevName += (merged[first].altDevName.isEmpty ? "" : ",") + disk.name
            } else {
                merged.append(disk)
            }
        }
        return merged
    }

    /// Kernel name -> its /dev/disk/by-path link (the first by name when there are several).
    static func byPathLinks(_ files: FileTree) -> [String: String] {
        var links: [String: String] = [:]
        for link in files.list("/dev/disk/by-path") ?? [] {
            let path = "/dev/disk/by-path/\(link)"
            if let target = files.resolvedBasename(path), links[target] == nil { links[target] = path }
        }
        return links
    }

    /// `/dev/mapper/<map>` when the disk's only holder is a device-mapper multipath map.
    static func multipathMap(holding name: String, files: FileTree) -> String {
        guard let holders = files.list("/sys/block/\(name)/holders"), holders.count == 1 else { return "" }
        let dm = "/sys/block/\(holders[0])/dm"
        guard let uuid = files.readTrimmed("\(dm)/uuid"), uuid.lowercased().hasPrefix("mpath-"),
              let map = files.readTrimmed("\(dm)/name"), !map.isEmpty else { return "" }
        return "/dev/mapper/\(map)"
    }
}
