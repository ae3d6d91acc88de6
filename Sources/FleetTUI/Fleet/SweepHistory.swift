/// The fleet's status counts at the end of each of the last `capacity` sweeps, for the header's
/// history bar: a wave of failures shows as a run of tall red columns.
struct SweepHistory: Sendable, Equatable {
    static let capacity = 60

    /// One sweep's counts: hosts per status, `HostStatus.rawValue` order.
    struct Counts: Sendable, Equatable {
        let perStatus: [UInt32]

        init(_ totals: StatusTotals) {
            perStatus = HostStatus.allCases.map { UInt32(clamping: totals[$0]) }
        }

        subscript(status: HostStatus) -> Int { Int(perStatus[status.rawValue]) }
        var total: Int { perStatus.reduce(0) { $0 + Int($1) } }
        /// Hosts that answered with something other than OK (WAIT not counted).
        var notOK: Int { HostStatus.reported.filter { $0 != .ok }.reduce(0) { $0 + self[$1] } }
        /// The worst status any host had in that sweep.
        var worst: HostStatus {
            HostStatus.allCases.filter { self[$0] > 0 }.max { $0.severity < $1.severity } ?? .pending
        }
    }

    private var ring = FixedRing<Counts>(capacity: SweepHistory.capacity)

    mutating func append(_ totals: StatusTotals) { ring.append(Counts(totals)) }

    /// Oldest first.
    var sweeps: [Counts] { ring.values }
}
