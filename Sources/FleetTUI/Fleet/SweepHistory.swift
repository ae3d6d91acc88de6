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

    private var storage: [Counts] = []
    private var next = 0

    mutating func append(_ totals: StatusTotals) {
        let c = Counts(totals)
        if storage.count < SweepHistory.capacity {
            storage.append(c)
        } else {
            storage[next] = c
        }
        next = (next + 1) % SweepHistory.capacity
    }

    /// Oldest first.
    var sweeps: [Counts] {
        guard storage.count == SweepHistory.capacity, next > 0 else { return storage }
        return Array(storage[next...] + storage[..<next])
    }
}
