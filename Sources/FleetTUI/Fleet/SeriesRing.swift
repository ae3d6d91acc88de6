/// The last `capacity` values of one measurement of one host, oldest first. Float32 with NaN for
/// "no value" (a failed poll) keeps a series at 240 bytes, so 10,000 hosts can keep several.
struct SeriesRing: Sendable, Equatable {
    static let capacity = 60

    private var ring = FixedRing<Float32>(capacity: SeriesRing.capacity)

    /// Values recorded so far (gaps included), at most `capacity`.
    var count: Int { ring.count }

    /// Appends one value; nil, NaN and infinities are recorded as a gap.
    mutating func append(_ value: Double?) {
        // Beyond Float32's range (an absurd age from a broken clock) is kept as its largest value.
        let v: Float32 = value.flatMap { $0.isFinite ? Float32(max(-3e38, min(3e38, $0))) : nil } ?? .nan
        ring.append(v)
    }

    /// Oldest first; NaN where a poll had no value.
    var values: [Float32] { ring.values }

    /// The values that are not gaps, in no particular order.
    var present: [Double] { ring.unordered.compactMap { $0.isNaN ? nil : Double($0) } }
}
