import Common

/// The poller's skim of a /v1/metadata body against the full decode: for every input both must
/// refuse it with the same error, or both accept it and the skim equal the decoded document cut
/// down to the skim plan. Anything else would change a host's verdict.
enum MetadataSkimFuzz {
    static let target = FuzzTarget(name: "metadata-skim", run: run, brokenInput: Array(#"{"health": {"tasks": 5}}"#.utf8))

    /// The dashboard's plan (the facts' hostname, each daemon's style and fsid) and one that
    /// keeps nothing.
    static let plans = [
        MetadataSkimPlan(objectMembers: [.host: ["hostname"]], itemMembers: [.daemons: ["style", "fsid"]]),
        MetadataSkimPlan(),
    ]

    @Sendable static func run(_ data: [UInt8]) -> FuzzOutcome {
        let plan = plans[Int(data.first ?? 0) % plans.count]
        let skimmed = Result { () throws(MetadataWireError) in try MetadataDocument.skim(data, plan: plan) }
        let decoded = Result { () throws(MetadataWireError) in try MetadataDocument.decode(data).pruned(plan) }
        guard skimmed == decoded else {
            return .invariantBroken("skim gave \(skimmed), the full decode \(decoded)")
        }
        switch skimmed {
        case .success(let document): return .value("health with \(document.health.errors.count) errors")
        case .failure(let error): return .rejected(error.description)
        }
    }
}
