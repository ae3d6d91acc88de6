import Common
/// A drive model as the kernel and ceph-volume report it.
struct DriveModel: Sendable {
    enum Bus: Sendable { case sas, sata, nvme }
    let bus: Bus
    /// sysfs `device/vendor` (ceph-volume's `sys_api.vendor`); NVMe devices have none.
    let vendor: String
    let model: String
    let rev: String
    let bytes: Int
    let rotational: Bool
    /// First characters of the maker's serial numbers, and how many characters follow.
    let serialPrefix: String
    let serialDigits: Int
    /// First bytes of the maker's WWNs (`naa.` + 16 hex digits); NVMe uses `eui.` + 32.
    let wwnPrefix: String

    /// Storage-host data disks.
    static let hdds: [DriveModel] = [
        DriveModel(bus: .sas, vendor: "SEAGATE", model: "ST16000NM004J", rev: "E004", bytes: 16_000_900_661_248, rotational: true,
                   serialPrefix: "ZL2", serialDigits: 6, wwnPrefix: "5000c500"),
        DriveModel(bus: .sas, vendor: "SEAGATE", model: "ST18000NM004J", rev: "E002", bytes: 18_000_207_937_536, rotational: true,
                   serialPrefix: "ZR5", serialDigits: 6, wwnPrefix: "5000c500"),
        DriveModel(bus: .sas, vendor: "WDC", model: "WUH721818AL5204", rev: "C232", bytes: 18_000_207_937_536, rotational: true,
                   serialPrefix: "3FG", serialDigits: 6, wwnPrefix: "5000cca2"),
        DriveModel(bus: .sas, vendor: "TOSHIBA", model: "MG08SCA16TE", rev: "0104", bytes: 16_000_900_661_248, rotational: true,
                   serialPrefix: "X0R0A0", serialDigits: 6, wwnPrefix: "50000399"),
        DriveModel(bus: .sas, vendor: "SEAGATE", model: "ST12000NM002G", rev: "E003", bytes: 12_000_138_625_024, rotational: true,
                   serialPrefix: "ZLW", serialDigits: 6, wwnPrefix: "5000c500"),
    ]
    /// All-flash storage hosts' data disks, and the monitors' store.
    static let nvmes: [DriveModel] = [
        DriveModel(bus: .nvme, vendor: "", model: "SAMSUNG MZQL23T8HCLS-00A07", rev: "GDC5602Q", bytes: 3_840_755_982_336, rotational: false,
                   serialPrefix: "S64HNE0T", serialDigits: 6, wwnPrefix: "36344830"),
        DriveModel(bus: .nvme, vendor: "", model: "INTEL SSDPE2KX040T8", rev: "VDV10170", bytes: 4_000_787_030_016, rotational: false,
                   serialPrefix: "PHLJ9", serialDigits: 13, wwnPrefix: "01000000"),
        DriveModel(bus: .nvme, vendor: "", model: "Micron_7450_MTFDKCC3T8TFR", rev: "E2MU200", bytes: 3_840_755_982_336, rotational: false,
                   serialPrefix: "2231", serialDigits: 8, wwnPrefix: "000000000000"),
    ]
    /// Boot disks.
    static let boots: [DriveModel] = [
        DriveModel(bus: .sata, vendor: "ATA", model: "SAMSUNG MZ7LH480", rev: "HXT7404Q", bytes: 480_103_981_056, rotational: false,
                   serialPrefix: "S45PNA0M", serialDigits: 6, wwnPrefix: "5002538e"),
        DriveModel(bus: .sata, vendor: "ATA", model: "Micron_5300_MTFD", rev: "U001", bytes: 480_103_981_056, rotational: false,
                   serialPrefix: "2144", serialDigits: 8, wwnPrefix: "500a0751"),
    ]
}

