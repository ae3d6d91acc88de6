import Common

/// The poller's skim and summary of a /v1/metadata body against the full decode: for every
/// input both must refuse it with the same error, or both accept it and the skim equal the
/// decoded document cut down to the skim plan (the summary: what the plan reads of the decoded
/// document). Anything else would change a host's verdict.
enum MetadataSkimFuzz {
    static let target = FuzzTarget(name: "metadata-skim", run: run, brokenInput: Array(#"{"health": {"tasks": 5}}"#.utf8))

    /// The dashboard's plan (the facts' hostname, each daemon's style and fsid) and one that
    /// keeps nothing.
    static let plans = [
        MetadataSkimPlan(objectMembers: [.host: ["hostname"]], itemMembers: [.daemons: ["style", "fsid"]]),
        MetadataSkimPlan(),
    ]

    /// The dashboard's summary (the facts' hostname, the cephadm daemons' fsids counted) and
    /// one that reads nothing but health and records.
    static let summaryPlans = [
        MetadataSummaryPlan(text: (.host, "hostname"),
                            tally: .init(task: .daemons, filterKey: "style", filterValue: "cephadm:v1", countKey: "fsid")),
        MetadataSummaryPlan(),
    ]

    @Sendable static func run(_ data: [UInt8]) -> FuzzOutcome {
        let plan = plans[Int(data.first ?? 0) % plans.count]
        let skimmed = Result { () throws(MetadataWireError) in try MetadataDocument.skim(data, plan: plan) }
        let decoded = Result { () throws(MetadataWireError) in try MetadataDocument.decode(data).pruned(plan) }
        guard skimmed == decoded else {
            return .invariantBroken("skim gave \(skimmed), the full decode \(decoded)")
        }
        let summaryPlan = summaryPlans[Int(data.last ?? 0) % summaryPlans.count]
        let summarized = Result { () throws(MetadataWireError) in try MetadataDocument.summarize(data, plan: summaryPlan) }
        let reference = Result { () throws(MetadataWireError) in
            MetadataSummary(decoded: try MetadataDocument.decode(data), plan: summaryPlan)
        }
        guard summarized == reference else {
            return .invariantBroken("summarize gave \(summarized), the full decode \(reference)")
        }
        switch skimmed {
        case .success(let document): return .value("health with \(document.health.errors.count) errors")
        case .failure(let error): return .rejected(error.description)
        }
    }
}
