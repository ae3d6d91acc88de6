import Common
/// What kind of machine a simulated host is: its role and how many disks it has. Everything
/// else (daemons, facts, body size) follows from the shape.
struct HostShape: Hashable, Sendable, CustomStringConvertible {
    enum Role: String, Sendable {
        /// A storage host: one boot SSD, every other disk an OSD (HDDs, or NVMe when all-flash).
        case storage
        /// A monitor/manager host: boot SSD, a flash disk for the monitor's store, a spare.
        case monitor
    }

    let role: Role
    /// Physical disks, the boot disk included.
    let disks: Int

    static let small = HostShape(role: .storage, disks: 5)
    static let osd24 = HostShape(role: .storage, disks: 24)
    static let jbod60 = HostShape(role: .storage, disks: 60)
    static let monitor = HostShape(role: .monitor, disks: 3)

    /// OSD daemons: one per data disk.
    var osds: Int { role == .storage ? disks - 1 : 0 }
    /// Daemons in `cephadm ls`: the OSDs, crash, node-exporter and this exporter; a monitor
    /// host has mon and mgr instead of OSDs.
    var daemons: Int { role == .storage ? osds + 3 : 5 }
    /// Hosts with this many bays sit behind a SAS expander that reports itself as an enclosure.
    var hasEnclosure: Bool { role == .storage && disks >= 24 }

    var description: String { role == .monitor ? "mon-\(disks)" : "osd-\(disks)" }

    /// Every shape a profile can give, in a fixed order (it numbers the OSD id blocks).
    static let catalogue: [HostShape] = {
        var shapes: [HostShape] = [.small, .osd24, .jbod60]
        for (shape, _) in HostProfile.mixedWeights where !shapes.contains(shape) { shapes.append(shape) }
        return shapes
    }()
}

/// `simulate --profile`: which shapes the simulated hosts have.
enum HostProfile: String, CaseIterable, Sendable {
    /// 5 disks, 7 daemons: a small OSD host.
    case small
    /// 24 disks, 26 daemons: a typical 2U OSD host.
    case osd24
    /// 60 disks, 62 daemons: a 4U JBOD host.
    case jbod60
    /// A fleet: mostly 12–36 disks, a few 60-disk JBODs, a few monitor hosts (`mixedWeights`).
    case mixed

    /// The default: a fleet an operator would recognise, as `make demo` shows it.
    static let `default` = HostProfile.mixed

    /// The distribution `mixed` draws from (weights out of 100): chassis sizes as sold (12, 24,
    /// 36 bays; 16 and 20 for partly filled ones), the usual 3–5 monitor hosts per 100.
    static let mixedWeights: [(HostShape, Int)] = [
        (.monitor, 4),
        (HostShape(role: .storage, disks: 12), 22),
        (HostShape(role: .storage, disks: 16), 10),
        (HostShape(role: .storage, disks: 20), 8),
        (.osd24, 25),
        (HostShape(role: .storage, disks: 30), 6),
        (HostShape(role: .storage, disks: 36), 19),
        (.jbod60, 6),
    ]

    /// Every shape this profile can give.
    var shapes: [HostShape] {
        switch self {
        case .small: [.small]
        case .osd24: [.osd24]
        case .jbod60: [.jbod60]
        case .mixed: HostProfile.mixedWeights.map(\.0)
        }
    }

    /// The shape of host `index` under `seed` (deterministic).
    func shape(index: Int, seed: UInt64) -> HostShape {
        switch self {
        case .small: return .small
        case .osd24: return .osd24
        case .jbod60: return .jbod60
        case .mixed:
            var rng = SeededRandom.simulator(seed: seed &* 0x5851_F42D_4C95_7F2D &+ UInt64(index) &+ 17)
            let total = HostProfile.mixedWeights.reduce(0) { $0 + $1.1 }
            var roll = Int(rng.next() % UInt64(total))
            for (shape, weight) in HostProfile.mixedWeights {
                if roll < weight { return shape }
                roll -= weight
            }
            return .osd24
        }
    }
}
