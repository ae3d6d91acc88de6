import Common
/// Disk sets and what is serialized from them, shared by hosts of the same shape.
///
/// A fleet of 10,000 hosts has a handful of shapes; each shape gets up to `variantsPerShape`
/// disk sets (own drive model, serials, WWNs, OSD ids, enclosure), built when a host first
/// needs one. Serialized once per set: the ceph-volume inventory (every host that draws the
/// set serves the very same bytes), the daemon list's OSD entries and the facts' disk lists
/// and enclosure (spliced into each host's own documents, which carry its names, addresses
/// and serials). The dashboard cannot tell: it reduces disks to counts and capacity, daemons
/// to counts, versions and the names of stopped OSDs, and never compares hosts; within one
/// host the three documents agree.
final class SyntheticDiskPool {
    /// Enough that a fleet of a few hundred hosts rarely repeats a set; 10,000 hosts keep
    /// about 500 sets (a few tens of MB) instead of 10,000 inventories.
    static let variantsPerShape = 64

    /// A disk set and everything serialized from it that hosts can share.
    struct Variant {
        let disks: SyntheticDiskSet
        let inventory: [UInt8]
        let factParts: SyntheticFacts.DiskParts
        let osdDaemons: [UInt8]
    }

    private struct Key: Hashable {
        let shape: HostShape
        let number: Int
    }

    private let seed: UInt64
    private let clusterFSID: String
    private var variants: [Key: Variant] = [:]

    init(seed: UInt64, clusterFSID: String) {
        self.seed = seed
        self.clusterFSID = clusterFSID
    }

    var count: Int { variants.count }
    var sharedBytes: Int {
        variants.values.reduce(0) { $0 + $1.inventory.count + $1.osdDaemons.count + $1.factParts.flash.count + $1.factParts.hdd.count }
    }

    /// Each set's OSD ids are a block of 64 of its own, numbered from the shape and the set, so
    /// a host has the same ids whichever process serves it (`--first-host`).
    static func osdBase(_ shape: HostShape, number: Int) -> Int {
        let shapeIndex = HostShape.catalogue.firstIndex(of: shape) ?? HostShape.catalogue.count
        return (number * (HostShape.catalogue.count + 1) + shapeIndex) * 64
    }

    func variant(_ shape: HostShape, number: Int) -> Variant {
        let key = Key(shape: shape, number: number % Self.variantsPerShape)
        if let v = variants[key] { return v }
        var rng = SeededRandom.simulator(seed: seed &* 0x2127_599B_F432_5C37 ^ UInt64(shape.disks &* 1_000_003 &+ key.number &* 31)
                                   ^ (shape.role == .monitor ? 0xABCD : 0))
        let set = SyntheticDiskSet(shape: shape, osdBase: Self.osdBase(shape, number: key.number), rng: &rng)
        let v = Variant(disks: set, inventory: SyntheticInventory.json(set, clusterFSID: clusterFSID), factParts: SyntheticFacts.DiskParts(set),
                        osdDaemons: SyntheticDaemons.osdEntries(set, fsid: clusterFSID, rng: &rng))
        variants[key] = v
        return v
    }
}
