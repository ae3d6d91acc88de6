import Common

/// The poller's summary of a /v1/metadata body (`MetadataDocument.summarize`) against the full
/// decode: for every input both must refuse it with the same error, or both accept it and the
/// summary equal what the plan reads of the decoded document (health and records in full, each
/// `data` reduced to its kind, the plan's text and tally). Anything else would change a host's
/// verdict.
enum MetadataSummaryFuzz {
    static let target = FuzzTarget(name: "metadata-summary", run: run, brokenInput: Array(#"{"health": {"tasks": 5}}"#.utf8))

    /// The dashboard's summary (the facts' hostname, the cephadm daemons' fsids counted), one
    /// that reads a member that is not a string and counts a run for every running daemon, and
    /// one that reads nothing but health and records.
    static let plans = [
        MetadataSummaryPlan(text: (.host, "hostname"),
                            tally: .init(task: .daemons, filterKey: "style", filterValue: "cephadm:v1", countKey: "fsid")),
        MetadataSummaryPlan(text: (.host, "interfaces"),
                            tally: .init(task: .daemons, filterKey: "state", filterValue: "running", countKey: "name")),
        MetadataSummaryPlan(),
    ]

    /// Every plan on every input (one decode is the reference for all three).
    @Sendable static func run(_ data: [UInt8]) -> FuzzOutcome {
        let decoded = Result { () throws(MetadataWireError) in try MetadataDocument.decode(data) }
        for plan in plans {
            let summarized = Result { () throws(MetadataWireError) in try MetadataDocument.summarize(data, plan: plan) }
            let reference = decoded.map { MetadataSummary(decoded: $0, plan: plan) }
            guard summarized == reference else {
                return .invariantBroken("summarize gave \(summarized), the full decode \(reference)")
            }
        }
        switch decoded {
        case .success(let document): return .value("health with \(document.health.errors.count) errors")
        case .failure(let error): return .rejected(error.description)
        }
    }
}
