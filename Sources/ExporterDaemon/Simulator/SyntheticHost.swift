import Common

/// Synthetic but realistic metadata for simulated host `index`, pre-serialized: gather-facts,
/// `cephadm ls` and a `ceph-volume inventory`, with the keys and types of the real outputs
/// (see Tests/Fixtures). Names, addresses, DMI serials, daemon and container ids are the
/// host's own; the disk set and its inventory come from the shared pool (`SyntheticDiskPool`).
struct SyntheticHost {
    let identity: SyntheticIdentity
    let shape: HostShape
    let facts: [UInt8]
    let daemons: [UInt8]
    /// Shared with every host that drew the same disk set.
    let disks: [UInt8]

    var name: String { identity.shortName }

    init(index: Int, seed: UInt64, fsid: String, now: Double, profile: HostProfile, pool: SyntheticDiskPool) {
        identity = SyntheticIdentity(index: index)
        shape = profile.shape(index: index, seed: seed)
        var rng = SeededRandom.simulator(seed: seed ^ (UInt64(index) &* 0x2545_F491_4F6C_DD1D))
        let variant = pool.variant(shape, number: Int(rng.next() % UInt64(SyntheticDiskPool.variantsPerShape)))
        disks = variant.inventory
        facts = SyntheticFacts.json(host: identity, disks: variant.disks, parts: variant.factParts, now: now, rng: &rng)
        daemons = SyntheticDaemons.json(host: identity, role: shape.role, osdEntries: variant.osdDaemons, fsid: fsid, rng: &rng)
    }

    /// The data of each task, as the cache takes it.
    var dataJSON: [TaskName: [UInt8]] { [.host: facts, .daemons: daemons, .disks: disks] }
}
