/// What ceph-volume 16.2.15 looks at to reject a device, gathered natively.
struct RejectionFacts: Equatable {
    var kind: NativeBlockDevice.Kind
    /// udev's `ID_BUS` (`usb` is rejected).
    var idBus = ""
    var readOnly = false
    var sizeBytes: Double = 0
    var hasPartitions = false
    /// A partition (or, for a disk, one of its partitions) carries a ceph-disk label or type.
    var usedByCephDisk = false
    /// The first bytes of the device: nil when the device could not be opened.
    var bluestoreLabel: Bool? = false
    /// For a partition, the same for its parent device.
    var parentBluestoreLabel: Bool? = false
    /// The device has a GPT partition table (udev's `ID_PART_TABLE_TYPE`).
    var gptHeaders = false
    /// udev's `ID_FS_TYPE` (what blkid found: a file system, swap, LVM2_member, ...).
    var fileSystemType = ""
    /// The device or one of its partitions is an LVM physical volume.
    var lvmMember = false
}

/// ceph-volume 16.2.15's reasons for refusing a device as an OSD, in its words.
enum CephVolumeRejection {
    static let minimumBytes: Double = 5_368_709_120

    /// The partition type GUIDs ceph-disk created (a partition of one is "Used by ceph-disk").
    static let cephDiskPartitionTypes: Set<String> = [
        "01b41e1b-002a-453c-9f17-88793989ff8f", "166418da-c469-4022-adf4-b30afd37f176", "306e8683-4fe2-4330-b7c0-00a917c16966",
        "30cd0809-c2b2-499c-8879-2d6b78529876", "45b0969e-8ae0-4982-bf9d-5a8d867af560", "45b0969e-9b03-4f30-b4c6-35865ceff106",
        "45b0969e-9b03-4f30-b4c6-5ec00ceff106", "4fbd7e29-8ae0-4982-bf9d-5a8d867af560", "4fbd7e29-9d25-41b8-afd0-062c0ceff05d",
        "4fbd7e29-9d25-41b8-afd0-35865ceff05d", "4fbd7e29-9d25-41b8-afd0-5ec00ceff05d", "5ce17fce-4087-4169-b7ff-056cc58473f9",
        "7f4a666a-16f3-47a2-8445-152ef4d03f6c", "86a32090-3647-40b9-bbbd-38d8c573aa86", "93b0052d-02d9-4d8a-a43b-33a3ee4dfbc3",
        "cafecafe-8ae0-4982-bf9d-5a8d867af560", "cafecafe-9b03-4f30-b4c6-35865ceff106", "cafecafe-9b03-4f30-b4c6-5ec00ceff106",
        "cafecafe-9b03-4f30-b4c6-b4b80ceff106", "ec6d6385-e346-45dc-be91-da2a7c8b3261", "fb3aabf9-d25f-47cc-bf5e-721d1816496b",
    ]

    /// A partition's udev label or type says ceph-disk made it.
    static func isCephDiskPartition(label: String, type: String) -> Bool {
        label.contains("ceph") || cephDiskPartitionTypes.contains(type.lowercased())
    }

    /// The reasons, each once, in ceph-volume's order of checking (ceph-volume itself prints
    /// them in no fixed order). Not decided natively: "Insufficient space (<10 extents) on
    /// vgs" (needs LVM's free extents); ceph-volume's "LVM detected" needs the volume group,
    /// here an LVM physical volume counts.
    static func reasons(_ f: RejectionFacts) -> [String] {
        var reasons: [String] = []
        if f.idBus == "usb" { reasons.append("id_bus") }
        if f.readOnly { reasons.append("read-only") }
        if f.sizeBytes < minimumBytes { reasons.append("Insufficient space (<5GB)") }
        if f.usedByCephDisk { reasons.append("Used by ceph-disk") }
        switch f.bluestoreLabel {
        case true?: reasons.append("Has BlueStore device label")
        case nil: reasons.append("Failed to determine if device is BlueStore")
        default: break
        }
        if f.kind == .part {
            switch f.parentBluestoreLabel {
            case true?: reasons.append("Parent has BlueStore device label")
            case nil: reasons.append("Failed to determine if parent device is BlueStore")
            default: break
            }
        }
        if f.gptHeaders { reasons.append("Has GPT headers") }
        if f.hasPartitions { reasons.append("Has partitions") }
        if !f.fileSystemType.isEmpty { reasons.append("Has a FileSystem") }
        if f.lvmMember { reasons.append("LVM detected") }
        return reasons
    }
}