/// One physical disk of a simulated host, with everything the three documents say about it.
struct SyntheticDisk: Sendable {
    enum Use: Sendable, Equatable {
        /// The OS disk: EFI, /boot and an LVM root partition.
        case boot
        case osd(id: Int, osdFSID: String, blockUUID: String)
        /// The monitor's store: a file system mounted on /var/lib/ceph.
        case monitorStore
        /// Not used yet: ceph-volume lists it as available.
        case spare
    }

    let devName: String
    let drive: DriveModel
    let serial: String
    let wwid: String
    /// host:channel:target:lun, SCSI disks only.
    let scsiAddr: String
    /// The /dev/disk/by-path link name, without the directory.
    let pathLink: String
    /// The bay in the host's enclosure (1-based), when it has one.
    let slot: Int?
    let use: Use

    var rotational: Bool { drive.rotational }
    var osdID: Int? { if case .osd(let id, _, _) = use { return id }; return nil }
}

/// The SCSI enclosure (SES) a dense host's disks sit in.
struct SyntheticEnclosure: Sendable {
    let id: String
    let vendor: String
    let model: String
    let bays: Int
    /// The SCSI generic device that answers for it.
    let sesDevice: String
}

/// The disks of one host shape, drawn from a seed: a boot SSD, then the data disks.
struct SyntheticDiskSet: Sendable {
    let shape: HostShape
    let disks: [SyntheticDisk]
    let enclosure: SyntheticEnclosure?

    /// `osdBase` is the first OSD id; each set has its own ids so a cluster's ids stay unique.
    init(shape: HostShape, osdBase: Int, rng: inout SeededRandom) {
        self.shape = shape
        var disks: [SyntheticDisk] = []
        let hba = rng.pick(["0000:3b:00.0", "0000:5e:00.0", "0000:af:00.0", "0000:d8:00.0"])
        // The SAS expander's address (LSI/Broadcom expanders start 0x5003048).
        let expander = "5003048" + SyntheticIDs.hex(rng.next(), digits: 9)
        let boot = rng.pick(DriveModel.boots)
        disks.append(Self.disk(devName: "sda", drive: boot, scsiAddr: "0:0:0:0", pathLink: "pci-0000:00:17.0-ata-1", slot: nil, use: .boot, rng: &rng))

        switch shape.role {
        case .monitor:
            let flash = rng.pick(DriveModel.nvmes)
            disks.append(Self.disk(devName: "nvme0n1", drive: flash, scsiAddr: "", pathLink: "pci-\(hba)-nvme-1", slot: nil, use: .monitorStore, rng: &rng))
            for i in 1..<max(1, shape.disks - 1) {
                disks.append(Self.disk(devName: "nvme\(i)n1", drive: flash, scsiAddr: "", pathLink: "pci-0000:\(SyntheticIDs.hex(UInt64(0x5f + i), digits: 2)):00.0-nvme-1",
                                       slot: nil, use: .spare, rng: &rng))
            }
        case .storage:
            // Small all-flash hosts exist; JBODs and big chassis are spinning disks.
            let allFlash = shape.disks <= 24 && rng.int(0...4) == 0
            let drive = allFlash ? rng.pick(DriveModel.nvmes) : rng.pick(DriveModel.hdds)
            for i in 0..<shape.osds {
                let use = SyntheticDisk.Use.osd(id: osdBase + i, osdFSID: SyntheticIDs.uuid(&rng), blockUUID: SyntheticIDs.lvmUUID(&rng))
                if allFlash {
                    disks.append(Self.disk(devName: "nvme\(i)n1", drive: drive, scsiAddr: "",
                                           pathLink: "pci-0000:\(SyntheticIDs.hex(UInt64(0x18 + i), digits: 2)):00.0-nvme-1",
                                           slot: nil, use: use, rng: &rng))
                } else {
                    let link = shape.hasEnclosure ? "pci-\(hba)-sas-exp0x\(expander)-phy\(i)-lun-0" : "pci-\(hba)-sas-phy\(i)-lun-0"
                    disks.append(Self.disk(devName: SyntheticIDs.scsiName(i + 1), drive: drive, scsiAddr: "1:0:\(i + 8):0", pathLink: link,
                                           slot: shape.hasEnclosure ? i + 1 : nil, use: use, rng: &rng))
                }
            }
        }
        self.disks = disks
        if shape.hasEnclosure && disks.contains(where: { $0.slot != nil }) {
            let (vendor, model, bays) = shape.disks > 36 ? ("HGST", "H4060-J", 60) : ("BROADCM", "VirtualSES", shape.disks)
            enclosure = SyntheticEnclosure(id: "0x" + expander.dropLast() + "e", vendor: vendor, model: model, bays: bays,
                                           sesDevice: "sg\(disks.count)")
        } else {
            enclosure = nil
        }
    }

