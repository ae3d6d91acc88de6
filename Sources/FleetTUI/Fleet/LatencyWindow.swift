/// The latencies of one host's last `capacity` polls (failed polls are gaps), for p50/p95 and
/// the detail view's sparkline.
struct LatencyWindow: Sendable, Equatable {
    static let capacity = SeriesRing.capacity

    private(set) var series = SeriesRing()
    /// The last latency of a poll that got an HTTP response, at full precision.
    private(set) var last: Double?

    /// Latencies in the window (gaps not counted).
    var count: Int { series.present.count }

    /// Records a poll that got an HTTP response.
    mutating func add(_ secs: Double) {
        guard secs.isFinite, secs >= 0 else { return }
        last = secs
        series.append(secs)
    }

    /// Records a poll without a response (refused, timed out, TLS failure): a gap.
    mutating func addGap() { series.append(nil) }

    /// Nearest-rank percentile (`p` in 0...1) over the window; nil when empty.
    func percentile(_ p: Double) -> Double? {
        LatencyWindow.percentile(p, of: series.present)
    }

    static func percentile(_ p: Double, of values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((min(max(p, 0), 1) * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
