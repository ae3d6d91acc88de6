/// The last `capacity` latencies of one host, for p50/p95 without keeping history.
struct LatencyWindow: Sendable, Equatable {
    static let capacity = 60

    private var values: [Double] = []
    private var next = 0

    var count: Int { values.count }
    private(set) var last: Double?

    mutating func add(_ secs: Double) {
        guard secs.isFinite, secs >= 0 else { return }
        last = secs
        if values.count < LatencyWindow.capacity {
            values.append(secs)
        } else {
            values[next] = secs
        }
        next = (next + 1) % LatencyWindow.capacity
    }

    /// Nearest-rank percentile (`p` in 0...1) over the window; nil when empty.
    func percentile(_ p: Double) -> Double? {
        LatencyWindow.percentile(p, of: values)
    }

    static func percentile(_ p: Double, of values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((min(max(p, 0), 1) * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
