import Common

/// The second line `simulate` prints once it serves: the shapes it drew, the body sizes it
/// serves, what the hosts share, and how long start-up took (benchmarks read it).
enum SimulationReport {
    static func text(fleet: SimulatedFleet, profile: HostProfile, startSecs: Double, openFiles: UInt64) -> String {
        let shapes = Dictionary(grouping: fleet.members, by: \.shape)
            .sorted { ($0.key.role == .monitor ? 0 : 1, $0.key.disks) < ($1.key.role == .monitor ? 0 : 1, $1.key.disks) }
            .map { "\($0.key)=\($0.value.count)" }
        let sizes = fleet.members.compactMap { $0.cache?.snapshot().metadataBody.count }
        var text = "profile \(profile.rawValue): \(shapes.joined(separator: " "))"
        if let lo = sizes.min(), let hi = sizes.max() {
            let mean = sizes.reduce(0, +) / sizes.count
            text += "; /v1/metadata bodies \(kb(lo))-\(kb(hi)) KB, mean \(kb(mean)) KB"
        }
        text += "; \(fleet.sharedDiskSets) disk sets shared (\(kb(fleet.sharedBytes)) KB)"
        text += "; started in \(DecimalText.fixed(startSecs, 2)) s; open-files limit \(openFiles)"
        return text
    }

    private static func kb(_ bytes: Int) -> String { DecimalText.fixed(Double(bytes) / 1024, 1) }
}