    var osdIDs: [Int] { disks.compactMap(\.osdID) }

    private static func disk(devName: String, drive: DriveModel, scsiAddr: String, pathLink: String, slot: Int?,
                             use: SyntheticDisk.Use, rng: inout SeededRandom) -> SyntheticDisk {
        let serial = drive.serialPrefix + SyntheticIDs.alphanumeric(drive.serialDigits, rng: &rng)
        let wwid = drive.bus == .nvme
            ? "eui." + drive.wwnPrefix + SyntheticIDs.hex(rng.next(), digits: 32 - drive.wwnPrefix.count)
            : "naa." + drive.wwnPrefix + SyntheticIDs.hex(rng.next(), digits: 16 - drive.wwnPrefix.count)
        return SyntheticDisk(devName: devName, drive: drive, serial: serial, wwid: wwid, scsiAddr: scsiAddr,
                             pathLink: pathLink, slot: slot, use: use)
    }
}

/// Identifiers in the formats the real tools print them, from a seeded generator.
enum SyntheticIDs {
    /// `sda`, ..., `sdz`, `sdaa`, ...: the kernel's names for the n-th SCSI disk (0-based).
    static func scsiName(_ n: Int) -> String {
        var letters: [Character] = []
        var i = n + 1
        while i > 0 {
            i -= 1
            letters.insert(Character(UnicodeScalar(UInt8(97 + i % 26))), at: 0)
            i /= 26
        }
        return "sd" + String(letters)
    }

    /// `digits` lower-case hex digits drawn from `value` (extended by mixing when more than 16).
    static func hex(_ value: UInt64, digits: Int) -> String {
        var out = ""
        var v = value
        var remaining = digits
        while remaining > 0 {
            let chunk = String(v, radix: 16)
            let take = min(remaining, 16)
            out += String(repeating: "0", count: max(0, take - chunk.count)) + chunk.suffix(take)
            remaining -= take
            v = v &* 0x9E37_79B9_7F4A_7C15 &+ 0x632B_E59B_D9B4_E019
        }
        return out
    }

    static func alphanumeric(_ count: Int, rng: inout SeededRandom) -> String {
        let chars = Array("0123456789ABCDEFGHJKLMNPQRSTVWXYZ")
        return String((0..<count).map { _ in chars[Int(rng.next() % UInt64(chars.count))] })
    }

    static func lowercase(_ count: Int, rng: inout SeededRandom) -> String {
        String((0..<count).map { _ in Character(UnicodeScalar(UInt8(97 + rng.next() % 26))) })
    }

    /// A random (version 4) UUID.
    static func uuid(_ rng: inout SeededRandom) -> String {
        let s = Array(hex(rng.next(), digits: 16) + hex(rng.next(), digits: 16))
        return String(s[0..<8]) + "-" + String(s[8..<12]) + "-4" + String(s[13..<16]) + "-a" + String(s[17..<20]) + "-" + String(s[20..<32])
    }

    /// LVM's UUID format (6-4-4-4-4-4-6 letters and digits), as in `lvs` `block_uuid`.
    static func lvmUUID(_ rng: inout SeededRandom) -> String {
        let chars = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return [6, 4, 4, 4, 4, 4, 6].map { n in String((0..<n).map { _ in chars[Int(rng.next() % UInt64(chars.count))] }) }
            .joined(separator: "-")
    }
}
