import Common

/// A disk as gather-facts lists it in `flash_list` / `hdd_list`.
struct HostDisk: Equatable {
    var name: String
    var vendor: String
    var model: String
    var rev: String
    var wwid: String
    var sizeBytes: Int
    var rotational: Bool

    var json: JSONValue {
        .object(JSONObject([
            ("description", .string("\(vendor) \(model) (\(ByteFormatting.decimal(sizeBytes)))")),
            ("dev_name", .string(name)),
            ("disk_size_bytes", .int(sizeBytes)),
            ("model", .string(model)),
            ("rev", .string(rev)),
            ("vendor", .string(vendor)),
            ("wwid", .string(wwid)),
        ]))
    }
}

enum HostBlockDevices {
    /// Kernel devices that are not disks: device-mapper volumes (their disks are counted
    /// already) and, unlike Pacific (quirk Q15), loop, RAM, compressed-RAM, optical and floppy.
    static func isExcluded(_ name: String) -> Bool {
        ["dm-", "loop", "ram", "zram", "sr", "fd"].contains { name.hasPrefix($0) }
    }

    /// Vendor ids some drivers report instead of a name.
    static let vendorNames = ["0x1af4": "Virtio Block Device"]

    /// The disks under /sys/block with their rotational flag. Devices of size 0 (empty card
    /// readers, unconnected nbd) are left out; a device whose size cannot be read is left out
    /// and reported.
    static func read(from files: FileTree) -> (disks: [HostDisk], problems: [String]) {
        var disks: [HostDisk] = []
        var problems: [String] = []
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
            disks.append(HostDisk(
                name: name,
                vendor: vendorNames[vendor] ?? vendor,
                model: files.readTrimmed("\(dir)/device/model") ?? "Unknown",
                rev: files.readTrimmed("\(dir)/device/rev") ?? files.readTrimmed("\(dir)/device/firmware_rev") ?? "Unknown",
                wwid: files.readTrimmed("\(dir)/device/wwid") ?? files.readTrimmed("\(dir)/wwid") ?? "Unknown",
                sizeBytes: sizeBytes,
                rotational: rotational == "1"))
        }
        return (disks, problems)
    }
}
